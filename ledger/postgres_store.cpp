#include "ledger/postgres_store.h"

#include "common/pg_table.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>
#include <ctime>
#include <map>

#include "ledger/postgres_views.h"

namespace upi::ledger {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::int64_t kMigrationLockId = 7'424'242;  // as pg::migrate's: partitions take turns

// Monthly partitions from last month to three months ahead.
std::string partition_sql(std::int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::string sql;
  for (int offset = -1; offset <= 3; ++offset) {
    const int month_index = tm.tm_year * 12 + tm.tm_mon + offset;
    const int next_index = month_index + 1;
    char name[64], from[40], to[40];
    std::snprintf(name, sizeof name, "events_%04d_%02d", 1900 + month_index / 12,
                  month_index % 12 + 1);
    std::snprintf(from, sizeof from, "%04d-%02d-01", 1900 + month_index / 12, month_index % 12 + 1);
    std::snprintf(to, sizeof to, "%04d-%02d-01", 1900 + next_index / 12, next_index % 12 + 1);
    sql += std::string("CREATE TABLE IF NOT EXISTS ") + name +
           " PARTITION OF events FOR VALUES FROM ('" + from + "') TO ('" + to + "');\n";
  }
  return sql;
}

bool read_data(RecordedEvent& e, const std::string& text) {
  auto data = parse_json_object(text, 64);
  if (data) e.data = std::move(*data);
  return data.has_value();
}

bool read_metadata(RecordedEvent& e, const std::string& text) {
  auto meta = parse_json_object(text, 4);
  if (meta) e.metadata = metadata_from_json(*meta);
  return meta.has_value();
}

// The events table (migration ledger/1), described once: what a RecordedEvent writes and reads.
const pg::Column<RecordedEvent> kEventColumns[] = {
    pg::int_column<&RecordedEvent::position>("position"),
    pg::text_column<&RecordedEvent::stream>("stream_id"),
    pg::int_column<&RecordedEvent::version>("version"),
    pg::text_column<&RecordedEvent::type>("type"),
    {"data", "text", [](const RecordedEvent& e) { return to_json(e.data); }, read_data},
    {"metadata", "text",
     [](const RecordedEvent& e) { return to_json(metadata_to_json(e.metadata)); }, read_metadata},
    pg::int_column<&RecordedEvent::recorded_at_ms>("recorded_at_ms"),
    {"recorded_at", "timestamptz",
     [](const RecordedEvent& e) { return format_timestamp(e.recorded_at_ms); }, nullptr},
    pg::text_column<&RecordedEvent::prev_hash>("prev_hash"),
    pg::text_column<&RecordedEvent::hash>("hash"),
};
const pg::Table<RecordedEvent> kEvents("events", kEventColumns);

}  // namespace

// A stream's version after a commit (the streams table).
struct StreamHead {
  std::string stream_id;
  std::int64_t version = 0;
};

namespace {

const pg::Column<StreamHead> kStreamColumns[] = {
    pg::text_column<&StreamHead::stream_id>("stream_id"),
    pg::int_column<&StreamHead::version>("version"),
};
const pg::Table<StreamHead> kStreams("streams", kStreamColumns);

}  // namespace

Error store_unavailable(const pg::PgError& e) {
  return pg::to_error(e, "STORE_UNAVAILABLE", "PostgreSQL");
}

std::vector<pg::Migration> postgres_migrations() {
  return {{"ledger/1", R"sql(
CREATE TABLE ledger_head (id int PRIMARY KEY CHECK (id = 1), position bigint NOT NULL, hash text NOT NULL);
INSERT INTO ledger_head VALUES (1, 0, repeat('0', 64));
CREATE TABLE streams (stream_id text PRIMARY KEY, version bigint NOT NULL CHECK (version >= 0));
CREATE TABLE event_index (
  position bigint PRIMARY KEY,
  stream_id text NOT NULL,
  version bigint NOT NULL,
  recorded_at timestamptz NOT NULL,
  UNIQUE (stream_id, version));
CREATE TABLE events (
  position bigint NOT NULL,
  stream_id text NOT NULL,
  version bigint NOT NULL,
  type text NOT NULL,
  data text NOT NULL,
  metadata text NOT NULL,
  recorded_at_ms bigint NOT NULL,
  recorded_at timestamptz NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (position, recorded_at)) PARTITION BY RANGE (recorded_at);
CREATE FUNCTION reject_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER event_index_append_only BEFORE UPDATE OR DELETE ON event_index
  FOR EACH ROW EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER event_index_no_truncate BEFORE TRUNCATE ON event_index
  FOR EACH STATEMENT EXECUTE FUNCTION reject_ledger_change();
)sql"},
          {"ledger/2", postgres_views_migration()},
          {"ledger/3", postgres_settlement_views_migration()},
          {"ledger/4", R"sql(
CREATE TABLE ledger_counters (counter text PRIMARY KEY, value bigint NOT NULL);
)sql"},
          {"ledger/5", postgres_counter_views_migration()},
          {"ledger/6", postgres_leg_views_migration()},
          {"ledger/7", postgres_neft_views_migration()},
          {"ledger/8", postgres_refund_views_migration()},
          {"ledger/9", postgres_collect_views_migration()}};
}

