// Bank books in a real PostgreSQL: the leg rules of every BankCore (bank_core_contract.h), and
// what only durable books do: keep balances when prepared again, and move money once when one
// leg arrives on several connections at once.
#include <gtest/gtest.h>

#include <atomic>

#include "banks/bank_core_contract.h"
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

// HDFC's books in a schema of their own; postgres is null (and the failure reported) when
// they could not be set up.
struct PostgresBankFixture : BankCoreFixture {
  PostgresBankFixture() {
    const std::string schema = fresh_schema();
    pool = std::make_unique<pg::Pool>(database_url(), schema, 4, 10'000);
    auto made = run_on(io_context, [&]() -> asio::awaitable<Result<void>> {
      auto conn = co_await pg::Connection::connect(database_url(), pool->deadline());
      if (!conn) co_return fail(ErrorKind::kUnavailable, "PG", conn.error().message);
      auto created =
          co_await pg::migrate(**conn, schema, postgres_bank_migrations(), "", pool->deadline());
      if (!created) co_return fail(ErrorKind::kUnavailable, "PG", created.error().message);
      co_return co_await prepare_postgres_banks(*pool, world);
    }());
    if (!made) ADD_FAILURE() << made.error().message;
    if (made) postgres = std::make_unique<PostgresBankCore>(world.banks[0], *pool);
  }
  BankCore& core() override { return *postgres; }
  asio::io_context& io() override { return io_context; }
  template <typename T>
  T run(asio::awaitable<T> op) {
    return run_on(io_context, std::move(op));
  }
  Paise balance(const std::string& account) { return run(postgres->balance(account)).value(); }

  asio::io_context io_context;
  World world = bank_contract_world();
  std::unique_ptr<pg::Pool> pool;
  std::unique_ptr<PostgresBankCore> postgres;
};

// Null without a database (the suite skips), or when setting up failed (reported: it fails).
std::unique_ptr<BankCoreFixture> make_postgres_bank() {
  if (database_url() == nullptr) return nullptr;
  auto fixture = std::make_unique<PostgresBankFixture>();
  if (!fixture->postgres) return nullptr;
  return fixture;
}

INSTANTIATE_TEST_SUITE_P(Postgres, BankCoreContract,
                         ::testing::Values(BankCoreFactory(make_postgres_bank)));

struct PostgresBankTest : ::testing::Test {
  void SetUp() override {
    if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
    f = std::make_unique<PostgresBankFixture>();
    ASSERT_NE(f->postgres, nullptr);
  }
  std::unique_ptr<PostgresBankFixture> f;
};

TEST_F(PostgresBankTest, PreparingAgainWithTheSameWorldKeepsBalances) {
  f->run(f->postgres->debit("p1:debit:1", "111111", 25'00));
  ASSERT_TRUE(f->run(prepare_postgres_banks(*f->pool, f->world)).has_value());
  EXPECT_EQ(f->balance("111111"), 75'00);
}

TEST_F(PostgresBankTest, ConcurrentCopiesOfOneLegMoveMoneyOnce) {
  std::vector<std::future<Result<LegAnswer>>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back(asio::co_spawn(f->io_context, f->postgres->debit("p1:debit:1", "111111", 10'00),
                                   asio::use_future));
  }
  int applied = 0;
  ASSERT_TRUE(run_until_ready(f->io_context, calls, std::chrono::seconds(30)));
  for (auto& c : calls) {
    auto answer = c.get();
    if (answer && answer->outcome == LegOutcome::kApplied) ++applied;  // others may see errors
  }
  EXPECT_GE(applied, 1);
  EXPECT_EQ(f->balance("111111"), 90'00);
  EXPECT_EQ(f->run(f->postgres->status("p1:debit:1")).value().state, LegState::kApplied);
}

// Legs through the group commit: many at once share transactions, each is answered by itself,
// a leg sent twice moves money once, and a leg whose statement fails fails alone.
TEST_F(PostgresBankTest, BatchedLegsShareTransactionsAndAreEachAnsweredAlone) {
  LegBatcher batcher(*f->pool);
  PostgresBankCore batched(f->world.banks[0], *f->pool, &batcher);
  std::vector<std::future<Result<LegAnswer>>> calls;
  for (int i = 0; i < 40; ++i) {  // 40 x 1.00 from alice (100.00), 10 of them sent twice
    const std::string leg = "p" + std::to_string(i % 30) + ":debit:1";
    calls.push_back(
        asio::co_spawn(f->io_context, batched.debit(leg, "111111", 1'00), asio::use_future));
  }
  for (int i = 0; i < 5; ++i) {
    calls.push_back(asio::co_spawn(
        f->io_context, batched.credit("c" + std::to_string(i) + ":credit:1", "222222", 2'00),
        asio::use_future));
  }
  ASSERT_TRUE(run_until_ready(f->io_context, calls, std::chrono::seconds(30)));
  for (auto& c : calls) {
    auto answer = c.get();
    ASSERT_TRUE(answer.has_value()) << answer.error().message;
    EXPECT_EQ(answer->outcome, LegOutcome::kApplied);
  }
  EXPECT_EQ(f->balance("111111"), 100'00 - 30 * 1'00);
  EXPECT_EQ(f->balance("222222"), 5 * 2'00);
  EXPECT_EQ(batcher.legs(), 45);
  EXPECT_LT(batcher.transactions(), 5) << "legs waiting together commit together";

  // A statement that fails (division by zero) in a batch fails alone; the others apply.
  calls.clear();
  auto poison = asio::co_spawn(f->io_context,
                               batcher.run("SELECT 1 / $1::int", {std::string("0")}, "HDFC/111111"),
                               asio::use_future);
  for (int i = 0; i < 3; ++i) {
    calls.push_back(asio::co_spawn(
        f->io_context, batched.debit("q" + std::to_string(i) + ":debit:1", "111111", 1'00),
        asio::use_future));
  }
  ASSERT_TRUE(run_until_ready(f->io_context, calls, std::chrono::seconds(30)));
  for (auto& c : calls) EXPECT_EQ(c.get().value().outcome, LegOutcome::kApplied);
  ASSERT_EQ(poison.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_FALSE(poison.get().has_value());
  EXPECT_EQ(f->balance("111111"), 100'00 - 33 * 1'00);
}

}  // namespace
}  // namespace upi::banks
