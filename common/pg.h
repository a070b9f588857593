// PostgreSQL through libpq in non-blocking mode on Asio: the connection's socket is waited on
// by the event loop, and every wait has a deadline. Errors carry the server's SQLSTATE.
#pragma once

#include <libpq-fe.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/async.h"
#include "common/error.h"
#include "common/timer.h"

namespace upi::pg {

namespace asio = boost::asio;
using Deadline = upi::Deadline;            // MonotonicClock, like every deadline in the switch
using Param = std::optional<std::string>;  // nullopt is SQL NULL

// Error codes: PG_UNAVAILABLE (connect failed, connection lost), PG_TIMEOUT (deadline passed:
// the connection is then broken), PG_ERROR (the server refused the statement; sqlstate set).
struct PgError {
  std::string code;
  std::string sqlstate;  // e.g. "40001", "23505"; empty when not from the server
  std::string message;
};

template <typename T>
using PgResult = std::expected<T, PgError>;

// The one mapping from a database failure to an Error with the caller's code (e.g.
// STORE_UNAVAILABLE): kBusy when every pooled connection is in use, kUnavailable otherwise
// (503: retry later). Message: "<what>: <libpq's words> (SQLSTATE xxxxx)".
Error to_error(const PgError& e, std::string code, std::string_view what);

// The rows of one statement's result.
class Rows {
 public:
  Rows() = default;  // no rows
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}
  int size() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column); }
  std::string text(int row, int column) const { return PQgetvalue(result_.get(), row, column); }
  std::int64_t int64(int row, int column) const;

 private:
  std::shared_ptr<PGresult> result_;
};

// One statement with its text parameters, for a pipeline.
struct Statement {
  std::string sql;
  std::vector<Param> params;
};

class Connection {
 public:
  // Connects with a libpq conninfo string ("host=... dbname=..." or a postgresql:// URL).
  static asio::awaitable<PgResult<std::unique_ptr<Connection>>> connect(std::string conninfo,
                                                                        Deadline deadline);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with text parameters ($1, $2, ...); returns its rows. The first
  // kPreparedStatementsMax distinct statements are prepared on first use (in the same round
  // trip) and reused, so the server parses and plans each once per connection.
  asio::awaitable<PgResult<Rows>> query(std::string sql, std::vector<Param> params,
                                        Deadline deadline);
  static constexpr std::size_t kPreparedStatementsMax = 128;
  // Runs the statements in one round trip (libpq's pipeline mode) and returns each one's rows,
  // in order. Inside a transaction a failing statement fails the ones after it, and the
  // first failure is returned; outside one they run as one implicit transaction.
  asio::awaitable<PgResult<std::vector<Rows>>> pipeline(std::vector<Statement> statements,
                                                        Deadline deadline);
  static constexpr std::size_t kPipelineStatementsMax = 1'024;
  // Runs statements with no parameters (a script, BEGIN, COMMIT, LISTEN ...).
  asio::awaitable<PgResult<void>> execute(std::string sql, Deadline deadline);
  // Waits until the server sends something (a notification), or the deadline passes.
  // Returns the channels notified, empty on the deadline.
  asio::awaitable<PgResult<std::vector<std::string>>> wait_notifications(Deadline deadline);
  // True once the connection is unusable (lost, abandoned mid-statement at a deadline, or left
  // inside a transaction that was never committed).
  bool broken() const { return broken_; }
  // Marks the connection unusable, so its owner closes it (the server then rolls back).
  void abandon() { broken_ = true; }

 private:
  Connection(asio::any_io_executor executor, PGconn* conn);
  asio::awaitable<PgResult<void>> wait(bool write, Deadline deadline);
  asio::awaitable<PgResult<std::vector<Rows>>> collect(Deadline deadline);
  // Sends everything libpq has queued.
  asio::awaitable<PgResult<void>> flush(Deadline deadline);
  // The next result (null at the end of a command), waiting for the server when needed.
  asio::awaitable<PgResult<PGresult*>> next_result(Deadline deadline);
  asio::awaitable<PgResult<std::vector<Rows>>> pipeline_results(
      const std::vector<bool>& is_prepare,
      const std::vector<std::pair<std::string, std::string>>& preparing, Deadline deadline);
  PgError statement_error(const PGresult* result) const;
  PgError fail_connection(std::string code, std::string message);

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // statement text -> name
  std::size_t statements_named_ = 0;
  asio::posix::stream_descriptor socket_;  // a dup of libpq's socket, for readiness only
  bool broken_ = false;
};

// A bounded pool of connections that all use one schema. Single-threaded (one event loop).
// Its connections plan each prepared statement once (generic plans) and never choose a
// sequential scan where an index serves: every statement here is a keyed lookup or write, and
// a plan made while a fresh database's tables were empty would otherwise keep scanning them
// whole as they grow (measured: 736, 620, 488 payments/s in three runs in a row).
// The server ends a session that sits inside a transaction, waiting on its client, for longer
// than this: a client frozen mid-transaction (SIGSTOP, a stalled VM) must not hold row locks,
// such as the ledger head's, that every other node needs. Our transactions never wait on the
// client between statements, so only a frozen or dead client ever reaches it.
inline constexpr int kIdleInTransactionTimeoutMs = 2'000;