struct PostgresStore::Pending {
  std::string stream;
  std::int64_t expected_version;
  std::vector<NewEvent> events;
  std::optional<Result<AppendResult>> result;
  OneShotEvent done;  // set once result is
};

PostgresStore::PostgresStore(asio::io_context& io, const Clock& clock, PostgresConfig config)
    : io_(io),
      clock_(clock),
      config_(std::move(config)),
      writer_wake_(io),
      maintenance_timer_(io),
      readers_(config_.conninfo, config_.schema, config_.readers_max, config_.statement_timeout_ms),
      tasks_(io.get_executor()) {}

PostgresStore::~PostgresStore() {
  close();
}

pg::Deadline PostgresStore::deadline() const {
  return deadline_after_ms(config_.statement_timeout_ms);
}

asio::awaitable<pg::PgResult<std::unique_ptr<pg::Connection>>> PostgresStore::connect() {
  co_return co_await readers_.connect();
}

asio::awaitable<Result<std::unique_ptr<PostgresStore>>> PostgresStore::open(asio::io_context& io,
                                                                            const Clock& clock,
                                                                            PostgresConfig config) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(io, clock, std::move(config)));
  auto conn = co_await pg::Connection::connect(store->config_.conninfo, store->deadline());
  if (!conn) co_return std::unexpected(store_unavailable(conn.error()));
  if (auto ok = co_await store->migrate(**conn); !ok) co_return std::unexpected(ok.error());
  store->tasks_.spawn(store->write_loop());
  store->tasks_.spawn(store->listen_loop());
  store->tasks_.spawn(store->partition_loop());
  co_return store;
}

asio::awaitable<Result<void>> PostgresStore::migrate(pg::Connection& conn) {
  auto ok = co_await pg::migrate(conn, config_.schema, config_.migrations,
                                 partition_sql(clock_.now_ms()), deadline());
  if (!ok) co_return std::unexpected(store_unavailable(ok.error()));
  co_return Result<void>{};
}

asio::awaitable<Result<AppendResult>> PostgresStore::append(std::string stream,
                                                            std::int64_t expected_version,
                                                            std::vector<NewEvent> events) {
  if (auto ok = check_append(stream, expected_version, events); !ok)
    co_return std::unexpected(ok.error());
  if (closed_) co_return fail(ErrorKind::kUnavailable, "STORE_UNAVAILABLE", "the store is closed");
  if (queue_.size() >= config_.pending_appends_max) {
    co_return fail(ErrorKind::kBusy, "STORE_BUSY", "too many appends are waiting for the database");
  }
  Pending pending{std::move(stream), expected_version, std::move(events), std::nullopt,
                  OneShotEvent(io_.get_executor())};
  queue_.push_back(&pending);
  writer_wake_.cancel();
  co_await pending.done.wait();
  assert(pending.result.has_value() && "the writer answers every append it takes");
  co_return std::move(*pending.result);
}

