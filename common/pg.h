// PostgreSQL through libpq in non-blocking mode on Asio: the connection's socket is waited on
// by the event loop, and every wait has a deadline. Errors carry the server's SQLSTATE.
#pragma once

#include <libpq-fe.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace upi::pg {

namespace asio = boost::asio;
using Deadline = std::chrono::steady_clock::time_point;
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

class Connection {
 public:
  // Connects with a libpq conninfo string ("host=... dbname=..." or a postgresql:// URL).
  static asio::awaitable<PgResult<std::unique_ptr<Connection>>> connect(std::string conninfo,
                                                                        Deadline deadline);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with text parameters ($1, $2, ...); returns its rows.
  asio::awaitable<PgResult<Rows>> query(std::string sql, std::vector<Param> params,
                                        Deadline deadline);
  // Runs statements with no parameters (a script, BEGIN, COMMIT, LISTEN ...).
  asio::awaitable<PgResult<void>> execute(std::string sql, Deadline deadline);
  // Waits until the server sends something (a notification), or the deadline passes.
  // Returns the channels notified, empty on the deadline.
  asio::awaitable<PgResult<std::vector<std::string>>> wait_notifications(Deadline deadline);
  // True once the connection is unusable (lost, or abandoned mid-statement at a deadline).
  bool broken() const { return broken_; }

 private:
  Connection(asio::any_io_executor executor, PGconn* conn);
  asio::awaitable<PgResult<void>> wait(bool write, Deadline deadline);
  asio::awaitable<PgResult<std::vector<Rows>>> collect(Deadline deadline);
  PgError fail_connection(std::string code, std::string message);

  PGconn* conn_;
  asio::posix::stream_descriptor socket_;  // a dup of libpq's socket, for readiness only
  bool broken_ = false;
};

// A bounded pool of connections that all use one schema. Single-threaded (one event loop).
// The server ends a session that sits inside a transaction, waiting on its client, for longer
// than this: a client frozen mid-transaction (SIGSTOP, a stalled VM) must not hold row locks,
// such as the ledger head's, that every other node needs. Our transactions never wait on the
// client between statements, so only a frozen or dead client ever reaches it.
inline constexpr int kIdleInTransactionTimeoutMs = 2'000;

class Pool {
 public:
  Pool(std::string conninfo, std::string schema, std::size_t size_max, int timeout_ms)
      : conninfo_(std::move(conninfo)),
        schema_(std::move(schema)),
        size_max_(size_max),
        timeout_ms_(timeout_ms) {}

  // An idle connection, a new one while fewer than size_max are open, or the first one given
  // back before the timeout. Error codes: PG_UNAVAILABLE, PG_TIMEOUT, PG_BUSY.
  asio::awaitable<PgResult<std::unique_ptr<Connection>>> acquire();
  // Gives a connection back; a broken one is closed and frees its place.
  void release(std::unique_ptr<Connection> conn);
  // Runs one statement on a pooled connection (acquired, then given back).
  asio::awaitable<PgResult<Rows>> query(std::string sql, std::vector<Param> params);
  // A new connection outside the pool, with the schema on its search path and
  // kIdleInTransactionTimeoutMs in force.
  asio::awaitable<PgResult<std::unique_ptr<Connection>>> connect();
  Deadline deadline() const {
    return std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  }

 private:
  std::string conninfo_;
  std::string schema_;
  std::size_t size_max_;
  int timeout_ms_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle and in use
  std::multimap<Deadline, asio::steady_timer*> waiting_;
};

// Array literals for text parameters: {"a","b\"c"} and {1,2,3}.
std::string text_array(const std::vector<std::string>& items);
std::string int_array(const std::vector<std::int64_t>& items);

// Quotes a SQL identifier ("schema name").
std::string quote_identifier(const std::string& name);

}  // namespace upi::pg
