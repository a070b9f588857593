// Two switch processes on one database share the payments; each is killed with SIGKILL in
// turn while payments are in flight, and the other (or its restart) takes them over once the
// dead node's lease lapses. Every payment ends, money is conserved, no leg moves money twice,
// and the ledger shows that a payment only changed driver through a SagaResumed event.
#include <cstdlib>
#include <future>
#include <thread>

#include "tests/durable_helpers.h"

namespace upi::testing {
namespace {

std::vector<std::string> node_args(const std::string& schema, int node) {
  return {"--database-url",    database_url(),
          "--database-schema", schema,
          "--node-id",         std::to_string(node),
          "--leg-timeout-ms",  "200",
          "--lease-ms",        "1000"};
}

void slow_banks(const SwitchProcess& sw) {
  for (const char* bank : {"HDFC", "ICICI", "SBI", "AXIS", "COOP"}) {
    set_faults(sw, bank, R"([{"operation":"credit","action":"fail","probability":0.1},
                             {"operation":"credit","action":"lost_response","probability":0.05},
                             {"operation":"debit","action":"lost_response","probability":0.05},
                             {"operation":"debit","action":"delay","delay_ms":150},
                             {"operation":"credit","action":"delay","delay_ms":150}])");
  }
}

// Sends to both nodes at once and kills `victim` the moment its own sends are answered, so it
// dies with sagas in flight however much faster one sender is than the other (under load the
// victim's last payments could otherwise finish while the other node is still being sent to).
std::vector<Sent> send_to_both_and_kill(SwitchProcess& victim, const SwitchProcess& other, int each,
                                        std::uint64_t seed) {
  auto to_other =
      std::async(std::launch::async, [&] { return send_payments(other, each, seed + 1); });
  std::vector<Sent> sent = send_payments(victim, each, seed);
  victim.kill_now();
  for (auto& s : to_other.get()) sent.push_back(std::move(s));
  return sent;
}

// Per payment stream, the node that wrote each event: a change of node must be a SagaResumed.
void expect_drivers_change_only_by_takeover(const std::string& schema) {
  auto rows = sql(schema,
                  "SELECT stream_id, type, metadata::json->>'node_id' FROM events "
                  "WHERE stream_id LIKE 'payment-%' ORDER BY stream_id, version");
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  std::string stream, node;
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->text(i, 0) != stream) {
      stream = rows->text(i, 0);
      node = rows->text(i, 2);
      continue;
    }
    if (rows->text(i, 2) != node) {
      EXPECT_EQ(rows->text(i, 1), "SagaResumed")
          << stream << ": " << rows->text(i, 2) << " wrote " << rows->text(i, 1) << " while "
          << node << " drove it";
      node = rows->text(i, 2);
    }
  }
}

std::string view_rows(const std::string& schema) {
  auto rows = sql(schema,
                  "SELECT (SELECT position FROM view_checkpoint)::text || "
                  "(SELECT string_agg(p::text, '|' ORDER BY id) FROM view_payments p) || "
                  "(SELECT string_agg(q::text, '|' ORDER BY bank, rail, settlement_window) "
                  "FROM view_positions q)");
  EXPECT_TRUE(rows.has_value());
  return rows ? rows->text(0, 0) : "";
}

