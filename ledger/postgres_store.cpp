#include "ledger/postgres_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
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
constexpr char kColumns[] =
    "position, stream_id, version, type, data, metadata, recorded_at_ms, prev_hash, hash";

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

Result<RecordedEvent> row_to_event(const pg::Rows& rows, int i) {
  RecordedEvent e;
  e.position = rows.int64(i, 0);
  e.stream = rows.text(i, 1);
  e.version = rows.int64(i, 2);
  e.type = rows.text(i, 3);
  auto data = parse_json_object(rows.text(i, 4), 64);
  auto meta = parse_json_object(rows.text(i, 5), 4);
  if (!data || !meta)
    return fail(ErrorKind::kInternal, "STORE_CORRUPT",
                "event " + std::to_string(e.position) + " is not valid JSON");
  e.data = std::move(*data);
  e.metadata = metadata_from_json(*meta);
  e.recorded_at_ms = rows.int64(i, 6);
  e.prev_hash = rows.text(i, 7);
  e.hash = rows.text(i, 8);
  return e;
}

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
          {"ledger/2", postgres_views_migration()}};
}

struct PostgresStore::Pending {
  std::string stream;
  std::int64_t expected_version;
  std::vector<NewEvent> events;
  std::optional<Result<AppendResult>> result;
  Timer done;
};

PostgresStore::PostgresStore(asio::io_context& io, const Clock& clock, PostgresConfig config)
    : io_(io),
      clock_(clock),
      config_(std::move(config)),
      writer_wake_(io),
      maintenance_timer_(io),
      readers_(config_.conninfo, config_.schema, config_.readers_max,
               config_.statement_timeout_ms) {}

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
  asio::co_spawn(io, store->write_loop(), asio::detached);
  asio::co_spawn(io, store->listen_loop(), asio::detached);
  asio::co_spawn(io, store->partition_loop(), asio::detached);
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
                  Timer(io_, Timer::time_point::max())};
  queue_.push_back(&pending);
  writer_wake_.cancel();
  while (!pending.result) co_await pending.done.async_wait(kTuple);
  co_return std::move(*pending.result);
}

asio::awaitable<void> PostgresStore::write_loop() {
  ++loops_running_;
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
        error = store_unavailable(ok.error());
        if (!conn->broken()) co_await conn->execute("ROLLBACK", deadline());
        // 23514: no partition holds the row (the clock passed the partitions made ahead).
        if (ok.error().sqlstate == "23514") {
          asio::co_spawn(io_, ensure_partitions(), asio::detached);
        }
      }
    }
    for (Pending* p : batch) {
      if (!p->result) p->result = std::unexpected(*error);
      p->done.cancel();
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
    p->done.cancel();
  }
  queue_.clear();
  --loops_running_;
}

