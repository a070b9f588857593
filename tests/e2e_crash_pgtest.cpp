// The durable switch killed with SIGKILL while hundreds of payments are in flight, then
// restarted: every payment ends, money is conserved, and the banks' leg records show that no
// leg was applied twice.
#include "tests/durable_helpers.h"

namespace upi::testing {
namespace asio = boost::asio;
namespace {

TEST(E2eCrash, KilledMidFlightTheSwitchFinishesEveryPaymentAndMovesNoMoneyTwice) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "crash" + std::to_string(::getpid());
  const std::vector<std::string> durable = {
      "--database-url",   database_url(), "--database-schema", schema,
      "--leg-timeout-ms", "200",          "--lease-ms",        "1000"};
  std::vector<Sent> sent;
  Paise total_before = 0;
  {
    SwitchProcess first(durable);
    total_before = total_balance(first);
    // Slow banks keep the sagas in flight; some credits fail (reversals), some answers are lost.
    for (const char* bank : {"HDFC", "ICICI", "SBI", "AXIS", "COOP"}) {
      set_faults(first, bank, R"([{"operation":"credit","action":"fail","probability":0.1},
                                  {"operation":"debit","action":"lost_response","probability":0.05},
                                  {"operation":"debit","action":"delay","delay_ms":40},
                                  {"operation":"credit","action":"delay","delay_ms":40}])");
    }
    sent = send_payments(first, 300, 7);
    first.kill_now();
  }
  std::vector<std::string> restarted = durable;
  restarted.insert(restarted.end(), {"--node-id", "2"});
  SwitchProcess second(restarted);
  const Settled settled = wait_all_terminal(second, sent, std::chrono::seconds(60));
  EXPECT_EQ(total_balance(second), total_before) << "money was created or lost";
  check_bank_records(second, schema, settled);
  auto by_status = settled.by_status;
  EXPECT_GT(by_status["COMPLETED"], 0);
  // The kill really interrupted sagas: the restarted node (node-2) wrote steps of some of them.
  auto resumed = sql(schema,
                     "SELECT count(DISTINCT stream_id) FROM events WHERE metadata LIKE "
                     "'%\"node_id\":\"node-2\"%'");
  ASSERT_TRUE(resumed.has_value()) << resumed.error().message;
  EXPECT_GT(resumed->int64(0, 0), 0);
  // The idempotency keys survived the crash too.
  auto replay =
      second.request("POST", "/v1/payments", sent[0].body, {{"Idempotency-Key", sent[0].key}});
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(str(parse_body(replay), "id"), sent[0].id);
  EXPECT_TRUE(second.get_json("/v1/ledger/verify")["ok"].as_bool());
  std::printf("after the crash: %d completed, %d failed, %d reversed; %lld resumed by node-2\n",
              by_status["COMPLETED"], by_status["FAILED"], by_status["REVERSED"],
              static_cast<long long>(resumed->int64(0, 0)));
}

}  // namespace
}  // namespace upi::testing
