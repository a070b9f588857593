// Settlement cycles through the REST API: reports while open, an admin's close (and its retry),
// the cycles that follow, CSV, who may see and close them, and the schedule's own cut-offs.
#include <gtest/gtest.h>

#include "settlement/leg_merkle.h"
#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

Paise money(const json::object& o, std::string_view key) {
  return parse_signed_money(std::string(o.at(key).as_string())).value();
}

// The bank's net in a cycle report (0 when the bank is not in it).
Paise net_of(const json::object& report, const std::string& bank) {
  for (const auto& b : report.at("banks").as_array()) {
    if (b.as_object().at("bank").as_string() == bank) return money(b.as_object(), "net");
  }
  return 0;
}

std::size_t settlement_events(const SwitchProcess& sw) {
  std::size_t n = 0;
  auto body = sw.get_json("/v1/ledger/events?limit=1000");
  for (const auto& e : body["events"].as_array()) n += e.as_object().at("stream") == "settlement";
  return n;
}

TEST(E2eSettlement, CyclesNetTheirPaymentsAndAnAdminClosesTheOpenOneOnce) {
  SwitchProcess sw;
  EXPECT_EQ(str(pay(sw, "alice@okaxis", "bob@ybl", "100.00"), "status"), "COMPLETED");
  EXPECT_EQ(str(pay(sw, "bob@ybl", "carol@paytm", "30.00"), "status"), "COMPLETED");
  EXPECT_EQ(str(pay(sw, "gita@paytm", "bob@ybl", "5.00"), "status"), "FAILED");  // no funds
  const std::string rtgs = str(pay(sw, "alice@okaxis", "bob@ybl", "250000.00"), "id");
  set_faults(sw, "SBI", R"([{"operation":"credit","action":"fail"}])");
  EXPECT_EQ(str(pay(sw, "alice@okaxis", "carol@paytm", "7.00"), "status"), "REVERSED");
  set_faults(sw, "SBI", "[]");

  auto open = sw.get_json("/v1/settlement/cycles/current");
  EXPECT_EQ(open["cycle"].as_int64(), 1);
  EXPECT_EQ(str(open, "status"), "OPEN");
  EXPECT_TRUE(open["cutoff_at"].is_null());
  EXPECT_EQ(open["payments"].as_object().at("completed").as_int64(), 3);
  EXPECT_EQ(open["payments"].as_object().at("reversed").as_int64(), 1);
  EXPECT_EQ(str(open, "volume"), "250130.00");
  // RTGS settles gross: listed on its own, not in the nets.
  EXPECT_EQ(net_of(open, "HDFC"), -10000);
  EXPECT_EQ(net_of(open, "ICICI"), 7000);
  EXPECT_EQ(net_of(open, "SBI"), 3000);
  EXPECT_EQ(str(open, "net_total"), "0.00");
  ASSERT_EQ(open["gross_items"].as_array().size(), 1u);
  const auto& item = open["gross_items"].as_array()[0].as_object();
  EXPECT_EQ(str(item, "payment_id"), rtgs);
  EXPECT_EQ(str(item, "payer_bank"), "HDFC");
  EXPECT_EQ(str(item, "payee_bank"), "ICICI");
  EXPECT_EQ(str(item, "amount"), "250000.00");

  // Settlement is for auditors and admins; only admins close, and a refused request changes
  // nothing.
  EXPECT_EQ(sw.request("GET", "/v1/settlement/cycles", "", as("demo-okaxis-key")).status, 403);
  EXPECT_EQ(sw.request("POST", "/v1/admin/settlement/close", "", as("demo-auditor-key")).status,
            403);
  EXPECT_EQ(sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":"1"})").status, 422);
  EXPECT_EQ(sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":1,"x":2})").status, 422);
  auto ahead = sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":2})");
  EXPECT_EQ(ahead.status, 409);
  EXPECT_EQ(str(parse_body(ahead), "code"), "CYCLE_NOT_OPEN");
  EXPECT_EQ(settlement_events(sw), 0u);

  auto closed = sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":1})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  auto one = parse_body(closed);
  EXPECT_EQ(str(one, "status"), "CLOSED");
  EXPECT_TRUE(one["cut_off_by_this_request"].as_bool());
  EXPECT_EQ(net_of(one, "HDFC"), -10000);
  EXPECT_EQ(settlement_events(sw), 2u);
  // A retry (a lost answer) answers the same cycle and closes nothing more.
  auto retry = parse_body(sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":1})"));
  EXPECT_FALSE(retry["cut_off_by_this_request"].as_bool());
  EXPECT_EQ(retry["banks"], one["banks"]);
  EXPECT_EQ(settlement_events(sw), 2u);

  // The next payment joins cycle 2; cycle 1 no longer changes.
  pay(sw, "hari@okhdfc", "dev@okhdfc", "1.00");
  auto two = sw.get_json("/v1/settlement/cycles/current");
  EXPECT_EQ(two["cycle"].as_int64(), 2);
  EXPECT_EQ(str(two, "volume"), "1.00");
  EXPECT_EQ(sw.get_json("/v1/settlement/cycles/1")["banks"], one["banks"]);

  auto page = sw.get_json("/v1/settlement/cycles?limit=1");
  ASSERT_EQ(page["items"].as_array().size(), 1u);
  EXPECT_EQ(page["items"].as_array()[0].as_object().at("cycle").as_int64(), 2);
  EXPECT_EQ(str(page, "next_cursor"), "2");
  auto last = sw.get_json("/v1/settlement/cycles?limit=1&cursor=2");
  EXPECT_EQ(last["items"].as_array()[0].as_object().at("cycle").as_int64(), 1);
  EXPECT_TRUE(last["next_cursor"].is_null());
  EXPECT_EQ(sw.request("GET", "/v1/settlement/cycles?limit=0").status, 422);
  EXPECT_EQ(sw.request("GET", "/v1/settlement/cycles/3").status, 404);
  EXPECT_EQ(sw.request("GET", "/v1/settlement/cycles/x1").status, 404);

  auto csv = sw.request("GET", "/v1/settlement/cycles/1/report.csv", "", as("demo-auditor-key"));
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body,
            "cycle,status,bank,rail,settles,debits,credits,debit_count,credit_count,net\r\n"
            "1,CLOSED,HDFC,IMPS,NET,100.00,0.00,1,0,-100.00\r\n"
            "1,CLOSED,HDFC,RTGS,GROSS,250000.00,0.00,1,0,-250000.00\r\n"
            "1,CLOSED,ICICI,IMPS,NET,30.00,100.00,1,1,70.00\r\n"
            "1,CLOSED,ICICI,RTGS,GROSS,0.00,250000.00,0,1,250000.00\r\n"
            "1,CLOSED,SBI,IMPS,NET,0.00,30.00,0,1,30.00\r\n");
}