asio::awaitable<void> PostgresStore::write_loop() {
  std::unique_ptr<pg::Connection> conn;
  int retry_ms = 50;
  while (!closed_) {
    if (queue_.empty()) {
      writer_wake_.expires_at(Timer::time_point::max());
      co_await writer_wake_.async_wait(kTuple);
      continue;
    }
    std::optional<Error> error;
    if (!conn || conn->broken()) {
      auto fresh = co_await connect();
      if (fresh) {
        conn = std::move(*fresh);
        retry_ms = 50;
      } else {
        error = store_unavailable(fresh.error());
      }
    }
    std::vector<Pending*> batch;
    while (!queue_.empty() && batch.size() < config_.batch_appends_max) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    if (!error) {
      auto ok = co_await commit_batch(*conn, batch);
      if (!ok) {
        error = store_unavailable(ok.error());  // the transaction closed its connection
        // 23514: no partition holds the row (the clock passed the partitions made ahead).
        if (ok.error().sqlstate == "23514") {
          tasks_.spawn([](PostgresStore& self) -> asio::awaitable<void> {
            co_await self.ensure_partitions();
          }(*this));
        }
      }
    }
    for (Pending* p : batch) {
      if (!p->result) p->result = std::unexpected(*error);
      p->done.set();
    }
    if (error && (!conn || conn->broken())) {
      spdlog::warn("event store: {}; retrying in {} ms", error->message, retry_ms);
      Timer pause(io_, std::chrono::milliseconds(retry_ms));
      co_await pause.async_wait(kTuple);
      retry_ms = std::min(retry_ms * 2, 2'000);
    }
  }
  for (Pending* p : queue_) {
    p->result = fail(ErrorKind::kUnavailable, "STORE_UNAVAILABLE", "the store is closed");
    p->done.set();
  }
  queue_.clear();
}

asio::awaitable<pg::PgResult<void>> PostgresStore::commit_batch(pg::Connection& conn,
                                                                std::vector<Pending*>& batch) {
  std::vector<std::string> streams;
  for (Pending* p : batch) streams.push_back(p->stream);
  std::sort(streams.begin(), streams.end());  // one lock order for every node: no deadlocks
  streams.erase(std::unique(streams.begin(), streams.end()), streams.end());
  const std::vector<pg::Param> stream_array{pg::text_array(streams)};
  // The ledger head is locked after the streams, so every node takes the locks in one order.
  std::vector<pg::Statement> lock;
  lock.push_back(
      {"INSERT INTO streams (stream_id, version) SELECT s, 0 FROM unnest($1::text[]) "
       "AS s ON CONFLICT (stream_id) DO NOTHING",
       stream_array});
  lock.push_back(
      {"SELECT stream_id, version FROM streams WHERE stream_id = ANY($1::text[]) "
       "ORDER BY stream_id FOR UPDATE",
       stream_array});
  lock.push_back({"SELECT position, hash FROM ledger_head WHERE id = 1 FOR UPDATE", {}});
  // Read under the head lock, which every writer holds while it moves them: no race.
  std::vector<std::string> counters;
  for (Pending* p : batch) {
    for (auto& name : counters_charged(p->events)) counters.push_back(std::move(name));
  }
  std::sort(counters.begin(), counters.end());
  counters.erase(std::unique(counters.begin(), counters.end()), counters.end());
  if (!counters.empty()) {
    lock.push_back({"SELECT counter, value FROM ledger_counters WHERE counter = ANY($1::text[])",
                    {pg::text_array(counters)}});
  }
  // Not a temporary list in the co_await's arguments: GCC 12 cannot keep one in the frame.
  auto begun = co_await pg::Transaction::begin(conn, deadline(), std::move(lock));
  if (!begun) co_return std::unexpected(begun.error());
  const pg::Rows& locked = begun->rows[1];
  std::map<std::string, std::int64_t> heads;
  for (int i = 0; i < locked.size(); ++i) heads[locked.text(i, 0)] = locked.int64(i, 1);
  Counters book;
  if (!counters.empty()) {
    const pg::Rows& values = begun->rows[3];
    for (int i = 0; i < values.size(); ++i) book.set(values.text(i, 0), values.int64(i, 1));
  }
  const std::vector<Pending*> accepted = accept(batch, heads, book);
  if (accepted.empty()) co_return co_await begun->tx.commit(deadline());
  RecordedEvent last;
  last.position = begun->rows[2].int64(0, 0);
  last.hash = begun->rows[2].text(0, 1);
  std::vector<RecordedEvent> recorded = record(accepted, heads, last);
  std::vector<StreamHead> moved;
  for (const auto& [stream, version] : heads) moved.push_back({stream, version});
  std::vector<pg::Statement> write;
  write.push_back(write_statement(recorded, moved, recorded.back()));
  if (!counters.empty()) write.push_back(counters_statement(book, counters));
  auto written = co_await begun->tx.commit(std::move(write), deadline());
  if (!written) {
    // The outcome of a lost COMMIT is unknown: callers re-read their stream before going on.
    for (Pending* p : accepted) p->result.reset();
    co_return std::unexpected(written.error());
  }
  ++commits_;
  appends_committed_ += accepted.size();
  wake_subscribers(recorded.back().position);
  co_return pg::PgResult<void>{};
}

std::vector<PostgresStore::Pending*> PostgresStore::accept(
    const std::vector<Pending*>& batch, const std::map<std::string, std::int64_t>& locked,
    Counters& counters) {
  std::map<std::string, std::int64_t> versions = locked;  // as earlier appends leave them
  std::vector<Pending*> accepted;
  for (Pending* p : batch) {
    const std::int64_t current = versions[p->stream];
    if (p->expected_version != kAnyVersion && p->expected_version != current) {
      p->result = fail(ErrorKind::kConflict, "VERSION_CONFLICT",
                       "stream " + p->stream + " is at version " + std::to_string(current) +
                           ", expected " + std::to_string(p->expected_version));
      continue;
    }
    if (auto charged = counters.charge(p->events); !charged) {
      p->result = std::unexpected(charged.error());
      continue;
    }
    versions[p->stream] = current + static_cast<std::int64_t>(p->events.size());
    accepted.push_back(p);
  }
  return accepted;
}

std::vector<RecordedEvent> PostgresStore::record(const std::vector<Pending*>& accepted,
                                                 std::map<std::string, std::int64_t>& heads,
                                                 const RecordedEvent& last) {
  std::vector<RecordedEvent> recorded;
  std::int64_t position = last.position;
  std::string prev_hash = last.hash;
  const std::int64_t now_ms = clock_.now_ms();
  for (Pending* p : accepted) {
    AppendResult result;
    result.first_position = position + 1;
    result.recorded_at_ms = now_ms;
    for (auto& e : p->events) {
      RecordedEvent r;
      r.position = ++position;
      r.stream = p->stream;
      r.version = ++heads[p->stream];
      r.type = e.type;
      r.data = e.data;
      r.metadata = e.metadata;
      r.recorded_at_ms = now_ms;
      r.prev_hash = prev_hash;
      r.hash = compute_hash(r);
      prev_hash = r.hash;
      recorded.push_back(std::move(r));
    }
    result.last_position = position;
    result.stream_version = heads[p->stream];
    p->result = result;
  }
  return recorded;
}

pg::Statement PostgresStore::write_statement(const std::vector<RecordedEvent>& recorded,
                                             const std::vector<StreamHead>& heads,
                                             const RecordedEvent& last) {
  std::vector<pg::Param> params = kEvents.arrays(recorded);
  const int streams_from = static_cast<int>(params.size()) + 1;
  for (auto& array : kStreams.arrays(heads)) params.push_back(std::move(array));
  const std::string head_position = "$" + std::to_string(params.size() + 1);
  const std::string head_hash = "$" + std::to_string(params.size() + 2);
  params.emplace_back(std::to_string(last.position));
  params.emplace_back(last.hash);
  const std::string columns = kEvents.write_list();
  return pg::Statement{
      "WITH r AS (SELECT * FROM " + kEvents.unnest(1) +
          "), "
          "ix AS (INSERT INTO event_index (position, stream_id, version, recorded_at) "
          "  SELECT position, stream_id, version, recorded_at FROM r), "
          "ev AS (INSERT INTO events (" +
          columns + ") SELECT " + columns +
          " FROM r), "
          "st AS (UPDATE streams SET version = u.version FROM " +
          kStreams.unnest(streams_from, "u") +
          " WHERE streams.stream_id = u.stream_id), "
          "hd AS (UPDATE ledger_head SET position = " +
          head_position + ", hash = " + head_hash +
          " WHERE id = 1) "
          "SELECT pg_notify('upi_commits', " +
          head_position + "::text)",
      std::move(params)};
}

pg::Statement PostgresStore::counters_statement(const Counters& book,
                                                const std::vector<std::string>& counters) {
  std::vector<std::int64_t> values;
  for (const auto& name : counters) values.push_back(book.value(name));
  return pg::Statement{
      "INSERT INTO ledger_counters (counter, value) SELECT * FROM unnest($1::text[], "
      "$2::bigint[]) ON CONFLICT (counter) DO UPDATE SET value = excluded.value",
      {pg::text_array(counters), pg::int_array(values)}};
}

void PostgresStore::wake_subscribers(std::int64_t position) {
  if (closed_) return;  // after close() subscribers may already be gone
  for (auto& wake : wakers_) wake(position);
}

void PostgresStore::on_commit(std::function<void(std::int64_t)> wake) {
  wakers_.push_back(std::move(wake));
}

asio::awaitable<void> PostgresStore::listen_loop() {
  int retry_ms = 50;
  while (!closed_) {
    auto conn = co_await connect();
    bool listening = false;
    if (conn) listening = (co_await (*conn)->execute("LISTEN upi_commits", deadline())).has_value();
    if (listening) {
      retry_ms = 50;
      wake_subscribers(0);  // anything committed while not listening is re-read now
      while (!closed_ && !(*conn)->broken()) {
        auto notified = co_await (*conn)->wait_notifications(MonotonicClock::now() +
                                                             std::chrono::milliseconds(500));
        if (!notified) break;
        if (!notified->empty()) wake_subscribers(0);
      }
    }
    if (closed_) break;
    Timer pause(io_, std::chrono::milliseconds(retry_ms));
    co_await pause.async_wait(kTuple);
    retry_ms = std::min(retry_ms * 2, 2'000);
  }
}

asio::awaitable<Result<std::vector<RecordedEvent>>> PostgresStore::read(
    std::string sql, std::vector<pg::Param> params) {
  auto conn = co_await readers_.acquire();
  if (!conn) co_return std::unexpected(store_unavailable(conn.error()));
  auto rows = co_await (*conn)->query(std::move(sql), std::move(params), deadline());
  if (!rows) co_return std::unexpected(store_unavailable(rows.error()));
  std::vector<RecordedEvent> events;
  for (int i = 0; i < rows->size(); ++i) {
    auto e = kEvents.row(*rows, i);
    if (!e) {
      co_return fail(ErrorKind::kInternal, "STORE_CORRUPT",
                     "event row " + rows->text(i, 0) + " does not read back (JSON or numbers)");
    }
    events.push_back(std::move(*e));
  }
  co_return events;
}

asio::awaitable<Result<std::vector<RecordedEvent>>> PostgresStore::read_stream(
    std::string stream, std::int64_t from_version, std::size_t limit) {
  limit = std::min(limit, kReadLimitMax);
  std::vector<pg::Param> params{stream, std::to_string(from_version), std::to_string(limit)};
  co_return co_await read(
      "SELECT " + kEvents.read_list("e.") +
          " FROM event_index i JOIN events e "
          "ON e.position = i.position AND e.recorded_at = i.recorded_at "
          "WHERE i.stream_id = $1 AND i.version >= $2 ORDER BY i.version LIMIT $3",
      std::move(params));
}

asio::awaitable<Result<std::vector<RecordedEvent>>> PostgresStore::read_all(
    std::int64_t after_position, std::size_t limit) {
  if (after_position < 0) co_return fail(ErrorKind::kInvalid, "INVALID_READ", "after must be >= 0");
  limit = std::min(limit, kReadLimitMax);
  std::vector<pg::Param> params{std::to_string(after_position), std::to_string(limit)};
  co_return co_await read("SELECT " + kEvents.read_list() +
                              " FROM events WHERE position > $1 ORDER BY position LIMIT $2",
                          std::move(params));
}

asio::awaitable<Result<void>> PostgresStore::ensure_partitions() {
  auto conn = co_await readers_.acquire();
  if (!conn) co_return std::unexpected(store_unavailable(conn.error()));
  // Under the migration lock, so that nodes creating the same partition take turns.
  auto tx = co_await pg::Transaction::begin(**conn, deadline(),
                                            "BEGIN; SELECT pg_advisory_xact_lock(" +
                                                std::to_string(kMigrationLockId) +
                                                "); SET LOCAL client_min_messages = warning");
  if (!tx) co_return std::unexpected(store_unavailable(tx.error()));
  auto created = co_await (*tx)->execute(partition_sql(clock_.now_ms()), deadline());
  if (created) created = co_await tx->commit(deadline());
  if (!created) co_return std::unexpected(store_unavailable(created.error()));
  co_return Result<void>{};
}

asio::awaitable<void> PostgresStore::partition_loop() {
  while (!closed_) {
    maintenance_timer_.expires_after(
        std::chrono::milliseconds(config_.partition_check_interval_ms));
    co_await maintenance_timer_.async_wait(kTuple);
    if (closed_) break;
    auto ensured = co_await ensure_partitions();
    if (!ensured) spdlog::warn("cannot create partitions ahead: {}", ensured.error().message);
  }
}

void PostgresStore::close() {
  if (closed_) return;
  closed_ = true;  // the loops end at their next turn: the writer fails what is queued
  writer_wake_.cancel();
  maintenance_timer_.cancel();
}

asio::awaitable<void> PostgresStore::join() {
  co_await tasks_.join();
}

}  // namespace upi::ledger