TEST(E2eTwoNodes, BothCrashInTurnAndTheOtherFinishesTheirPayments) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "twonodes" + std::to_string(::getpid());
  std::vector<Sent> sent;
  Paise total_before = 0;
  auto node_2 = std::make_unique<SwitchProcess>(node_args(schema, 2));
  {
    SwitchProcess node_1(node_args(schema, 1));
    total_before = total_balance(node_1);
    slow_banks(node_1);
    slow_banks(*node_2);
    sent = send_to_both_and_kill(node_1, *node_2, 100, 21);
  }
  // node-2 takes over node-1's payments once node-1's lease lapses, and finishes them all.
  wait_all_terminal(*node_2, sent, std::chrono::seconds(60));
  SwitchProcess node_1(node_args(schema, 1));  // back, with the same node id
  slow_banks(node_1);
  for (auto& s : send_to_both_and_kill(*node_2, node_1, 100, 31))  // now node-1 takes over
    sent.push_back(std::move(s));
  node_2.reset();

  const Settled settled = wait_all_terminal(node_1, sent, std::chrono::seconds(90));
  EXPECT_EQ(total_balance(node_1), total_before) << "money was created or lost";
  check_bank_records(node_1, schema, settled);
  auto by_status = settled.by_status;
  EXPECT_GT(by_status["COMPLETED"], 0);
  expect_drivers_change_only_by_takeover(schema);
  auto takeovers = sql(schema,
                       "SELECT metadata::json->>'node_id', count(*) FROM events "
                       "WHERE type = 'SagaResumed' GROUP BY 1 ORDER BY 1");
  ASSERT_TRUE(takeovers.has_value());
  std::map<std::string, std::int64_t> by_node;
  for (int i = 0; i < takeovers->size(); ++i)
    by_node[takeovers->text(i, 0)] = takeovers->int64(i, 1);
  EXPECT_GT(by_node["node-1"], 0) << "node-1 took over nothing from node-2";
  EXPECT_GT(by_node["node-2"], 0) << "node-2 took over nothing from node-1";
  EXPECT_TRUE(node_1.get_json("/v1/ledger/verify")["ok"].as_bool());

  // The views in PostgreSQL: rebuilding them from the ledger gives the same rows.
  const std::string live = view_rows(schema);
  ASSERT_EQ(node_1.terminate(), 0);
  const std::string rebuild = binary_path("upi-switch") + " --database-url '" + database_url() +
                              "' --database-schema " + schema + " --rebuild-views";
  ASSERT_EQ(std::system(rebuild.c_str()), 0);
  EXPECT_EQ(view_rows(schema), live);
  std::printf(
      "two nodes: %d completed, %d failed, %d reversed; takeovers by node-1 %lld, "
      "by node-2 %lld\n",
      by_status["COMPLETED"], by_status["FAILED"], by_status["REVERSED"],
      static_cast<long long>(by_node["node-1"]), static_cast<long long>(by_node["node-2"]));
}

// Polls one SQL count until it is positive or the deadline passes.
std::int64_t wait_for_count(const std::string& schema, const std::string& query,
                            std::chrono::seconds timeout) {
  std::int64_t n = 0;
  poll_until(
      [&] {
        auto rows = sql(schema, query);
        EXPECT_TRUE(rows.has_value()) << rows.error().message;
        n = rows ? rows->int64(0, 0) : 0;
        return n > 0;
      },
      timeout);
  return n;
}

TEST(E2eTwoNodes, AnOwnerPausedMidFlightIsFencedWhenItWakesUp) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "paused" + std::to_string(::getpid());
  SwitchProcess node_1(node_args(schema, 1));
  SwitchProcess node_2(node_args(schema, 2));
  const Paise total_before = total_balance(node_1);
  slow_banks(node_1);
  std::vector<Sent> sent = send_payments(node_1, 100, 41);
  // Frozen, not dead: its sockets, transactions and sagas stay where they were.
  node_1.pause();
  const std::int64_t taken =
      wait_for_count(schema,
                     "SELECT count(*) FROM events WHERE type = 'SagaResumed' AND "
                     "metadata::json->>'node_id' = 'node-2'",
                     std::chrono::seconds(30));
  ASSERT_GT(taken, 0) << "node-2 never took over from the paused node-1";
  // node-1 wakes up believing it still drives its sagas: every append it tries now carries a
  // stale expected version, so it must lose, and node-2 finishes every payment.
  node_1.resume();
  Settled settled = wait_all_terminal(node_2, sent, std::chrono::seconds(60));
  // node-1's banks still fail 10% of credits at random: clear that first, so the payment
  // below tests the lease, not the dice (under load the draws fall differently).
  for (const char* bank : {"HDFC", "ICICI", "SBI", "AXIS", "COOP"})
    EXPECT_EQ(node_1.request("DELETE", std::string("/v1/admin/banks/") + bank + "/faults").status,
              200);
  const json::object after = pay(node_1, "alice@okaxis", "bob@ybl", "1.00");
  EXPECT_EQ(str(after, "status"), "COMPLETED") << "node-1 works again once it holds its lease";
  const World world = parse_world(demo_world_json()).value();
  settled.outcomes[str(after, "id")] =
      sim::PaymentOutcome{str(after, "status"), "", *sim::account_of(world, "alice@okaxis"),
                          *sim::account_of(world, "bob@ybl"), 100};
  // node-2's positions are read once its views hold this payment too (written by node-1).
  settled.position = std::max(settled.position, after.at("ledger_position").as_int64());
  EXPECT_EQ(total_balance(node_2), total_before) << "money was created or lost";
  check_bank_records(node_2, schema, settled);
  expect_drivers_change_only_by_takeover(schema);
  EXPECT_TRUE(node_2.get_json("/v1/ledger/verify")["ok"].as_bool());
  std::printf("paused owner: %d completed, %d failed, %d reversed; %lld taken over by node-2\n",
              settled.by_status["COMPLETED"], settled.by_status["FAILED"],
              settled.by_status["REVERSED"], static_cast<long long>(taken));
}

}  // namespace
}  // namespace upi::testing
