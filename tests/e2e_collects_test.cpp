// Collect requests over HTTP: the payee's PSP asks, the payer's PSP lists, approves (one
// payment however often it is retried) or declines; what is not answered in time expires and
// can no longer be approved, even when the approval races the expiry; strangers see nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

// bob@ybl asks alice@okaxis: ybl is the payee's PSP, okaxis the payer's.
constexpr const char* kPayeePsp = "demo-ybl-key";
constexpr const char* kPayerPsp = "demo-okaxis-key";

http::ClientResponse ask(const SwitchProcess& sw, const std::string& amount, const std::string& key,
                         const std::string& extra = "", const std::string& psp_key = kPayeePsp) {
  Headers headers = as(psp_key);
  headers.emplace_back("Idempotency-Key", key);
  return sw.request("POST", "/v1/collect-requests",
                    R"({"payee_vpa":"bob@ybl","payer_vpa":"alice@okaxis","amount":")" + amount +
                        R"(","note":"dinner")" + extra + "}",
                    headers);
}

http::ClientResponse answer(const SwitchProcess& sw, const std::string& id, const std::string& verb,
                            const std::string& key, const std::string& psp_key = kPayerPsp) {
  Headers headers = as(psp_key);
  headers.emplace_back("Idempotency-Key", key);
  headers.emplace_back("Prefer", "wait=10");
  return sw.request("POST", "/v1/collect-requests/" + id + "/" + verb, "", headers);
}

std::string created_id(const http::ClientResponse& res) {
  EXPECT_EQ(res.status, 201) << res.body;
  return str(parse_body(res), "id");
}

std::int64_t head(const SwitchProcess& sw) {
  return sw.get_json("/v1/ledger/verify")["events_checked"].as_int64();
}

// How many payments the ledger holds that the collect request made.
int payments_of(const SwitchProcess& sw, const std::string& collect_id) {
  int n = 0;
  for (std::int64_t after = 0;;) {
    const json::object page =
        sw.get_json("/v1/ledger/events?limit=1000&after=" + std::to_string(after));
    for (const auto& e : page.at("events").as_array()) {
      const auto& o = e.as_object();
      n += str(o, "type") == "PaymentRequested" &&
           str(o.at("metadata").as_object(), "idempotency_key") == "collect:" + collect_id;
    }
    if (page.at("events").as_array().empty()) return n;
    after = page.at("next_after").as_int64();
  }
}

TEST(E2eCollects, APayerApprovesOnceAndExactlyOnePaymentMovesTheMoney) {
  SwitchProcess sw;
  const Paise alice = balance(sw, "alice@okaxis"), bob = balance(sw, "bob@ybl");
  const std::string id = created_id(ask(sw, "150.00", "ask-1"));
  // The payer's PSP finds it among its customers' pending requests.
  const json::object listed =
      parse_body(sw.request("GET",
                            "/v1/collect-requests?vpa=alice@okaxis&status=PENDING&min_position=" +
                                std::to_string(head(sw)),
                            "", as(kPayerPsp)));
  ASSERT_EQ(listed.at("items").as_array().size(), 1u);
  EXPECT_EQ(str(listed.at("items").as_array()[0].as_object(), "id"), id);

  auto approved = answer(sw, id, "approve", "ok-1");
  ASSERT_EQ(approved.status, 200) << approved.body;
  const json::object body = parse_body(approved);
  EXPECT_EQ(str(body, "status"), "APPROVED");
  const std::string payment_id = str(body, "payment_id");
  EXPECT_EQ(str(body.at("payment").as_object(), "status"), "COMPLETED");
  EXPECT_EQ(str(body.at("payment").as_object(), "payer_vpa"), "alice@okaxis");
  // Retried, with the same key or another: the same payment, never a second.
  for (const char* key : {"ok-1", "ok-2"}) {
    auto again = answer(sw, id, "approve", key);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.header("idempotency-replayed"), "true");
    EXPECT_EQ(str(parse_body(again), "payment_id"), payment_id);
  }
  EXPECT_EQ(payments_of(sw, id), 1);
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice - 150'00);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob + 150'00);
  const auto types = event_types(sw, payment_id);
  EXPECT_EQ(types.back(), "PaymentCompleted");
  // Once answered, it cannot be declined.
  EXPECT_EQ(answer(sw, id, "decline", "no-1").status, 409);
  // The same ask again is the same request; another body under its key is refused.
  auto replay = ask(sw, "150.00", "ask-1");
  EXPECT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(str(parse_body(replay), "id"), id);
  EXPECT_EQ(ask(sw, "151.00", "ask-1").status, 422);
}

