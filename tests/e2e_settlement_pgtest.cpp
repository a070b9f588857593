// Settlement on two durable nodes sharing one database: closes asked of both at once, while
// payments flow, cut each cycle off exactly once; every completed payment lands in exactly one
// cycle; each cycle's nets sum to zero; both nodes report the same cycles, equal to the totals
// that SettlementCycleClosed recorded in the ledger.
#include <future>
#include <thread>

#include "settlement/leg_merkle.h"
#include "tests/durable_helpers.h"

namespace upi::testing {
namespace {

std::vector<std::string> node_args(const std::string& schema, int node) {
  return {"--database-url", database_url(), "--database-schema",
          schema,           "--node-id",    std::to_string(node)};
}

// Closes the open cycle through sw `count` times; returns how many this caller cut off.
int close_repeatedly(const SwitchProcess& sw, int count) {
  int cut_here = 0;
  for (int i = 0; i < count; ++i) {
    auto res = sw.request("POST", "/v1/admin/settlement/close");
    EXPECT_EQ(res.status, 200) << res.body;
    if (res.status == 200) cut_here += parse_body(res)["cut_off_by_this_request"].as_bool();
  }
  return cut_here;
}

// A NEFT payment is debited, waits for its batch, and its node is killed; the node that
// restarts (another node id) resumes it, still for the same batch, and credits it exactly once.
TEST(E2eSettlementDurable, ANeftPaymentWaitingForItsBatchSurvivesAKillAndIsCreditedOnce) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "neft" + std::to_string(::getpid());
  constexpr std::int64_t kIntervalMs = 4'000;
  std::vector<std::string> args = node_args(schema, 1);
  args.insert(args.end(), {"--neft-batch-interval-s", "4", "--lease-ms", "1000"});
  std::string id;
  Paise dev = 0, alice = 0;
  json::object waiting;
  {
    SwitchProcess first(args);
    dev = balance(first, "dev@okhdfc");
    alice = balance(first, "alice@okaxis");
    ASSERT_TRUE(just_after_a_batch(kIntervalMs));
    id = start_payment(first, "dev@okhdfc", "alice@okaxis", "120000.00");
    waiting = poll_payment(first, id, awaiting_batch);
    first.kill_now();
  }
  args = node_args(schema, 2);
  args.insert(args.end(), {"--neft-batch-interval-s", "4", "--lease-ms", "1000"});
  SwitchProcess second(args);
  EXPECT_EQ(balance(second, "dev@okhdfc"), dev - 12000000);
  const json::object done = poll_payment(second, id, ended);
  EXPECT_EQ(str(done, "status"), "COMPLETED");
  EXPECT_EQ(done.at("neft_batch"), waiting.at("neft_batch"));
  const auto types = event_types(second, id);
  EXPECT_EQ(std::count(types.begin(), types.end(), "CreditRequested"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "CreditDeferred"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "SagaResumed"), 1);
  const std::string credit_at = str(waiting.at("neft_batch").as_object(), "credit_at");
  EXPECT_GE(recorded_at(second, id, "CreditRequested"), credit_at);
  EXPECT_EQ(balance(second, "alice@okaxis"), alice + 12000000);
  EXPECT_EQ(balance(second, "dev@okhdfc"), dev - 12000000);
}

TEST(E2eSettlementDurable, ClosesFromTwoNodesAtOnceCutEachCycleOnceAndLoseNoPayment) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "settle" + std::to_string(::getpid());
  SwitchProcess one(node_args(schema, 1)), two(node_args(schema, 2));
  auto payments = std::async(std::launch::async, [&] { return send_payments(one, 120, 7); });
  auto closes_one = std::async(std::launch::async, [&] { return close_repeatedly(one, 6); });
  const int cut_by_two = close_repeatedly(two, 6);
  const int cut_by_one = closes_one.get();
  const auto sent = payments.get();
  const Settled settled = wait_all_terminal(one, sent, std::chrono::seconds(60));
  ASSERT_EQ(two.request("POST", "/v1/admin/settlement/close").status, 200);

