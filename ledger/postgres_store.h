// The durable event store on PostgreSQL.
//
// Appends wait in a bounded queue; one writer turns everything queued into one transaction
// (group commit). Positions are handed out under the ledger_head row lock, taken late in that
// transaction, so commits become visible in position order and a reader never sees N+1
// before N. Streams' versions live in a stream-head table (optimistic concurrency); events
// live in a table range-partitioned by month (partitions are created ahead, at open and every
// hour), with uniqueness of (stream, version) and of
// position kept by the unpartitioned event_index. Triggers reject UPDATE, DELETE and TRUNCATE.
// After each commit the writer sends NOTIFY upi_commits; a listener connection wakes
// subscribers, who re-read from their checkpoint.
#pragma once

#include <boost/asio/io_context.hpp>
#include <deque>
#include <map>
#include <memory>

#include "common/async.h"
#include "common/clock.h"
#include "common/pg.h"
#include "ledger/counters.h"
#include "ledger/event_store.h"

namespace upi::ledger {

// The ledger's own migrations (the event log, its counters and the read views): "ledger/1"...
std::vector<pg::Migration> postgres_migrations();

struct PostgresConfig {
  std::string conninfo;
  std::string schema = "upi";
  std::size_t readers_max = 4;        // pooled connections for reads
  int statement_timeout_ms = 10'000;  // deadline of every database round trip
  std::size_t pending_appends_max = 10'000;
  std::size_t batch_appends_max = 256;  // appends per group commit
  // How often monthly partitions are created ahead (last month to three months ahead).
  int partition_check_interval_ms = 3'600'000;
  // Applied at open: the ledger's own, or the whole switch's (switch/migrations.h).
  std::vector<pg::Migration> migrations = postgres_migrations();
};

struct StreamHead;

class PostgresStore final : public EventStore {
 public:
  // Connects, creates the schema, applies migrations (safe when several nodes start at
  // once), creates partitions ahead of need and starts the writer and the listener.
  // Error code: STORE_UNAVAILABLE.
  static asio::awaitable<Result<std::unique_ptr<PostgresStore>>> open(asio::io_context& io,
                                                                      const Clock& clock,
                                                                      PostgresConfig config);
  ~PostgresStore() override;

  asio::awaitable<Result<AppendResult>> append(std::string stream, std::int64_t expected_version,
                                               std::vector<NewEvent> events) override;
  asio::awaitable<Result<std::vector<RecordedEvent>>> read_stream(std::string stream,
                                                                  std::int64_t from_version,
                                                                  std::size_t limit) override;
  asio::awaitable<Result<std::vector<RecordedEvent>>> read_all(std::int64_t after_position,
                                                               std::size_t limit) override;
  void on_commit(std::function<void(std::int64_t)> wake) override;

  // Stops the writer and the listener and wakes no subscriber any more; queued appends fail
  // with STORE_UNAVAILABLE.
  void close() override;
  asio::awaitable<void> join() override;
  // Creates the monthly partitions from last month to three months ahead of the clock's now,
  // if missing (also run at open and every partition_check_interval_ms).
  // Error code: STORE_UNAVAILABLE.
  asio::awaitable<Result<void>> ensure_partitions();
  // Group commits so far, and appends they carried (for benchmarks and tests).
  std::uint64_t commits() const { return commits_; }
  std::uint64_t appends_committed() const { return appends_committed_; }

 private:
  struct Pending;
  PostgresStore(asio::io_context& io, const Clock& clock, PostgresConfig config);

  asio::awaitable<pg::PgResult<std::unique_ptr<pg::Connection>>> connect();
  asio::awaitable<Result<void>> migrate(pg::Connection& conn);
  asio::awaitable<void> write_loop();
  // One group commit in two round trips: BEGIN, creating and locking the batch's streams and
  // locking the ledger head in one; the events, stream versions, head and COMMIT in the other.
  // Appends whose expected version is stale are refused.
  asio::awaitable<pg::PgResult<void>> commit_batch(pg::Connection& conn,
                                                   std::vector<Pending*>& batch);
  // The appends whose expected version and charges hold, in batch order, charged to counters;
  // the rest get VERSION_CONFLICT or LIMIT_EXCEEDED.
  static std::vector<Pending*> accept(const std::vector<Pending*>& batch,
                                      const std::map<std::string, std::int64_t>& versions,
                                      Counters& counters);
  // Positions, versions and hashes for the accepted events after last; heads move on.
  std::vector<RecordedEvent> record(const std::vector<Pending*>& accepted,
                                    std::map<std::string, std::int64_t>& heads,
                                    const RecordedEvent& last);
  // The events, the stream versions and the ledger head, as one statement.
  static pg::Statement write_statement(const std::vector<RecordedEvent>& recorded,
                                       const std::vector<StreamHead>& heads,
                                       const RecordedEvent& last);
  // The counters' new values (every one the batch names: unchanged ones are written as they are).
  static pg::Statement counters_statement(const Counters& book,
                                          const std::vector<std::string>& counters);
  asio::awaitable<void> listen_loop();
  asio::awaitable<void> partition_loop();
  asio::awaitable<Result<std::vector<RecordedEvent>>> read(std::string sql,
                                                           std::vector<pg::Param> params);
  pg::Deadline deadline() const;
  void wake_subscribers(std::int64_t position);

  asio::io_context& io_;
  const Clock& clock_;
  PostgresConfig config_;
  std::deque<Pending*> queue_;
  Timer writer_wake_;
  Timer maintenance_timer_;
  pg::Pool readers_;
  std::vector<std::function<void(std::int64_t)>> wakers_;
  bool closed_ = false;
  TaskGroup tasks_;  // the writer, the listener, the partition keeper
  std::uint64_t commits_ = 0;
  std::uint64_t appends_committed_ = 0;
};

// A database error as the store reports it (code STORE_UNAVAILABLE, SQLSTATE in the message).
Error store_unavailable(const pg::PgError& e);

}  // namespace upi::ledger
