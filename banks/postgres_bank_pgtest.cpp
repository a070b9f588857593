// Bank books in a real PostgreSQL: the same behaviour as MockBank, kept across restarts.
#include <gtest/gtest.h>

#include <atomic>

#include "banks/postgres_bank.h"
#include "common/run_blocking.h"

namespace upi::banks {
namespace {

const char* database_url() {
  const char* url = std::getenv("UPI_TEST_DATABASE_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

std::string fresh_schema() {
  static std::atomic<int> n{0};
  return "b" + std::to_string(::getpid()) + "_" + std::to_string(++n);
}

World two_accounts() {
  return parse_world(R"({"banks":[{"code":"HDFC","name":"HDFC","rails":["IMPS"]}],
    "psps":[{"handle":"ok","name":"P","partner_bank":"HDFC"}],
    "accounts":[{"vpa":"alice@ok","name":"A","bank":"HDFC","account":"111111","balance":"100.00"},
                {"vpa":"bob@ok","name":"B","bank":"HDFC","account":"222222","balance":"0.00"}]})")
      .value();
}

struct PostgresBankTest : ::testing::Test {
  void SetUp() override {
    if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
    schema = fresh_schema();
    pool = std::make_unique<pg::Pool>(database_url(), schema, 4, 10'000);
    auto created = run_on(io, [&]() -> asio::awaitable<pg::PgResult<void>> {
      auto conn = co_await pg::Connection::connect(database_url(), pool->deadline());
      if (!conn) co_return std::unexpected(conn.error());
      co_return co_await (*conn)->execute("CREATE SCHEMA " + schema, pool->deadline());
    }());
    ASSERT_TRUE(created.has_value()) << created.error().message;
    ASSERT_TRUE(run_on(io, prepare_postgres_banks(*pool, world)).has_value());
    core = std::make_unique<PostgresBankCore>(world.banks[0], *pool);
  }
  template <typename T>
  T run(asio::awaitable<T> op) {
    return run_on(io, std::move(op));
  }
  Paise balance(const std::string& account) { return run(core->balance(account)).value(); }

  asio::io_context io;
  World world = two_accounts();
  std::string schema;
  std::unique_ptr<pg::Pool> pool;
  std::unique_ptr<PostgresBankCore> core;
};

TEST_F(PostgresBankTest, LegsAreIdempotentAndDeclinesStick) {
  auto first = run(core->debit("p1:debit:1", "111111", 30'00)).value();
  EXPECT_EQ(first.outcome, LegOutcome::kApplied);
  auto again = run(core->debit("p1:debit:1", "111111", 30'00)).value();
  EXPECT_EQ(again.bank_reference, first.bank_reference);
  EXPECT_EQ(balance("111111"), 70'00);
  auto poor = run(core->debit("p2:debit:1", "111111", 70'01)).value();
  EXPECT_EQ(poor.code, "INSUFFICIENT_FUNDS");
  EXPECT_EQ(poor.upi_code, "Z9");
  EXPECT_EQ(run(core->credit("p1:credit:1", "222222", 30'00)).value().outcome,
            LegOutcome::kApplied);
  EXPECT_EQ(run(core->credit("p1:credit:1", "222222", 30'00)).value().outcome,
            LegOutcome::kApplied);
  EXPECT_EQ(balance("222222"), 30'00);
  EXPECT_EQ(run(core->credit("p3:credit:1", "999999", 1'00)).value().code, "ACCOUNT_NOT_FOUND");
  EXPECT_EQ(run(core->decline(LegKind::kDebit, "p4:debit:1", "111111", 1'00)).value().code,
            "DEBIT_DECLINED");
  EXPECT_EQ(run(core->debit("p4:debit:1", "111111", 1'00)).value().code, "DEBIT_DECLINED");
  EXPECT_EQ(run(core->balance("999999")).error().code, "ACCOUNT_NOT_FOUND");
}

TEST_F(PostgresBankTest, ReversalUndoesADebitOnceAndClosesUnseenOnes) {
  run(core->debit("p1:debit:1", "111111", 40'00));
  EXPECT_FALSE(run(core->reverse("p1:reversal:1", "p1:debit:1")).value().nothing_to_reverse);
  EXPECT_TRUE(run(core->reverse("p1:reversal:2", "p1:debit:1")).value().nothing_to_reverse);
  EXPECT_EQ(balance("111111"), 100'00);
  EXPECT_TRUE(run(core->reverse("p2:reversal:1", "p2:debit:1")).value().nothing_to_reverse);
  EXPECT_EQ(run(core->debit("p2:debit:1", "111111", 1'00)).value().code, "LEG_CLOSED");
  EXPECT_EQ(run(core->status("p3:credit:1")).value().state, LegState::kNotFound);
  EXPECT_EQ(run(core->credit("p3:credit:1", "222222", 1'00)).value().code, "LEG_CLOSED");
  EXPECT_EQ(run(core->status("p1:debit:1")).value().state, LegState::kApplied);
  EXPECT_EQ(balance("111111"), 100'00);
  EXPECT_EQ(balance("222222"), 0);
}

TEST_F(PostgresBankTest, PreparingAgainWithTheSameWorldKeepsBalances) {
  run(core->debit("p1:debit:1", "111111", 25'00));
  ASSERT_TRUE(run(prepare_postgres_banks(*pool, world)).has_value());
  EXPECT_EQ(balance("111111"), 75'00);
}

TEST_F(PostgresBankTest, ConcurrentCopiesOfOneLegMoveMoneyOnce) {
  std::vector<std::future<Result<LegAnswer>>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back(
        asio::co_spawn(io, core->debit("p1:debit:1", "111111", 10'00), asio::use_future));
  }
  run(core->balance("111111"));  // drives the event loop until the calls have run
  int applied = 0;
  ASSERT_TRUE(run_until_ready(io, calls, std::chrono::seconds(30)));
  for (auto& c : calls) {
    auto answer = c.get();
    if (answer && answer->outcome == LegOutcome::kApplied) ++applied;  // others may see errors
  }
  EXPECT_GE(applied, 1);
  EXPECT_EQ(balance("111111"), 90'00);
  EXPECT_EQ(run(core->status("p1:debit:1")).value().state, LegState::kApplied);
}

}  // namespace
}  // namespace upi::banks