TEST(E2eSettlement, TheScheduleCutsCyclesOffByItself) {
  SwitchProcess sw({"--settlement-period-s", "1"});
  pay(sw, "alice@okaxis", "bob@ybl", "2.00");
  json::object closed;
  ASSERT_TRUE(poll_until(
      [&] {
        auto list = sw.get_json("/v1/settlement/cycles?limit=100");
        for (const auto& c : list["items"].as_array()) {
          if (c.as_object().at("status") == "CLOSED") closed = c.as_object();
        }
        return !closed.empty();
      },
      std::chrono::seconds(10)));
  EXPECT_FALSE(closed["cutoff_at"].is_null());
  auto events = sw.get_json("/v1/ledger/events?limit=1000")["events"].as_array();
  bool scheduled = false;
  for (const auto& e : events) {
    const auto& o = e.as_object();
    if (o.at("type") == "SettlementCutOff")
      scheduled |= o.at("data").as_object().at("cause") == "SCHEDULE";
  }
  EXPECT_TRUE(scheduled);
}

// NEFT batches every 4 s: a test pays just after one has run (just_after_a_batch), so the next
// is seconds away and the wait can be seen.
constexpr std::int64_t kBatchIntervalMs = 4'000;

TEST(E2eSettlement, NeftIsDebitedAtOnceAndCreditedInTheNextBatchWhileImpsIsNot) {
  SwitchProcess sw({"--neft-batch-interval-s", std::to_string(kBatchIntervalMs / 1'000)});
  const Paise dev = balance(sw, "dev@okhdfc"), alice = balance(sw, "alice@okaxis"),
              bob = balance(sw, "bob@ybl");
  ASSERT_TRUE(just_after_a_batch(kBatchIntervalMs));
  const std::string first = start_payment(sw, "dev@okhdfc", "alice@okaxis", "60000.00");
  const std::string second = start_payment(sw, "dev@okhdfc", "bob@ybl", "150000.00");
  const json::object a = poll_payment(sw, first, awaiting_batch);
  const json::object b = poll_payment(sw, second, awaiting_batch);
  EXPECT_EQ(str(a, "status"), "PENDING");
  EXPECT_EQ(str(a, "rail"), "NEFT");
  ASSERT_TRUE(a.at("neft_batch").is_object());
  const auto& batch = a.at("neft_batch").as_object();
  const std::string credit_at = str(batch, "credit_at");
  EXPECT_EQ(str(batch, "id"), "NEFT-" + credit_at.substr(0, 19) + "Z");
  EXPECT_EQ(std::stoi(credit_at.substr(17, 2)) % 4, 0) << credit_at << ": not on the interval";
  EXPECT_EQ(credit_at.substr(19), ".000Z");
  EXPECT_EQ(b.at("neft_batch"), a.at("neft_batch")) << "paid together, credited in one batch";
  EXPECT_EQ(event_types(sw, first).back(), "CreditDeferred");
  const auto listed = sw.get_json("/v1/payments?status=PENDING")["items"].as_array();
  ASSERT_EQ(listed.size(), 2u);
  for (const auto& item : listed) EXPECT_EQ(item.as_object().at("neft_batch"), a.at("neft_batch"));
  EXPECT_EQ(balance(sw, "dev@okhdfc"), dev - 21000000);  // both debited at once
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);         // neither credited yet
  EXPECT_EQ(balance(sw, "bob@ybl"), bob);
  EXPECT_NE(sw.request("GET", "/metrics").body.find("\nupi_sagas_awaiting_neft_batch 2\n"),
            std::string::npos);

  // IMPS is credited at once in the same seconds; a close while NEFT waits leaves it out.
  const auto imps = pay(sw, "carol@paytm", "alice@okaxis", "10.00");
  EXPECT_EQ(str(imps, "status"), "COMPLETED");
  EXPECT_TRUE(imps.at("stage").is_null());
  EXPECT_TRUE(imps.at("neft_batch").is_null());
  auto closed = sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":1})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(parse_body(closed)["payments"].as_object().at("completed").as_int64(), 1);
  EXPECT_EQ(net_of(parse_body(closed), "AXIS"), 0) << "NEFT settles when its batch credits";

  for (const auto& id : {first, second}) {
    const json::object done = poll_payment(sw, id, ended);
    EXPECT_EQ(str(done, "status"), "COMPLETED") << id;
    EXPECT_TRUE(done.at("stage").is_null());
    EXPECT_EQ(done.at("neft_batch"), a.at("neft_batch"));
    EXPECT_GE(recorded_at(sw, id, "CreditRequested"), credit_at) << "credited before its batch";
  }
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice + 6000000 + 1000);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob + 15000000);
  auto two = sw.get_json("/v1/settlement/cycles/current");
  EXPECT_EQ(two["payments"].as_object().at("completed").as_int64(), 2);
  EXPECT_EQ(net_of(two, "AXIS"), -21000000);
}

