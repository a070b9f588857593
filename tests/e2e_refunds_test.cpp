// Refunds over HTTP: partial and repeated refunds within the payment's amount, idempotent retries,
// each failure branch (credit declined and reversed, the payee's funds short), who may refund
// and read, concurrent refunds that would pass the amount, and the legs in reconciliation.
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

// alice@okaxis pays bob@ybl: okaxis is the payer's PSP, ybl the payee's (who may refund).
constexpr const char* kPayeePsp = "demo-ybl-key";
constexpr const char* kPayerPsp = "demo-okaxis-key";

std::int64_t head(const SwitchProcess& sw) {
  return sw.get_json("/v1/ledger/verify")["events_checked"].as_int64();
}

json::object refunds_of(const SwitchProcess& sw, const std::string& payment_id) {
  return sw.get_json("/v1/payments/" + payment_id +
                     "/refunds?min_position=" + std::to_string(head(sw)));
}

std::vector<std::string> refund_event_types(const SwitchProcess& sw, const std::string& id) {
  std::vector<std::string> types;
  const json::object body = sw.get_json("/v1/refunds/" + id + "/events");
  for (const auto& e : body.at("events").as_array())
    types.emplace_back(e.as_object().at("type").as_string());
  return types;
}

TEST(E2eRefunds, PartialRefundsGiveMoneyBackUpToThePaymentAndNoFurther) {
  SwitchProcess sw;
  const std::string id = str(pay(sw, "alice@okaxis", "bob@ybl", "1000.00"), "id");
  const Paise alice = balance(sw, "alice@okaxis"), bob = balance(sw, "bob@ybl");

  auto first = refund(sw, kPayeePsp, id, "400.00", "r-1", "damaged");
  ASSERT_EQ(first.status, 201) << first.body;
  const json::object r1 = parse_body(first);
  EXPECT_EQ(str(r1, "status"), "COMPLETED");
  EXPECT_EQ(str(r1, "payment_id"), id);
  EXPECT_EQ(str(r1, "payer_vpa"), "bob@ybl");  // the refund's payer is the payment's payee
  EXPECT_EQ(str(r1, "payee_vpa"), "alice@okaxis");
  EXPECT_EQ(str(r1, "amount"), "400.00");
  EXPECT_EQ(str(r1, "rail"), "IMPS");
  EXPECT_EQ(first.header("location"), "/v1/refunds/" + str(r1, "id"));
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice + 400'00);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob - 400'00);
  EXPECT_EQ(refund_event_types(sw, str(r1, "id")),
            (std::vector<std::string>{"RefundRequested", "PayerResolved", "PayeeResolved",
                                      "RailSelected", "DebitRequested", "DebitSucceeded",
                                      "CreditRequested", "CreditSucceeded", "PaymentCompleted"}));

  // The same key and body: the same refund, on any retry; another body under the key: refused.
  auto again = refund(sw, kPayeePsp, id, "400.00", "r-1", "damaged");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.header("idempotency-replayed"), "true");
  EXPECT_EQ(str(parse_body(again), "id"), str(r1, "id"));
  auto reused = refund(sw, kPayeePsp, id, "300.00", "r-1", "damaged");
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(str(parse_body(reused), "code"), "IDEMPOTENCY_KEY_REUSED");

  // The rest of it, then not one paisa more; the refusal writes nothing.
  EXPECT_EQ(str(parse_body(refund(sw, kPayeePsp, id, "600.00", "r-2")), "status"), "COMPLETED");
  const std::int64_t before = head(sw);
  auto over = refund(sw, kPayeePsp, id, "0.01", "r-3");
  EXPECT_EQ(over.status, 409) << over.body;
  EXPECT_EQ(str(parse_body(over), "code"), "REFUND_EXCEEDS_PAYMENT");
  EXPECT_EQ(head(sw), before);
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice + 1000'00);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob - 1000'00);

  const json::object listed = refunds_of(sw, id);
  EXPECT_EQ(str(listed, "refunded_amount"), "1000.00");
  ASSERT_EQ(listed.at("items").as_array().size(), 2u);  // oldest first
  EXPECT_EQ(str(listed.at("items").as_array()[0].as_object(), "id"), str(r1, "id"));
  EXPECT_EQ(str(sw.get_json("/v1/payments/" + id), "refunded_amount"), "1000.00");
  // Refunds are not payments: the payment list does not show them.
  const json::object payments = sw.get_json("/v1/payments?limit=100");
  for (const auto& p : payments.at("items").as_array())
    EXPECT_EQ(str(p.as_object(), "id").rfind("pay_", 0), 0u);
}

