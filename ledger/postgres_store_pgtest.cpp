// The PostgreSQL store against a real server: the shared contract, plus ordering under
// concurrent writers, group commit, immutability and concurrent migration.
#include <atomic>
#include <thread>

#include "common/pg.h"
#include "ledger/event_store_contract.h"
#include "ledger/postgres_store.h"

namespace upi::ledger {
namespace {

SystemClock system_clock;

// Null when UPI_TEST_DATABASE_URL is unset or empty.
const char* database_url() {
  const char* url = std::getenv("UPI_TEST_DATABASE_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

std::string fresh_schema() {
  static std::atomic<int> n{0};
  return "t" + std::to_string(::getpid()) + "_" + std::to_string(++n);
}

struct PostgresFixture : StoreFixture {
  explicit PostgresFixture(std::string schema) {
    PostgresConfig config{.conninfo = database_url(), .schema = std::move(schema)};
    auto opened = run_on(io_context, PostgresStore::open(io_context, system_clock, config));
    if (!opened) ADD_FAILURE() << opened.error().message;
    if (opened) postgres = std::move(*opened);
  }
  ~PostgresFixture() override {
    if (postgres) postgres->close();
    io_context.run_for(std::chrono::milliseconds(50));  // let the loops see the close
  }
  EventStore& store() override { return *postgres; }
  asio::io_context& io() override { return io_context; }
  asio::io_context io_context;
  std::unique_ptr<PostgresStore> postgres;
};

// Null (the contract suite then skips) without a database, or when opening failed (which
// the fixture has already reported as a failure).
std::unique_ptr<StoreFixture> make_fixture() {
  if (database_url() == nullptr) return nullptr;
  auto fixture = std::make_unique<PostgresFixture>(fresh_schema());
  if (!fixture->postgres) return nullptr;
  return fixture;
}

INSTANTIATE_TEST_SUITE_P(Postgres, EventStoreContract,
                         ::testing::Values(StoreFactory(make_fixture)));

// Runs SQL on a plain connection, for checks from outside the store.
pg::PgResult<pg::Rows> sql(const std::string& text, const std::string& schema) {
  asio::io_context io;
  return run_on(io, [&]() -> asio::awaitable<pg::PgResult<pg::Rows>> {
    const auto deadline = deadline_after_ms(10'000);
    auto conn = co_await pg::Connection::connect(database_url(), deadline);
    if (!conn) co_return std::unexpected(conn.error());
    auto set = co_await (*conn)->execute("SET search_path TO " + schema, deadline);
    if (!set) co_return std::unexpected(set.error());
    co_return co_await (*conn)->query(text, {}, deadline);
  }());
}

#define REQUIRE_DATABASE() \
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set"

TEST(PostgresStore, EventsAreImmutable) {
  REQUIRE_DATABASE();
  const std::string schema = fresh_schema();
  PostgresFixture f(schema);
  ASSERT_TRUE(f.postgres);
  ASSERT_TRUE(run_on(f.io(), f.store().append("s", kNoStream, {NewEvent{"E", {{"n", 1}}, {}}})));
  for (const char* statement :
       {"UPDATE events SET type = 'X'", "DELETE FROM events", "TRUNCATE events",
        "UPDATE event_index SET version = 9", "DELETE FROM event_index"}) {
    auto result = sql(statement, schema);
    ASSERT_FALSE(result.has_value()) << statement;
    EXPECT_EQ(result.error().sqlstate, "P0001") << statement << ": " << result.error().message;
  }
  EXPECT_EQ(sql("SELECT count(*) FROM events", schema)->int64(0, 0), 1);
}

// A schema made before the migration registry (numbered versions in schema_migrations) is not
// migrated again: its versions count as ledger/<n>, and only what is new runs.
TEST(PostgresStore, MigrationsRunOnceAndOlderSchemasKeepTheirVersions) {
  REQUIRE_DATABASE();
  const std::string schema = fresh_schema();
  for (const std::string& statement :
       {"CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".schema_migrations (version int)",
        "INSERT INTO " + schema + ".schema_migrations VALUES (1)"}) {
    ASSERT_TRUE(sql(statement, "public").has_value()) << statement;
  }
  const std::vector<pg::Migration> registry{{"ledger/1", "CREATE TABLE never_made (x int)"},
                                            {"test/1", "CREATE TABLE made_once (x int)"}};
  asio::io_context io;
  for (int run = 0; run < 2; ++run) {
    auto migrated = run_on(io, [&]() -> asio::awaitable<pg::PgResult<void>> {
      const auto deadline = deadline_after_ms(10'000);
      auto conn = co_await pg::Connection::connect(database_url(), deadline);
      if (!conn) co_return std::unexpected(conn.error());
      co_return co_await pg::migrate(**conn, schema, registry, "", deadline);
    }());
    ASSERT_TRUE(migrated.has_value()) << migrated.error().message;  // the second run: no-op
  }
  EXPECT_EQ(sql("SELECT string_agg(id, ',' ORDER BY id) FROM migrations", schema)->text(0, 0),
            "ledger/1,test/1");
  EXPECT_FALSE(sql("SELECT 1 FROM never_made", schema).has_value());
  EXPECT_TRUE(sql("SELECT 1 FROM made_once", schema).has_value());
}

TEST(PostgresStore, GroupCommitBatchesConcurrentAppends) {
  REQUIRE_DATABASE();
  PostgresFixture f(fresh_schema());
  ASSERT_TRUE(f.postgres);
  constexpr int kAppends = 300;
  std::vector<std::future<Result<AppendResult>>> results;
  for (int i = 0; i < kAppends; ++i) {
    results.push_back(asio::co_spawn(
        f.io(),
        f.store().append("s-" + std::to_string(i), kNoStream, {NewEvent{"E", {{"n", i}}, {}}}),
        asio::use_future));
  }
  ASSERT_TRUE(run_until_ready(f.io(), results, std::chrono::seconds(60)));
  for (auto& r : results) EXPECT_TRUE(r.get().has_value());
  EXPECT_EQ(f.postgres->appends_committed(), static_cast<std::uint64_t>(kAppends));
  EXPECT_LT(f.postgres->commits(), static_cast<std::uint64_t>(kAppends) / 4)
      << "appends that arrive together should share a transaction";
  auto all = run_on(f.io(), read_whole_log(f.store()));
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), static_cast<std::size_t>(kAppends));
  EXPECT_FALSE(verify_chain(*all).first_broken_position.has_value());
}

TEST(PostgresStore, ConcurrentNodesNeverLetAReaderSeeAGap) {
  REQUIRE_DATABASE();
  const std::string schema = fresh_schema();
  { PostgresFixture create(schema); }
  constexpr int kWriters = 2, kAppendsPerWriter = 400;
  std::atomic<int> writers_done{0};
  std::vector<std::jthread> nodes;  // joined however the test ends
  for (int w = 0; w < kWriters; ++w) {
    nodes.emplace_back([&, w] {
      PostgresFixture node(schema);
      if (!node.postgres) {
        ++writers_done;  // the fixture has reported why
        return;
      }
      std::vector<std::future<Result<AppendResult>>> pending;
      for (int i = 0; i < kAppendsPerWriter; ++i) {
        pending.push_back(asio::co_spawn(
            node.io(),
            node.store().append(
                "n" + std::to_string(w) + "-" + std::to_string(i % 37), kAnyVersion,
                {NewEvent{"E", {{"w", w}, {"i", i}}, {}}, NewEvent{"F", {{"i", i}}, {}}}),
            asio::use_future));
      }
      EXPECT_TRUE(run_until_ready(node.io(), pending, std::chrono::seconds(60)));
      for (auto& p : pending) {
        const bool ready = p.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
        EXPECT_TRUE(ready && p.get().has_value());
      }
      ++writers_done;
    });
  }
  // A reader that polls the log while the nodes write must see positions 1, 2, 3, ... only.
  PostgresFixture reader(schema);
  ASSERT_TRUE(reader.postgres);
  std::int64_t checkpoint = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (writers_done.load() < kWriters || checkpoint < kWriters * kAppendsPerWriter * 2) {
    auto page = run_on(reader.io(), reader.store().read_all(checkpoint, 500));
    ASSERT_TRUE(page.has_value()) << page.error().message;
    for (const auto& e : *page) {
      ASSERT_EQ(e.position, checkpoint + 1)
          << "a reader saw a later position before an earlier one";
      checkpoint = e.position;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "reached " << checkpoint;
    if (page->empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a poll's pause
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(checkpoint, kWriters * kAppendsPerWriter * 2);
  auto all = run_on(reader.io(), read_whole_log(reader.store()));
  EXPECT_FALSE(verify_chain(*all).first_broken_position.has_value());
}

TEST(PostgresStore, TwoNodesMigratingAtOnceBothStart) {
  REQUIRE_DATABASE();
  const std::string schema = fresh_schema();
  std::atomic<int> opened{0};
  std::vector<std::jthread> nodes;
  for (int i = 0; i < 3; ++i) {
    nodes.emplace_back([&] {
      PostgresFixture node(schema);
      if (node.postgres) ++opened;
    });
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(opened.load(), 3);
  EXPECT_EQ(sql("SELECT count(*) FROM migrations", schema)->int64(0, 0),
            static_cast<std::int64_t>(postgres_migrations().size()));
  EXPECT_GE(sql("SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass", schema)
                ->int64(0, 0),
            4);
}

TEST(PostgresStore, CreatesPartitionsAheadAsTimePasses) {
  REQUIRE_DATABASE();
  const std::string schema = fresh_schema();
  ManualClock clock(system_clock.now_ms());
  asio::io_context io;
  auto opened = run_on(io, PostgresStore::open(io, clock, PostgresConfig{database_url(), schema}));
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  PostgresStore& store = **opened;
  auto append = [&](const std::string& stream) {
    return run_on(io, store.append(stream, kNoStream, {NewEvent{"E", {{"n", 1}}, {}}}));
  };
  ASSERT_TRUE(append("now").has_value());
  constexpr std::int64_t kDayMs = 86'400'000;
  clock.advance_ms(150 * kDayMs);  // past the partitions made at open
  ASSERT_TRUE(run_on(io, store.ensure_partitions()).has_value());
  auto later = append("five-months-on");
  EXPECT_TRUE(later.has_value()) << later.error().message;
  clock.advance_ms(300 * kDayMs);  // and past those: the failed append makes them
  auto missing = append("fifteen-months-on");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("23514"), std::string::npos) << missing.error().message;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  Result<AppendResult> healed = missing;
  while (!healed && std::chrono::steady_clock::now() < deadline) {
    healed = append("fifteen-months-on");
  }
  EXPECT_TRUE(healed.has_value()) << "the store did not create the missing partition";
  auto partitions =
      sql("SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass", schema);
  ASSERT_TRUE(partitions.has_value());
  EXPECT_GE(partitions->int64(0, 0), 10);
  store.close();
  io.run_for(std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace upi::ledger