asio::awaitable<pg::PgResult<void>> PostgresStore::commit_batch(pg::Connection& conn,
                                                                std::vector<Pending*>& batch) {
  std::vector<std::string> streams;
  for (Pending* p : batch) streams.push_back(p->stream);
  std::sort(streams.begin(), streams.end());  // one lock order for every node: no deadlocks
  streams.erase(std::unique(streams.begin(), streams.end()), streams.end());
  const std::vector<pg::Param> stream_array{pg::text_array(streams)};
  if (auto ok = co_await conn.execute("BEGIN", deadline()); !ok)
    co_return std::unexpected(ok.error());
  auto created = co_await conn.query(
      "INSERT INTO streams (stream_id, version) SELECT s, 0 FROM unnest($1::text[]) AS s "
      "ON CONFLICT (stream_id) DO NOTHING",
      stream_array, deadline());
  if (!created) co_return std::unexpected(created.error());
  auto heads = co_await conn.query(
      "SELECT stream_id, version FROM streams WHERE stream_id = ANY($1::text[]) "
      "ORDER BY stream_id FOR UPDATE",
      stream_array, deadline());
  if (!heads) co_return std::unexpected(heads.error());
  std::map<std::string, std::int64_t> versions;
  for (int i = 0; i < heads->size(); ++i) versions[heads->text(i, 0)] = heads->int64(i, 1);

  std::vector<Pending*> accepted;
  for (Pending* p : batch) {
    const std::int64_t current = versions[p->stream];
    if (p->expected_version != kAnyVersion && p->expected_version != current) {
      p->result = fail(ErrorKind::kConflict, "VERSION_CONFLICT",
                       "stream " + p->stream + " is at version " + std::to_string(current) +
                           ", expected " + std::to_string(p->expected_version));
      continue;
    }
    versions[p->stream] = current + static_cast<std::int64_t>(p->events.size());
    accepted.push_back(p);
  }
  if (accepted.empty()) co_return co_await conn.execute("COMMIT", deadline());

  // The ledger head is locked last, so concurrent writers queue only for the shortest time.
  const std::vector<pg::Param> no_params;
  auto head = co_await conn.query("SELECT position, hash FROM ledger_head WHERE id = 1 FOR UPDATE",
                                  no_params, deadline());
  if (!head) co_return std::unexpected(head.error());
  std::int64_t position = head->int64(0, 0);
  std::string prev_hash = head->text(0, 1);
  std::vector<std::int64_t> positions, stream_versions, recorded_ms, head_versions;
  std::vector<std::string> stream_ids, types, datas, metas, recorded_at, prevs, hashes,
      head_streams;
  // Recompute each stream's starting version from the locked heads, in batch order.
  std::map<std::string, std::int64_t> running;
  for (int i = 0; i < heads->size(); ++i) running[heads->text(i, 0)] = heads->int64(i, 1);
  const std::int64_t now_ms = clock_.now_ms();
  for (Pending* p : accepted) {
    AppendResult result;
    result.first_position = position + 1;
    for (auto& e : p->events) {
      RecordedEvent r;
      r.position = ++position;
      r.stream = p->stream;
      r.version = ++running[p->stream];
      r.type = e.type;
      r.data = e.data;
      r.metadata = e.metadata;
      r.recorded_at_ms = now_ms;
      r.prev_hash = prev_hash;
      r.hash = compute_hash(r);
      prev_hash = r.hash;
      positions.push_back(r.position);
      stream_ids.push_back(r.stream);
      stream_versions.push_back(r.version);
      types.push_back(r.type);
      datas.push_back(to_json(r.data));
      metas.push_back(to_json(metadata_to_json(r.metadata)));
      recorded_ms.push_back(now_ms);
      recorded_at.push_back(format_timestamp(now_ms));
      prevs.push_back(r.prev_hash);
      hashes.push_back(r.hash);
    }
    result.last_position = position;
    result.stream_version = running[p->stream];
    p->result = result;
  }
  for (const auto& [stream, v] : running) {
    head_streams.push_back(stream);
    head_versions.push_back(v);
  }
  const std::vector<pg::Param> columns{pg::int_array(positions),       pg::text_array(stream_ids),
                                       pg::int_array(stream_versions), pg::text_array(recorded_at),
                                       pg::text_array(types),          pg::text_array(datas),
                                       pg::text_array(metas),          pg::int_array(recorded_ms),
                                       pg::text_array(prevs),          pg::text_array(hashes),
                                       pg::text_array(head_streams),   pg::int_array(head_versions),
                                       std::to_string(position),       prev_hash};
  auto written = co_await conn.query(
      "WITH ix AS (INSERT INTO event_index (position, stream_id, version, recorded_at) "
      "  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::timestamptz[])), "
      "ev AS (INSERT INTO events (position, stream_id, version, type, data, metadata, "
      "recorded_at_ms, "
      "  recorded_at, prev_hash, hash) SELECT * FROM unnest($1::bigint[], $2::text[], "
      "$3::bigint[], "
      "  $5::text[], $6::text[], $7::text[], $8::bigint[], $4::timestamptz[], $9::text[], "
      "$10::text[])), "
      "st AS (UPDATE streams SET version = u.version FROM unnest($11::text[], $12::bigint[]) "
      "  AS u(stream_id, version) WHERE streams.stream_id = u.stream_id), "
      "hd AS (UPDATE ledger_head SET position = $13, hash = $14 WHERE id = 1) "
      "SELECT pg_notify('upi_commits', $13::text)",
      columns, deadline());
  if (!written) {
    for (Pending* p : accepted) p->result.reset();
    co_return std::unexpected(written.error());
  }
  auto committed = co_await conn.execute("COMMIT", deadline());
  if (!committed) {
    // The outcome of a lost COMMIT is unknown: callers re-read their stream before going on.
    for (Pending* p : accepted) p->result.reset();
    co_return std::unexpected(committed.error());
  }
  ++commits_;
  appends_committed_ += accepted.size();
  wake_subscribers(position);
  co_return pg::PgResult<void>{};
}