TEST(E2eRefunds, ARefundWhoseCreditIsDeclinedIsReversedAndGivesItsShareBack) {
  SwitchProcess sw;
  const std::string id = str(pay(sw, "alice@okaxis", "bob@ybl", "500.00"), "id");
  const Paise alice = balance(sw, "alice@okaxis"), bob = balance(sw, "bob@ybl");
  set_faults(sw, "HDFC", R"([{"operation":"credit","action":"fail","count":1}])");  // alice's
  auto res = refund(sw, kPayeePsp, id, "500.00", "declined-1");
  ASSERT_EQ(res.status, 201) << res.body;
  const json::object r = parse_body(res);
  EXPECT_EQ(str(r, "status"), "REVERSED");
  EXPECT_EQ(reason_code(r), "CREDIT_DECLINED");
  const auto types = refund_event_types(sw, str(r, "id"));
  EXPECT_EQ(types.back(), "PaymentReversed");
  EXPECT_NE(std::find(types.begin(), types.end(), "ReversalSucceeded"), types.end());
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob);
  // A reversed refund holds nothing: the whole amount can still be refunded.
  EXPECT_EQ(str(parse_body(refund(sw, kPayeePsp, id, "500.00", "declined-2")), "status"),
            "COMPLETED");
  EXPECT_EQ(str(refunds_of(sw, id), "refunded_amount"), "500.00");
}

TEST(E2eRefunds, ARefundDebitWhoseAnswerIsLostIsSettledByAStatusCheckAndAppliedOnce) {
  SwitchProcess sw{{"--leg-timeout-ms", "150"}};
  const std::string id = str(pay(sw, "alice@okaxis", "bob@ybl", "300.00"), "id");
  const Paise alice = balance(sw, "alice@okaxis"), bob = balance(sw, "bob@ybl");
  set_faults(sw, "ICICI", R"([{"operation":"debit","action":"lost_response","count":1}])");
  auto res = refund(sw, kPayeePsp, id, "300.00", "lost-1");
  ASSERT_EQ(res.status, 201) << res.body;
  const json::object r = parse_body(res);
  EXPECT_EQ(str(r, "status"), "COMPLETED");
  const auto types = refund_event_types(sw, str(r, "id"));
  EXPECT_NE(std::find(types.begin(), types.end(), "DebitOutcomeUnknown"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "StatusChecked"), types.end());
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice + 300'00);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob - 300'00);
}

TEST(E2eRefunds, ARefundThePayeeCannotFundFailsWithNothingMoved) {
  SwitchProcess sw;
  // gita@paytm starts with nothing, is paid 100.00 and spends it before refunding.
  const std::string id = str(pay(sw, "alice@okaxis", "gita@paytm", "100.00"), "id");
  Headers paytm = as("demo-paytm-key");
  paytm.emplace_back("Idempotency-Key", fresh_key());
  paytm.emplace_back("Prefer", "wait=10");
  auto spent = sw.request("POST", "/v1/payments",
                          payment_body("gita@paytm", "carol@paytm", "100.00"), paytm);
  ASSERT_EQ(str(parse_body(spent), "status"), "COMPLETED") << spent.body;
  const Paise alice = balance(sw, "alice@okaxis");
  auto res = refund(sw, "demo-paytm-key", id, "100.00", "short-1");
  ASSERT_EQ(res.status, 201) << res.body;
  const json::object r = parse_body(res);
  EXPECT_EQ(str(r, "status"), "FAILED");
  EXPECT_EQ(reason_code(r), "INSUFFICIENT_FUNDS");
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
  EXPECT_EQ(balance(sw, "gita@paytm"), 0);
  EXPECT_EQ(str(refunds_of(sw, id), "refunded_amount"), "0.00");
  // The failed refund gave its hold back: once gita has the money, the refund goes through.
  EXPECT_EQ(str(pay(sw, "carol@paytm", "gita@paytm", "100.00"), "status"), "COMPLETED");
  EXPECT_EQ(str(parse_body(refund(sw, "demo-paytm-key", id, "100.00", "short-2")), "status"),
            "COMPLETED");
}