TEST(E2eCollects, ADeclineMovesNothingAndEndsTheRequest) {
  SwitchProcess sw;
  const Paise total = total_balance(sw);
  const std::string id = created_id(ask(sw, "99.00", "ask-2"));
  auto declined = answer(sw, id, "decline", "no-2");
  ASSERT_EQ(declined.status, 200) << declined.body;
  const json::object body = parse_body(declined);
  EXPECT_EQ(str(body, "status"), "DECLINED");
  EXPECT_EQ(reason_code(body), "COLLECT_DECLINED");
  EXPECT_EQ(str(body.at("reason").as_object(), "upi_code"), "ZA");
  auto late = answer(sw, id, "approve", "ok-3");
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(str(parse_body(late), "code"), "COLLECT_NOT_PENDING");
  EXPECT_EQ(payments_of(sw, id), 0);
  EXPECT_EQ(total_balance(sw), total);
}

TEST(E2eCollects, AnUnansweredRequestExpiresAndCannotBeApprovedAfter) {
  SwitchProcess sw;
  const Paise alice = balance(sw, "alice@okaxis");
  const std::string id = created_id(ask(sw, "20.00", "ask-3", R"(,"expires_in_seconds":1)"));
  json::object seen;
  EXPECT_TRUE(poll_until(
      [&] {
        seen = sw.get_json("/v1/collect-requests/" + id);
        return str(seen, "status") == "EXPIRED";
      },
      std::chrono::seconds(5)));  // the expiry pass, without anyone asking
  EXPECT_EQ(reason_code(seen), "COLLECT_EXPIRED");
  EXPECT_EQ(str(seen.at("reason").as_object(), "upi_code"), "U69");
  auto late = answer(sw, id, "approve", "ok-4");
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(str(parse_body(late), "code"), "COLLECT_EXPIRED");
  EXPECT_EQ(payments_of(sw, id), 0);
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
}

TEST(E2eCollects, AnApprovalRacingTheExpiryEitherPaysOnceOrMovesNothing) {
  SwitchProcess sw;
  const Paise alice = balance(sw, "alice@okaxis"), total = total_balance(sw);
  constexpr int kRequests = 24;
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  std::vector<std::string> ids;
  for (int i = 0; i < kRequests; ++i)
    ids.push_back(
        created_id(ask(sw, "10.00", "race-" + std::to_string(i), R"(,"expires_in_seconds":1)")));
  // The switch reads the same clock: the last request expires about a second from now.
  const std::int64_t expires = now_ms() + 1'000;
  // Approvals land from 60 ms before the last request's expiry to 60 ms after it, while the
  // expiry pass runs too.
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      const std::int64_t at_ms = expires - 60 + 5 * i;
      poll_until([&] { return now_ms() >= at_ms; }, std::chrono::seconds(5),
                 std::chrono::milliseconds(1));
      const int status = answer(sw, ids[i], "approve", "race-ok-" + std::to_string(i)).status;
      EXPECT_TRUE(status == 200 || status == 409) << status;
    });
  }
  for (auto& t : threads) t.join();
  int approved = 0, expired = 0;
  for (const auto& id : ids) {
    json::object c;
    ASSERT_TRUE(poll_until(
        [&] {
          c = sw.get_json("/v1/collect-requests/" + id);
          return str(c, "status") != "PENDING";
        },
        std::chrono::seconds(5)));
    if (str(c, "status") == "APPROVED") {
      ++approved;
      EXPECT_EQ(payments_of(sw, id), 1) << id;
      EXPECT_EQ(str(poll_payment(sw, str(c, "payment_id"), ended), "status"), "COMPLETED");
    } else {
      ++expired;
      EXPECT_EQ(str(c, "status"), "EXPIRED");
      EXPECT_TRUE(c.at("payment_id").is_null());
      EXPECT_EQ(payments_of(sw, id), 0) << id;
    }
  }
  EXPECT_EQ(approved + expired, kRequests);
  std::printf("approve/expiry race: %d approved, %d expired\n", approved, expired);
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice - approved * 10'00);
  EXPECT_EQ(total_balance(sw), total);
}