  // The ledger: cut-off, close, cut-off, close ... one of each per cycle, at versions 2N-1, 2N.
  auto rows = sql(schema,
                  "SELECT version, type, data FROM events WHERE stream_id = 'settlement' "
                  "ORDER BY version");
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  const int cycles = rows->size() / 2;
  ASSERT_EQ(rows->size(), 2 * cycles);
  EXPECT_EQ(cycles, cut_by_one + cut_by_two + 1);
  std::int64_t completed = 0;
  for (int n = 1; n <= cycles; ++n) {
    EXPECT_EQ(rows->text(2 * n - 2, 1), "SettlementCutOff");
    EXPECT_EQ(rows->text(2 * n - 1, 1), "SettlementCycleClosed");
    auto recorded = parse_json_object(rows->text(2 * n - 1, 2)).value();
    EXPECT_EQ(recorded["cycle"].as_int64(), n);
    auto a = one.get_json("/v1/settlement/cycles/" + std::to_string(n));
    auto b = two.get_json("/v1/settlement/cycles/" + std::to_string(n));
    EXPECT_EQ(str(a, "status"), "CLOSED");
    EXPECT_EQ(a, b) << "cycle " << n;
    EXPECT_EQ(str(a, "net_total"), "0.00");
    EXPECT_EQ(a["payments"].as_object().at("completed"), recorded["completed"]);
    EXPECT_EQ(str(a, "volume"), str(recorded, "volume"));
    completed += a["payments"].as_object().at("completed").as_int64();
  }
  const auto it = settled.by_status.find("COMPLETED");
  EXPECT_EQ(completed, it == settled.by_status.end() ? 0 : it->second)
      << "every completed payment is in exactly one cycle";
  EXPECT_EQ(one.get_json("/v1/settlement/cycles/current")["cycle"].as_int64(), cycles + 1);
}

// COOP's net debit cap (50,000.00 in the demo world) held by two durable nodes at once: 40
// payments of 5,000.00 from COOP's account, half through each node, all in flight together.
// The ledger decides each hold under its head lock, so exactly ten complete, whichever node
// took them, and the counter in the database says what they owe.
TEST(E2eSettlementDurable, TwoNodesTogetherNeverPassABanksNetDebitCap) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "netdebit" + std::to_string(::getpid());
  SwitchProcess one(node_args(schema, 1)), two(node_args(schema, 2));
  std::vector<json::object> answers(40);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const SwitchProcess& node = t % 2 == 0 ? one : two;
      for (int i = t; i < 40; i += 8) answers[i] = pay(node, "esha@ybl", "bob@ybl", "5000.00");
    });
  }
  for (auto& t : threads) t.join();
  int completed = 0, refused = 0;
  for (const auto& p : answers) {
    completed += str(p, "status") == "COMPLETED";
    refused += reason_code(p) == "NET_DEBIT_CAP_EXCEEDED";
  }
  EXPECT_EQ(completed, 10);
  EXPECT_EQ(refused, 30);
  auto counter =
      sql(schema, "SELECT value FROM ledger_counters WHERE counter = 'net_debit_paise/COOP'");
  ASSERT_TRUE(counter.has_value()) << counter.error().message;
  ASSERT_EQ(counter->size(), 1);
  EXPECT_EQ(counter->int64(0, 0), 50'000'00);
  // A close on either node settles it, in the ledger and in the views both nodes read.
  ASSERT_EQ(two.request("POST", "/v1/admin/settlement/close").status, 200);
  counter = sql(schema, "SELECT value FROM ledger_counters WHERE counter = 'net_debit_paise/COOP'");
  ASSERT_TRUE(counter.has_value()) << counter.error().message;
  EXPECT_EQ(counter->int64(0, 0), 0);
  EXPECT_TRUE(poll_until(
      [&] {
        auto body = one.get_json("/v1/banks/COOP/positions");
        return str(body["net_debit"].as_object(), "used") == "0.00";
      },
      std::chrono::seconds(10)));
}

