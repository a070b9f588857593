// The libpq layer against a real PostgreSQL: prepared statements, pipelines and the
// transactions built on them (all or nothing, the failing statement named).
#include "common/pg.h"

#include <gtest/gtest.h>

#include <atomic>

#include "common/run_blocking.h"

namespace upi::pg {
namespace {

const char* database_url() {
  const char* url = std::getenv("UPI_TEST_DATABASE_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

#define REQUIRE_DATABASE() \
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set"

// A connection on a temporary table t(k text primary key, n bigint) of its own.
struct Session {
  Session() {
    conn = run_on(io, [&]() -> asio::awaitable<std::unique_ptr<Connection>> {
      auto made = co_await Connection::connect(database_url(), deadline());
      if (!made) co_return nullptr;
      auto table = co_await (*made)->execute(
          "CREATE TEMPORARY TABLE t (k text PRIMARY KEY, n bigint NOT NULL CHECK (n >= 0))",
          deadline());
      if (!table) co_return nullptr;
      co_return std::move(*made);
    }());
  }
  static Deadline deadline() { return deadline_after_ms(10'000); }
  PgResult<std::vector<Rows>> pipeline(std::vector<Statement> statements) {
    return run_on(io, conn->pipeline(std::move(statements), deadline()));
  }
  PgResult<std::vector<Rows>> transaction(std::vector<Statement> statements) {
    return run_on(io, Transaction::run(*conn, std::move(statements), deadline()));
  }
  std::int64_t count() {
    auto rows = run_on(io, conn->query("SELECT count(*) FROM t", {}, deadline()));
    return rows ? rows->int64(0, 0) : -1;
  }

  asio::io_context io;
  std::unique_ptr<Connection> conn;
};

Statement insert(std::string key, std::int64_t n) {
  return {"INSERT INTO t (k, n) VALUES ($1, $2) RETURNING n", {std::move(key), std::to_string(n)}};
}

TEST(PgPipeline, AnswersEachStatementInOrderAndReusesWhatItPrepared) {
  REQUIRE_DATABASE();
  Session s;
  ASSERT_TRUE(s.conn);
  for (int round = 0; round < 2; ++round) {  // the second round runs the prepared statements
    const std::string r = std::to_string(round);
    auto rows = s.pipeline({insert("a" + r, 1),
                            insert("b" + r, 2),
                            {"SELECT n FROM t WHERE k LIKE $1 ORDER BY n", {"%" + r}}});
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0].int64(0, 0), 1);
    EXPECT_EQ((*rows)[1].int64(0, 0), 2);
    ASSERT_EQ((*rows)[2].size(), 2);
    EXPECT_EQ((*rows)[2].int64(1, 0), 2);
  }
  // The same text through query() uses the statement the pipeline prepared.
  auto one = run_on(s.io, s.conn->query("SELECT n FROM t WHERE k LIKE $1 ORDER BY n", {"a%"},
                                        Session::deadline()));
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->size(), 2);
  EXPECT_FALSE(s.conn->broken());
}

TEST(PgPipeline, AFailingStatementOutsideATransactionUndoesItsPipelineAndNothingElse) {
  REQUIRE_DATABASE();
  Session s;
  ASSERT_TRUE(s.conn);
  auto failed = s.pipeline({insert("a", 1), insert("b", -1), insert("c", 3)});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().sqlstate, "23514");  // the CHECK on n
  EXPECT_EQ(s.count(), 0);                      // one implicit transaction: "a" is undone too
  EXPECT_FALSE(s.conn->broken());
  // A statement whose Prepare failed is not taken for prepared: it fails alike again, and a
  // good pipeline after it runs.
  for (int i = 0; i < 2; ++i) {
    auto bad = s.pipeline({{"SELECT nope FROM t", {}}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().sqlstate, "42703");
  }
  auto good = s.pipeline({insert("a", 1)});
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(s.count(), 1);
}

TEST(PgTransaction, RunsAllOrNothingInOneRoundTripAndAbandonsAFailedConnection) {
  REQUIRE_DATABASE();
  Session s;
  ASSERT_TRUE(s.conn);
  auto done = s.transaction({insert("a", 1), insert("b", 2)});
  ASSERT_TRUE(done) << done.error().message;
  ASSERT_EQ(done->size(), 2u);  // BEGIN's and COMMIT's results are not among them
  EXPECT_EQ((*done)[1].int64(0, 0), 2);
  EXPECT_EQ(s.count(), 2);

  auto refused = s.transaction({insert("c", 3), insert("a", 4)});  // "a" exists
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().sqlstate, "23505");
  EXPECT_TRUE(s.conn->broken());  // left inside an aborted transaction: never reused
}

TEST(PgTransaction, BeginAndCommitEachTakeStatementsWithThem) {
  REQUIRE_DATABASE();
  Session s;
  ASSERT_TRUE(s.conn);
  auto rows = run_on(s.io, [&]() -> asio::awaitable<PgResult<std::int64_t>> {
    std::vector<Statement> first;
    first.push_back(insert("a", 1));
    auto begun = co_await Transaction::begin(*s.conn, Session::deadline(), std::move(first));
    if (!begun) co_return std::unexpected(begun.error());
    const std::int64_t a = begun->rows.at(0).int64(0, 0);
    std::vector<Statement> last;
    last.push_back(insert("b", a + 1));
    auto committed = co_await begun->tx.commit(std::move(last), Session::deadline());
    if (!committed) co_return std::unexpected(committed.error());
    co_return committed->at(0).int64(0, 0);
  }());
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(*rows, 2);
  EXPECT_EQ(s.count(), 2);
  EXPECT_FALSE(s.conn->broken());
}

}  // namespace
}  // namespace upi::pg
