// The durable switch killed with SIGKILL while hundreds of payments are in flight, then
// restarted: every payment ends, money is conserved, and the banks' leg records show that no
// leg was applied twice.
#include <random>
#include <thread>

#include "common/pg.h"
#include "common/run_blocking.h"
#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace asio = boost::asio;
namespace {

const char* database_url() {
  const char* url = std::getenv("UPI_TEST_DATABASE_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

pg::PgResult<pg::Rows> sql(const std::string& schema, const std::string& text) {
  asio::io_context io;
  return run_on(io, [&]() -> asio::awaitable<pg::PgResult<pg::Rows>> {
    pg::Pool pool(database_url(), schema, 1, 10'000);
    auto conn = co_await pool.connect();
    if (!conn) co_return std::unexpected(conn.error());
    co_return co_await (*conn)->query(text, {}, pool.deadline());
  }());
}

struct Sent {
  std::string key;
  std::string body;
  std::string id;
};

// Sends the payments from a few threads, as fast as the switch accepts them.
std::vector<Sent> send_payments(const SwitchProcess& sw, int count, std::uint64_t seed) {
  const World world = parse_world(demo_world_json()).value();
  std::mt19937_64 rng(seed);
  std::vector<Sent> sent;
  while (static_cast<int>(sent.size()) < count) {
    const auto& payer = world.accounts[rng() % world.accounts.size()];
    const auto& payee = world.accounts[rng() % world.accounts.size()];
    if (payer.vpa == payee.vpa) continue;
    const Paise amount = 100 + static_cast<Paise>(rng() % 50'000);
    sent.push_back(Sent{"crash-" + std::to_string(seed) + "-" + std::to_string(sent.size()),
                        payment_body(payer.vpa.str(), payee.vpa.str(), format_money(amount)), ""});
  }
  std::vector<std::thread> threads;
  constexpr int kThreads = 6;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); i < sent.size(); i += kThreads) {
        auto res =
            sw.request("POST", "/v1/payments", sent[i].body, {{"Idempotency-Key", sent[i].key}});
        EXPECT_EQ(res.status, 201) << res.body;
        sent[i].id = str(parse_body(res), "id");
      }
    });
  }
  for (auto& t : threads) t.join();
  return sent;
}

TEST(E2eCrash, KilledMidFlightTheSwitchFinishesEveryPaymentAndMovesNoMoneyTwice) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "crash" + std::to_string(::getpid());
  const std::vector<std::string> durable = {
      "--database-url", database_url(), "--database-schema", schema, "--leg-timeout-ms", "200"};
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
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::map<std::string, std::string> status;
  for (const auto& s : sent) {
    ASSERT_FALSE(s.id.empty());
    std::string now = "PENDING";
    while (now == "PENDING" && std::chrono::steady_clock::now() < deadline) {
      now = str(second.get_json("/v1/payments/" + s.id), "status");
      if (now == "PENDING") std::this_thread::yield();
    }
    ASSERT_NE(now, "PENDING") << s.id << " did not finish after the restart";
    status[s.id] = now;
  }
  EXPECT_EQ(total_balance(second), total_before) << "money was created or lost";
  auto negative = sql(schema, "SELECT count(*) FROM bank_accounts WHERE balance < 0");
  ASSERT_TRUE(negative.has_value()) << negative.error().message;
  EXPECT_EQ(negative->int64(0, 0), 0);
  // The banks' own records: per payment, applied debits, credits and reversals that moved money.
  auto legs =
      sql(schema,
          "SELECT split_part(leg_id, ':', 1), kind, count(*) FROM bank_legs "
          "WHERE outcome = 'applied' AND NOT closed_unseen AND (kind <> 'reversal' OR amount > 0) "
          "GROUP BY 1, 2");
  ASSERT_TRUE(legs.has_value()) << legs.error().message;
  std::map<std::string, std::map<std::string, std::int64_t>> applied;
  for (int i = 0; i < legs->size(); ++i)
    applied[legs->text(i, 0)][legs->text(i, 1)] = legs->int64(i, 2);
  std::map<std::string, int> by_status;
  for (const auto& [id, st] : status) {
    ++by_status[st];
    auto& a = applied[id];
    if (st == "COMPLETED") {
      EXPECT_TRUE(a["debit"] == 1 && a["credit"] == 1 && a["reversal"] == 0) << id;
    } else if (st == "REVERSED") {
      EXPECT_TRUE(a["debit"] == 1 && a["credit"] == 0 && a["reversal"] == 1) << id;
    } else {
      EXPECT_TRUE(a["credit"] == 0 && a["debit"] == a["reversal"]) << id;
    }
  }
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