TEST(E2eSettlement, ANeftCreditRefusedInItsBatchReversesTheDebit) {
  SwitchProcess sw({"--neft-batch-interval-s", std::to_string(kBatchIntervalMs / 1'000)});
  const Paise dev = balance(sw, "dev@okhdfc"), bob = balance(sw, "bob@ybl");
  ASSERT_TRUE(just_after_a_batch(kBatchIntervalMs));
  const std::string id = start_payment(sw, "dev@okhdfc", "bob@ybl", "80000.00");
  poll_payment(sw, id, awaiting_batch);
  EXPECT_EQ(balance(sw, "dev@okhdfc"), dev - 8000000);
  set_faults(sw, "ICICI", R"([{"operation":"credit","action":"fail","count":1}])");
  const json::object done = poll_payment(sw, id, ended);
  EXPECT_EQ(str(done, "status"), "REVERSED");
  EXPECT_EQ(reason_code(done), "CREDIT_DECLINED");
  const auto types = event_types(sw, id);
  const std::vector<std::string> tail(types.begin() + 5, types.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"DebitSucceeded", "CreditDeferred", "CreditRequested",
                                            "CreditFailed", "ReversalRequested",
                                            "ReversalSucceeded", "PaymentReversed"}));
  EXPECT_EQ(balance(sw, "dev@okhdfc"), dev);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob);
  EXPECT_EQ(sw.get_json("/v1/settlement/cycles/current")["payments"].as_object().at("reversed"), 1);
}

settlement::LegProof proof_from(const json::object& body) {
  settlement::LegProof proof;
  const auto& leg = body.at("leg").as_object();
  proof.leg = {str(leg, "leg_id"), str(leg, "kind"), str(leg, "account"),
               parse_money(str(leg, "amount")).value()};
  proof.index = static_cast<std::size_t>(body.at("index").as_int64());
  proof.size = static_cast<std::size_t>(body.at("size").as_int64());
  for (const auto& h : body.at("path").as_array()) proof.path.emplace_back(h.as_string());
  return proof;
}