void PostgresStore::wake_subscribers(std::int64_t position) {
  if (closed_) return;  // after close() subscribers may already be gone
  for (auto& wake : wakers_) wake(position);
}

void PostgresStore::on_commit(std::function<void(std::int64_t)> wake) {
  wakers_.push_back(std::move(wake));
}

asio::awaitable<void> PostgresStore::listen_loop() {
  ++loops_running_;
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
  --loops_running_;
}

asio::awaitable<Result<std::vector<RecordedEvent>>> PostgresStore::read(
    std::string sql, std::vector<pg::Param> params) {
  auto conn = co_await readers_.acquire();
  if (!conn) co_return std::unexpected(store_unavailable(conn.error()));
  auto rows = co_await (*conn)->query(std::move(sql), std::move(params), deadline());
  if (!rows) co_return std::unexpected(store_unavailable(rows.error()));
  std::vector<RecordedEvent> events;
  for (int i = 0; i < rows->size(); ++i) {
    auto e = row_to_event(*rows, i);
    if (!e) co_return std::unexpected(e.error());
    events.push_back(std::move(*e));
  }
  co_return events;
}

asio::awaitable<Result<std::vector<RecordedEvent>>> PostgresStore::read_stream(
    std::string stream, std::int64_t from_version, std::size_t limit) {
  limit = std::min(limit, kReadLimitMax);
  std::vector<pg::Param> params{stream, std::to_string(from_version), std::to_string(limit)};
  co_return co_await read(
      std::string("SELECT ") +
          "e.position, e.stream_id, e.version, e.type, e.data, e.metadata, "
          "e.recorded_at_ms, e.prev_hash, e.hash FROM event_index i JOIN events e "
          "ON e.position = i.position AND e.recorded_at = i.recorded_at "
          "WHERE i.stream_id = $1 AND i.version >= $2 ORDER BY i.version LIMIT $3",
      std::move(params));
}

asio::awaitable<Result<std::vector<RecordedEvent>>> PostgresStore::read_all(
    std::int64_t after_position, std::size_t limit) {
  if (after_position < 0) co_return fail(ErrorKind::kInvalid, "INVALID_READ", "after must be >= 0");
  limit = std::min(limit, kReadLimitMax);
  std::vector<pg::Param> params{std::to_string(after_position), std::to_string(limit)};
  co_return co_await read(std::string("SELECT ") + kColumns +
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
  ++loops_running_;
  while (!closed_) {
    maintenance_timer_.expires_after(
        std::chrono::milliseconds(config_.partition_check_interval_ms));
    co_await maintenance_timer_.async_wait(kTuple);
    if (closed_) break;
    auto ensured = co_await ensure_partitions();
    if (!ensured) spdlog::warn("cannot create partitions ahead: {}", ensured.error().message);
  }
  --loops_running_;
}

void PostgresStore::close() {
  if (closed_) return;
  closed_ = true;
  writer_wake_.cancel();
  maintenance_timer_.cancel();
}

}  // namespace upi::ledger