class Pool;

// A connection lent by a pool: given back when this goes out of scope, or closed (freeing its
// place) if it broke. Nobody releases a pooled connection by hand.
class PooledConnection {
 public:
  PooledConnection(Pool& pool, std::unique_ptr<Connection> conn)
      : pool_(&pool), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&& other) noexcept = default;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();
  Connection* operator->() const { return conn_.get(); }
  Connection& operator*() const { return *conn_; }

 private:
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
};

// BEGIN ... COMMIT on one connection. A transaction that ends without a successful commit()
// abandons its connection (closed when given back; the server rolls back), so no error path
// needs a ROLLBACK of its own, and a half-done transaction can never be reused.
class Transaction {
 public:
  // Sends begin_sql ("BEGIN", or BEGIN with SET LOCALs and locks) on conn.
  static asio::awaitable<PgResult<Transaction>> begin(Connection& conn, Deadline deadline,
                                                      std::string begin_sql = "BEGIN");
  Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    if (conn_ != nullptr) conn_->abandon();
  }
  Connection* operator->() const { return conn_; }
  Connection& operator*() const { return *conn_; }
  // Commits; afterwards the connection is free for reuse. On failure the outcome is unknown
  // (a lost COMMIT may have applied): callers must re-read before going on.
  asio::awaitable<PgResult<void>> commit(Deadline deadline);
  // BEGIN and the first statements in one round trip (one pipeline): the transaction and each
  // statement's rows.
  struct Begun;
  static asio::awaitable<PgResult<Begun>> begin(Connection& conn, Deadline deadline,
                                                std::vector<Statement> first);
  // The last statements and COMMIT in one round trip: each statement's rows. On failure the
  // outcome is unknown, as for commit().
  asio::awaitable<PgResult<std::vector<Rows>>> commit(std::vector<Statement> last,
                                                      Deadline deadline);
  // BEGIN, the statements and COMMIT in one round trip: each statement's rows. On failure the
  // connection is abandoned and the outcome unknown (a lost COMMIT may have applied), so a
  // caller that retries must be idempotent.
  static asio::awaitable<PgResult<std::vector<Rows>>> run(Connection& conn,
                                                          std::vector<Statement> statements,
                                                          Deadline deadline);

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}
  Connection* conn_;  // null once committed or moved from
};

struct Transaction::Begun {
  Transaction tx;
  std::vector<Rows> rows;
};

class Pool {
 public:
  Pool(std::string conninfo, std::string schema, std::size_t size_max, int timeout_ms)
      : conninfo_(std::move(conninfo)),
        schema_(std::move(schema)),
        timeout_ms_(timeout_ms),
        permits_(size_max) {}

  // An idle connection, a new one while fewer than size_max are open, or the first one given
  // back before the timeout. Error codes: PG_UNAVAILABLE, PG_TIMEOUT, PG_BUSY.
  asio::awaitable<PgResult<PooledConnection>> acquire();
  // Runs one statement on a pooled connection (acquired, then given back).
  asio::awaitable<PgResult<Rows>> query(std::string sql, std::vector<Param> params);
  // A new connection outside the pool, with the schema on its search path and
  // kIdleInTransactionTimeoutMs in force.
  asio::awaitable<PgResult<std::unique_ptr<Connection>>> connect();
  Deadline deadline() const { return deadline_after_ms(timeout_ms_); }

 private:
  friend class PooledConnection;
  // Takes a connection back; a broken one is closed and frees its place.
  void release(std::unique_ptr<Connection> conn);

  std::string conninfo_;
  std::string schema_;
  int timeout_ms_;
  std::vector<std::unique_ptr<Connection>> idle_;
  Semaphore permits_;  // one per connection lent out or being opened
};

// One change to a schema, named by the module that owns the tables and a sequence number
// ("ledger/1", "banks/1"). The list of every module's migrations is switch/migrations.h.
struct Migration {
  std::string id;
  std::string sql;
};

// Creates schema if missing and applies, in list order, every migration it has not seen,
// then after_sql, all in one transaction under an advisory lock (nodes that start at once take
// turns); each applied id is recorded in the schema's migrations table.
asio::awaitable<PgResult<void>> migrate(Connection& conn, const std::string& schema,
                                        const std::vector<Migration>& migrations,
                                        const std::string& after_sql, Deadline deadline);

// Array literals for text parameters: {"a","b\"c"} and {1,2,3}.
std::string text_array(const std::vector<std::string>& items);
std::string int_array(const std::vector<std::int64_t>& items);

// Quotes a SQL identifier ("schema name").
std::string quote_identifier(const std::string& name);

}  // namespace upi::pg