TEST(E2eRefunds, OnlyThePayeesPspRefundsAndOnlyThePaymentsPspsSeeRefunds) {
  SwitchProcess sw;
  const std::string id = str(pay(sw, "alice@okaxis", "bob@ybl", "10.00"), "id");
  const std::int64_t before = head(sw);
  for (const char* key : {kPayerPsp, "demo-paytm-key"}) {
    auto res = refund(sw, key, id, "1.00", fresh_key());
    EXPECT_EQ(res.status, 403) << key << ": " << res.body;
    EXPECT_EQ(str(parse_body(res), "code"), "REFUND_NOT_ALLOWED");
  }
  for (const char* key : {"demo-auditor-key", "demo-admin-key"}) {
    EXPECT_EQ(refund(sw, key, id, "1.00", fresh_key()).status, 403) << key;
  }
  EXPECT_EQ(head(sw), before);  // no refusal wrote anything
  auto missing = refund(sw, kPayeePsp, "pay_00000000000000ff", "1.00", fresh_key());
  EXPECT_EQ(missing.status, 404) << missing.body;

  const std::string refund_id = str(parse_body(refund(sw, kPayeePsp, id, "1.00", "ok-1")), "id");
  for (const char* key : {kPayerPsp, kPayeePsp, "demo-auditor-key"}) {
    EXPECT_EQ(sw.request("GET", "/v1/refunds/" + refund_id, "", as(key)).status, 200) << key;
  }
  EXPECT_EQ(sw.request("GET", "/v1/refunds/" + refund_id, "", as("demo-paytm-key")).status, 404);
  EXPECT_EQ(
      sw.request("GET", "/v1/refunds/" + refund_id + "/events", "", as("demo-paytm-key")).status,
      404);
  EXPECT_EQ(sw.request("GET", "/v1/payments/" + id + "/refunds", "", as("demo-paytm-key")).status,
            404);
  EXPECT_EQ(sw.request("GET", "/v1/refunds/rfd_00000000000000ff", "").status, 404);

  // Only a COMPLETED payment can be refunded.
  set_faults(sw, "HDFC", R"([{"operation":"debit","action":"fail","count":1}])");
  const std::string failed = str(pay(sw, "alice@okaxis", "bob@ybl", "10.00"), "id");
  auto res = refund(sw, kPayeePsp, failed, "1.00", fresh_key());
  EXPECT_EQ(res.status, 409) << res.body;
  EXPECT_EQ(str(parse_body(res), "code"), "PAYMENT_NOT_REFUNDABLE");
}

TEST(E2eRefunds, FiftyRefundsAtOnceNeverAddUpToMoreThanThePayment) {
  SwitchProcess sw;
  const std::string id = str(pay(sw, "alice@okaxis", "bob@ybl", "1000.00"), "id");
  const Paise bob = balance(sw, "bob@ybl");
  std::vector<int> statuses(50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 50; i += 10) {
        statuses[i] = refund(sw, kPayeePsp, id, "30.00", "at-once-" + std::to_string(i)).status;
      }
    });
  }
  for (auto& t : threads) t.join();
  // 33 x 30.00 = 990.00 fits in 1,000.00; a 34th would not.
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 33);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 17);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob - 990'00);
  EXPECT_EQ(str(refunds_of(sw, id), "refunded_amount"), "990.00");
  const json::object listed = refunds_of(sw, id);
  EXPECT_EQ(listed.at("items").as_array().size(), 33u);
}

TEST(E2eRefunds, RefundLegsSettleAndReconcileWithTheBanks) {
  SwitchProcess sw;
  const std::string id = str(pay(sw, "alice@okaxis", "bob@ybl", "250.00"), "id");
  const std::string refund_id =
      str(parse_body(refund(sw, kPayeePsp, id, "100.00", "settle-1")), "id");
  auto closed = sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":1})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  // The payment and its refund, each netted like any payment.
  EXPECT_EQ(parse_body(closed)["payments"].as_object().at("completed").as_int64(), 2);
  const auto report = sw.get_json("/v1/settlement/cycles/1/reconciliation");
  EXPECT_EQ(str(report, "status"), "MATCHED") << to_json(report);
  // The refund's debit is at bob's bank (ICICI), with a leg id of its own.
  auto proof = sw.request(
      "GET", "/v1/settlement/cycles/1/banks/ICICI/proof?leg_id=" + refund_id + ":debit:1", "");
  EXPECT_EQ(proof.status, 200) << proof.body;
}

}  // namespace
}  // namespace upi::testing