// A closed cycle publishes a Merkle root per bank over its legs; the proof of one leg leads a
// bank from its own record of that leg to the root, and a forged record leads nowhere.
TEST(E2eSettlement, AClosedCyclePublishesLegRootsThatProveEachLegAndNoForgedOne) {
  SwitchProcess sw;
  const std::string paid = str(pay(sw, "alice@okaxis", "bob@ybl", "100.00"), "id");
  EXPECT_EQ(str(pay(sw, "bob@ybl", "carol@paytm", "30.00"), "status"), "COMPLETED");
  set_faults(sw, "SBI", R"([{"operation":"credit","action":"fail"}])");
  const std::string reversed = str(pay(sw, "alice@okaxis", "carol@paytm", "7.00"), "id");
  set_faults(sw, "SBI", "[]");
  const std::string proof_of = "/v1/settlement/cycles/1/banks/HDFC/proof?leg_id=" + paid;
  auto early = sw.request("GET", proof_of + ":debit:1");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(str(parse_body(early), "code"), "CYCLE_NOT_CLOSED");
  ASSERT_EQ(sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":1})").status, 200);

  // HDFC: the debit of the completed payment, the debit and reversal of the reversed one.
  const auto cycle = sw.get_json("/v1/settlement/cycles/1");
  std::map<std::string, std::pair<std::int64_t, std::string>> roots;
  for (const auto& r : cycle.at("leg_roots").as_array()) {
    roots[str(r.as_object(), "bank")] = {r.as_object().at("legs").as_int64(),
                                         str(r.as_object(), "merkle_root")};
  }
  ASSERT_EQ(roots.size(), 3u);
  EXPECT_EQ(roots["HDFC"].first, 3);
  EXPECT_EQ(roots["ICICI"].first, 2);
  EXPECT_EQ(roots["SBI"].first, 1);
  auto res = sw.request("GET", proof_of + ":debit:1");
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = parse_body(res);
  EXPECT_EQ(str(body, "merkle_root"), roots["HDFC"].second);
  // What the bank's own record of the leg says (alice's account in the demo world).
  EXPECT_EQ(str(body, "leaf"), paid + ":debit:1\nDEBIT\n50100012345678\n100.00");
  settlement::LegProof proof = proof_from(body);
  EXPECT_TRUE(settlement::verify_leg_proof(proof, roots["HDFC"].second));
  settlement::LegProof forged = proof;
  forged.leg.amount = 1000'00;
  EXPECT_FALSE(settlement::verify_leg_proof(forged, roots["HDFC"].second));
  forged = proof;
  forged.leg.account = "50100012345679";
  EXPECT_FALSE(settlement::verify_leg_proof(forged, roots["HDFC"].second));
  auto reversal = sw.request(
      "GET", "/v1/settlement/cycles/1/banks/HDFC/proof?leg_id=" + reversed + ":reversal:1");
  ASSERT_EQ(reversal.status, 200) << reversal.body;
  EXPECT_TRUE(settlement::verify_leg_proof(proof_from(parse_body(reversal)), roots["HDFC"].second));

  // Refusals say which: a leg of another bank, no leg id, a cycle still open.
  auto elsewhere =
      sw.request("GET", "/v1/settlement/cycles/1/banks/ICICI/proof?leg_id=" + paid + ":debit:1");
  EXPECT_EQ(elsewhere.status, 404);
  EXPECT_EQ(str(parse_body(elsewhere), "code"), "LEG_NOT_FOUND");
  EXPECT_EQ(sw.request("GET", "/v1/settlement/cycles/1/banks/HDFC/proof").status, 422);
  EXPECT_EQ(sw.request("GET", "/v1/settlement/cycles/2/banks/HDFC/proof?leg_id=x").status, 409);

  // Reconciliation: the banks' own records hold exactly these legs.
  const auto reconciled = sw.get_json("/v1/settlement/cycles/1/reconciliation");
  EXPECT_EQ(str(reconciled, "status"), "MATCHED");
  EXPECT_EQ(reconciled.at("payments").as_int64(), 3);
  std::int64_t matched = 0;
  for (const auto& b : reconciled.at("banks").as_array()) {
    EXPECT_EQ(str(b.as_object(), "status"), "MATCHED") << to_json(b);
    matched += b.as_object().at("matched").as_int64();
  }
  EXPECT_EQ(matched, 6);
  EXPECT_EQ(sw.request("GET", "/v1/settlement/cycles/2/reconciliation").status, 409);
}

}  // namespace
}  // namespace upi::testing