TEST(E2eCollects, OnlyTheTwoPspsSeeARequestAndOnlyThePayersAnswersIt) {
  SwitchProcess sw;
  const std::string id = created_id(ask(sw, "5.00", "ask-5"));
  EXPECT_EQ(sw.request("GET", "/v1/collect-requests/" + id, "", as("demo-paytm-key")).status, 404);
  for (const char* verb : {"approve", "decline"}) {
    EXPECT_EQ(answer(sw, id, verb, fresh_key(), "demo-paytm-key").status, 404) << verb;
    auto by_payee = answer(sw, id, verb, fresh_key(), kPayeePsp);
    EXPECT_EQ(by_payee.status, 403) << by_payee.body;
    EXPECT_EQ(str(parse_body(by_payee), "code"), "COLLECT_NOT_PAYER");
  }
  const json::object theirs =
      parse_body(sw.request("GET", "/v1/collect-requests?min_position=" + std::to_string(head(sw)),
                            "", as("demo-paytm-key")));
  EXPECT_TRUE(theirs.at("items").as_array().empty());
  // A PSP asks only for its own customers, within the collect cap, for a VPA that exists.
  EXPECT_EQ(str(parse_body(ask(sw, "5.00", fresh_key(), "", kPayerPsp)), "code"),
            "PAYEE_NOT_OWNED");
  auto above = ask(sw, "2000.01", fresh_key());
  EXPECT_EQ(above.status, 422);
  EXPECT_EQ(str(parse_body(above), "code"), "AMOUNT_ABOVE_COLLECT_LIMIT");
  EXPECT_EQ(
      str(parse_body(ask(sw, "5.00", fresh_key(), R"(,"expires_in_seconds":604801)")), "code"),
      "INVALID_FIELD");
  EXPECT_EQ(sw.request("GET", "/v1/collect-requests/col_00000000000000ff", "").status, 404);
  EXPECT_EQ(answer(sw, id, "approve", "").status, 400);  // an answer needs an Idempotency-Key
}

TEST(E2eCollects, APayeeHasAtMostTheSchemesPendingRequests) {
  const std::string scheme_path = ::testing::TempDir() + "collect-scheme.json";
  std::ofstream(scheme_path) << R"({"currency":"INR","rails":[
      {"rail":"IMPS","min":"0.01","max":"50000.00"},{"rail":"NEFT","min":"50000.01","max":"200000.00"},
      {"rail":"RTGS","min":"200000.01","max":"100000000.00"}],
      "collect":{"pending_per_payee_max":2}})";
  SwitchProcess sw{{"--scheme", scheme_path}};
  const std::string first = created_id(ask(sw, "1.00", "p-1"));
  created_id(ask(sw, "1.00", "p-2"));
  const std::int64_t before = head(sw);
  auto third = ask(sw, "1.00", "p-3");
  EXPECT_EQ(third.status, 409) << third.body;
  EXPECT_EQ(str(parse_body(third), "code"), "COLLECT_PENDING_LIMIT");
  EXPECT_EQ(head(sw), before);
  // An answer frees its place.
  EXPECT_EQ(answer(sw, first, "decline", "d-1").status, 200);
  created_id(ask(sw, "1.00", "p-4"));
}

}  // namespace
}  // namespace upi::testing