// A bank whose books were changed after the close (a leg removed, an amount changed): the
// reconciliation names exactly those legs, and the Merkle proof of the changed leg no longer
// verifies from the bank's record of it, while it still does from the switch's.
TEST(E2eSettlementDurable, ReconciliationNamesExactlyTheLegsABankChanged) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "recon" + std::to_string(::getpid());
  SwitchProcess sw(node_args(schema, 1));
  std::vector<std::string> ids;
  for (const char* amount : {"100.00", "200.00", "300.00"}) {
    auto p = pay(sw, "alice@okaxis", "bob@ybl", amount);
    EXPECT_EQ(str(p, "status"), "COMPLETED");
    ids.push_back(str(p, "id"));
  }
  ASSERT_EQ(sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":1})").status, 200);
  EXPECT_EQ(str(sw.get_json("/v1/settlement/cycles/1/reconciliation"), "status"), "MATCHED");

  const std::string removed = ids[0] + ":debit:1", changed = ids[1] + ":credit:1";
  ASSERT_TRUE(
      sql(schema, "DELETE FROM bank_legs WHERE bank = 'HDFC' AND leg_id = '" + removed + "'")
          .has_value());
  ASSERT_TRUE(
      sql(schema,
          "UPDATE bank_legs SET amount = 99999 WHERE bank = 'ICICI' AND leg_id = '" + changed + "'")
          .has_value());
  const auto report = sw.get_json("/v1/settlement/cycles/1/reconciliation");
  EXPECT_EQ(str(report, "status"), "MISMATCHED");
  for (const auto& b : report.at("banks").as_array()) {
    const auto& bank = b.as_object();
    const std::string code = str(bank, "bank");
    SCOPED_TRACE(code + ": " + to_json(bank));
    const auto& missing = bank.at("missing_at_bank").as_array();
    const auto& mismatched = bank.at("mismatched").as_array();
    EXPECT_TRUE(bank.at("missing_at_switch").as_array().empty());
    if (code == "HDFC") {
      EXPECT_EQ(str(bank, "status"), "MISMATCHED");
      ASSERT_EQ(missing.size(), 1u);
      EXPECT_EQ(str(missing[0].as_object(), "leg_id"), removed);
      EXPECT_TRUE(mismatched.empty());
      EXPECT_EQ(bank.at("matched").as_int64(), 2);
    } else if (code == "ICICI") {
      EXPECT_EQ(str(bank, "status"), "MISMATCHED");
      EXPECT_TRUE(missing.empty());
      ASSERT_EQ(mismatched.size(), 1u);
      EXPECT_EQ(str(mismatched[0].as_object(), "leg_id"), changed);
      EXPECT_EQ(str(mismatched[0].as_object().at("at_switch").as_object(), "amount"), "200.00");
      EXPECT_EQ(str(mismatched[0].as_object().at("at_bank").as_object(), "amount"), "999.99");
      EXPECT_EQ(bank.at("matched").as_int64(), 2);
    } else {
      EXPECT_EQ(str(bank, "status"), "MATCHED");
    }
  }

  auto res = sw.request("GET", "/v1/settlement/cycles/1/banks/ICICI/proof?leg_id=" + changed);
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = parse_body(res);
  settlement::LegProof proof;
  proof.leg = {changed, "CREDIT", "000401234567", 200'00};  // bob's account, as the switch has it
  proof.index = static_cast<std::size_t>(body.at("index").as_int64());
  proof.size = static_cast<std::size_t>(body.at("size").as_int64());
  for (const auto& h : body.at("path").as_array()) proof.path.emplace_back(h.as_string());
  EXPECT_TRUE(settlement::verify_leg_proof(proof, str(body, "merkle_root")));
  proof.leg.amount = 999'99;  // what the bank's changed record says
  EXPECT_FALSE(settlement::verify_leg_proof(proof, str(body, "merkle_root")));
}

}  // namespace
}  // namespace upi::testing
