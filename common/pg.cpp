#include "common/pg.h"

#include <algorithm>
#include <set>
#include <utility>

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>

namespace upi::pg {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Waits for the socket to be ready in one direction, or for the deadline. The two waits race
// inside this coroutine and the loser is cancelled and finished before it returns, so no
// handler outlives the frame (a separate timer handler once wrote into a freed frame when the
// deadline and the socket fired together).
asio::awaitable<bool> ready_before(asio::posix::stream_descriptor& socket, bool write,
                                   Deadline deadline) {
  using namespace asio::experimental::awaitable_operators;
  Timer timer(socket.get_executor(), deadline);
  auto first = co_await (socket.async_wait(write ? asio::posix::stream_descriptor::wait_write
                                                 : asio::posix::stream_descriptor::wait_read,
                                           kTuple) ||
                         timer.async_wait(kTuple));
  if (first.index() != 0) co_return false;  // the deadline came first
  auto [ec] = std::get<0>(first);
  co_return !ec;
}

}  // namespace

Error to_error(const PgError& e, std::string code, std::string_view what) {
  const ErrorKind kind = e.code == "PG_BUSY" ? ErrorKind::kBusy : ErrorKind::kUnavailable;
  std::string message = std::string(what) + ": " + e.message;
  if (!e.sqlstate.empty()) message += " (SQLSTATE " + e.sqlstate + ")";
  return Error{kind, std::move(code), std::move(message)};
}

std::int64_t Rows::int64(int row, int column) const {
  return std::stoll(PQgetvalue(result_.get(), row, column));
}

Connection::Connection(asio::any_io_executor executor, PGconn* conn)
    : conn_(conn), socket_(executor, ::dup(PQsocket(conn))) {}

Connection::~Connection() {
  boost::system::error_code ec;
  socket_.close(ec);
  PQfinish(conn_);
}

PgError Connection::fail_connection(std::string code, std::string message) {
  broken_ = true;
  return PgError{std::move(code), "", std::move(message)};
}

asio::awaitable<PgResult<std::unique_ptr<Connection>>> Connection::connect(std::string conninfo,
                                                                           Deadline deadline) {
  auto executor = co_await asio::this_coro::executor;
  PGconn* conn = PQconnectStart(conninfo.c_str());
  if (conn == nullptr) co_return std::unexpected(PgError{"PG_UNAVAILABLE", "", "out of memory"});
  std::unique_ptr<PGconn, decltype(&PQfinish)> guard(conn, &PQfinish);
  for (PostgresPollingStatusType status = PGRES_POLLING_WRITING;;) {
    if (PQstatus(conn) == CONNECTION_BAD) {
      co_return std::unexpected(PgError{"PG_UNAVAILABLE", "", trimmed(PQerrorMessage(conn))});
    }
    if (status == PGRES_POLLING_OK) break;
    // libpq may switch sockets while connecting (several hosts), so wait on a fresh dup.
    asio::posix::stream_descriptor socket(executor, ::dup(PQsocket(conn)));
    const bool ready = co_await ready_before(socket, status == PGRES_POLLING_WRITING, deadline);
    if (!ready) co_return std::unexpected(PgError{"PG_TIMEOUT", "", "connect: deadline passed"});
    status = PQconnectPoll(conn);
    if (status == PGRES_POLLING_FAILED) {
      co_return std::unexpected(PgError{"PG_UNAVAILABLE", "", trimmed(PQerrorMessage(conn))});
    }
  }
  if (PQsetnonblocking(conn, 1) != 0) {
    co_return std::unexpected(PgError{"PG_UNAVAILABLE", "", trimmed(PQerrorMessage(conn))});
  }
  co_return std::unique_ptr<Connection>(new Connection(executor, guard.release()));
}

asio::awaitable<PgResult<void>> Connection::wait(bool write, Deadline deadline) {
  // The result goes to a variable first: GCC 12 miscompiles co_await inside an if condition.
  const bool ready = co_await ready_before(socket_, write, deadline);
  if (!ready) {
    co_return std::unexpected(fail_connection("PG_TIMEOUT", "no answer before the deadline"));
  }
  co_return PgResult<void>{};
}

asio::awaitable<PgResult<void>> Connection::flush(Deadline deadline) {
  for (;;) {
    // Reading what the server has sent meanwhile keeps it from blocking on a full socket
    // while this side still writes (a pipeline's early results).
    if (PQconsumeInput(conn_) == 0) {
      co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
    }
    const int flushed = PQflush(conn_);
    if (flushed < 0)
      co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
    if (flushed == 0) co_return PgResult<void>{};
    if (auto ok = co_await wait(true, deadline); !ok) co_return std::unexpected(ok.error());
  }
}

asio::awaitable<PgResult<PGresult*>> Connection::next_result(Deadline deadline) {
  for (;;) {
    if (PQconsumeInput(conn_) == 0) {
      co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
    }
    if (!PQisBusy(conn_)) co_return PQgetResult(conn_);
    if (auto ok = co_await wait(false, deadline); !ok) co_return std::unexpected(ok.error());
  }
}

PgError Connection::statement_error(const PGresult* result) const {
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return PgError{"PG_ERROR", sqlstate ? sqlstate : "", trimmed(PQresultErrorMessage(result))};
}

// Sends what is queued, then reads results until libpq has none left.
asio::awaitable<PgResult<std::vector<Rows>>> Connection::collect(Deadline deadline) {
  if (auto sent = co_await flush(deadline); !sent) co_return std::unexpected(sent.error());
  std::vector<Rows> results;
  std::optional<PgError> error;
  for (;;) {
    auto result = co_await next_result(deadline);
    if (!result) co_return std::unexpected(result.error());
    if (*result == nullptr) break;
    if (PQresultStatus(*result) == PGRES_FATAL_ERROR && !error) error = statement_error(*result);
    results.emplace_back(*result);
  }
  if (PQstatus(conn_) == CONNECTION_BAD) {
    co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
  }
  if (error) co_return std::unexpected(*error);
  co_return results;
}

asio::awaitable<PgResult<Rows>> Connection::query(std::string sql, std::vector<Param> params,
                                                  Deadline deadline) {
  std::vector<Statement> one;
  one.push_back(Statement{std::move(sql), std::move(params)});
  auto rows = co_await pipeline(std::move(one), deadline);
  if (!rows) co_return std::unexpected(rows.error());
  assert(rows->size() == 1);
  co_return std::move(rows->front());
}

asio::awaitable<PgResult<std::vector<Rows>>> Connection::pipeline(std::vector<Statement> statements,
                                                                  Deadline deadline) {
  assert(!broken_);
  assert(statements.size() <= kPipelineStatementsMax);
  if (PQenterPipelineMode(conn_) == 0) {
    co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
  }
  std::vector<std::pair<std::string, std::string>> preparing;  // text, name: Prepares sent here
  std::vector<bool> is_prepare;                                // per command sent
  for (const Statement& statement : statements) {
    std::vector<const char*> values;
    for (const auto& p : statement.params) values.push_back(p ? p->c_str() : nullptr);
    const int count = static_cast<int>(values.size());
    std::string name;
    if (auto it = prepared_.find(statement.sql); it != prepared_.end()) {
      name = it->second;
    } else if (auto at = std::find_if(preparing.begin(), preparing.end(),
                                      [&](const auto& p) { return p.first == statement.sql; });
               at != preparing.end()) {
      name = at->second;
    } else if (prepared_.size() + preparing.size() < kPreparedStatementsMax) {
      name = "upi_" + std::to_string(++statements_named_);
      preparing.emplace_back(statement.sql, name);
      is_prepare.push_back(true);
      if (!PQsendPrepare(conn_, name.c_str(), statement.sql.c_str(), count, nullptr)) {
        co_return std::unexpected(
            fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
      }
    }
    is_prepare.push_back(false);
    const int sent = name.empty() ? PQsendQueryParams(conn_, statement.sql.c_str(), count, nullptr,
                                                      values.data(), nullptr, nullptr, 0)
                                  : PQsendQueryPrepared(conn_, name.c_str(), count, values.data(),
                                                        nullptr, nullptr, 0);
    if (!sent) {
      co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
    }
  }
  if (PQpipelineSync(conn_) == 0) {
    co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
  }
  if (auto sent = co_await flush(deadline); !sent) co_return std::unexpected(sent.error());
  co_return co_await pipeline_results(is_prepare, preparing, deadline);
}

asio::awaitable<PgResult<std::vector<Rows>>> Connection::pipeline_results(
    const std::vector<bool>& is_prepare,
    const std::vector<std::pair<std::string, std::string>>& preparing, Deadline deadline) {
  std::vector<Rows> rows;
  std::optional<PgError> error;
  std::size_t prepared_now = 0;
  for (const bool prepare : is_prepare) {
    Rows last;
    for (;;) {  // a command's results end with a null result
      auto result = co_await next_result(deadline);
      if (!result) co_return std::unexpected(result.error());
      if (*result == nullptr) break;
      const auto status = PQresultStatus(*result);
      if (status == PGRES_FATAL_ERROR && !error) error = statement_error(*result);
      // A Prepare that succeeded exists on the server even when a later command fails.
      if (prepare && status == PGRES_COMMAND_OK) {
        prepared_.insert(preparing[prepared_now]);
      }
      last = Rows(*result);
    }
    if (prepare) {
      ++prepared_now;
    } else {
      rows.push_back(std::move(last));
    }
  }
  for (;;) {  // then the sync point
    auto result = co_await next_result(deadline);
    if (!result) co_return std::unexpected(result.error());
    if (*result == nullptr) continue;
    const bool synced = PQresultStatus(*result) == PGRES_PIPELINE_SYNC;
    PQclear(*result);
    if (synced) break;
  }
  if (PQexitPipelineMode(conn_) == 0) {
    co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
  }
  if (error) co_return std::unexpected(*error);
  co_return rows;
}

asio::awaitable<PgResult<void>> Connection::execute(std::string sql, Deadline deadline) {
  assert(!broken_);
  if (!PQsendQuery(conn_, sql.c_str())) {
    co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
  }
  auto results = co_await collect(deadline);
  if (!results) co_return std::unexpected(results.error());
  co_return PgResult<void>{};
}

asio::awaitable<PgResult<std::vector<std::string>>> Connection::wait_notifications(
    Deadline deadline) {
  std::vector<std::string> channels;
  for (;;) {
    if (PQconsumeInput(conn_) == 0) {
      co_return std::unexpected(fail_connection("PG_UNAVAILABLE", trimmed(PQerrorMessage(conn_))));
    }
    while (PGnotify* n = PQnotifies(conn_)) {
      channels.emplace_back(n->relname);
      PQfreemem(n);
    }
    if (!channels.empty()) co_return channels;
    const bool ready = co_await ready_before(socket_, false, deadline);
    if (!ready) co_return channels;  // the deadline passed with nothing new
  }
}

asio::awaitable<PgResult<std::unique_ptr<Connection>>> Pool::connect() {
  auto conn = co_await Connection::connect(conninfo_, deadline());
  if (!conn) co_return std::unexpected(conn.error());
  auto set = co_await (*conn)->execute("SET search_path TO " + quote_identifier(schema_) +
                                           "; SET idle_in_transaction_session_timeout = " +
                                           std::to_string(kIdleInTransactionTimeoutMs) +
                                           "; SET plan_cache_mode = force_generic_plan"
                                           "; SET enable_seqscan = off",
                                       deadline());
  if (!set) co_return std::unexpected(set.error());
  co_return std::move(*conn);
}

PooledConnection::~PooledConnection() {
  if (conn_) pool_->release(std::move(conn_));
}

asio::awaitable<PgResult<Transaction>> Transaction::begin(Connection& conn, Deadline deadline,
                                                          std::string begin_sql) {
  Transaction tx(conn);  // abandons the connection unless committed, even if BEGIN fails
  auto begun = co_await conn.execute(std::move(begin_sql), deadline);
  if (!begun) co_return std::unexpected(begun.error());
  co_return std::move(tx);
}

asio::awaitable<PgResult<void>> Transaction::commit(Deadline deadline) {
  assert(conn_ != nullptr && "a transaction commits once");
  auto committed = co_await conn_->execute("COMMIT", deadline);
  if (committed) conn_ = nullptr;  // ended cleanly: the connection may be reused
  co_return committed;
}

asio::awaitable<PgResult<Transaction::Begun>> Transaction::begin(Connection& conn,
                                                                 Deadline deadline,
                                                                 std::vector<Statement> first) {
  Transaction tx(conn);  // abandons the connection unless committed, even if BEGIN fails
  first.insert(first.begin(), Statement{"BEGIN", {}});
  auto rows = co_await conn.pipeline(std::move(first), deadline);
  if (!rows) co_return std::unexpected(rows.error());
  rows->erase(rows->begin());
  co_return Begun{std::move(tx), std::move(*rows)};
}

asio::awaitable<PgResult<std::vector<Rows>>> Transaction::commit(std::vector<Statement> last,
                                                                 Deadline deadline) {
  assert(conn_ != nullptr && "a transaction commits once");
  last.push_back(Statement{"COMMIT", {}});
  auto rows = co_await conn_->pipeline(std::move(last), deadline);
  if (!rows) co_return std::unexpected(rows.error());
  conn_ = nullptr;  // ended cleanly: the connection may be reused
  rows->pop_back();
  co_return std::move(*rows);
}

asio::awaitable<PgResult<std::vector<Rows>>> Transaction::run(Connection& conn,
                                                              std::vector<Statement> statements,
                                                              Deadline deadline) {
  Transaction tx(conn);  // abandons the connection unless the commit goes through
  statements.insert(statements.begin(), Statement{"BEGIN", {}});
  auto rows = co_await tx.commit(std::move(statements), deadline);
  if (!rows) co_return std::unexpected(rows.error());
  rows->erase(rows->begin());
  co_return std::move(*rows);
}

asio::awaitable<PgResult<PooledConnection>> Pool::acquire() {
  const bool permitted = co_await permits_.acquire(deadline());
  if (!permitted)
    co_return std::unexpected(PgError{"PG_BUSY", "", "every pooled connection is in use"});
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    co_return PooledConnection(*this, std::move(conn));
  }
  auto fresh = co_await connect();
  if (!fresh) {
    permits_.release();
    co_return std::unexpected(fresh.error());
  }
  co_return PooledConnection(*this, std::move(*fresh));
}

void Pool::release(std::unique_ptr<Connection> conn) {
  if (!conn->broken()) idle_.push_back(std::move(conn));  // a broken one is closed here
  permits_.release();
}

asio::awaitable<PgResult<Rows>> Pool::query(std::string sql, std::vector<Param> params) {
  auto conn = co_await acquire();
  if (!conn) co_return std::unexpected(conn.error());
  co_return co_await (*conn)->query(std::move(sql), std::move(params), deadline());
}

namespace {
constexpr std::int64_t kMigrationLockId = 7'424'242;  // pg_advisory_xact_lock key
}  // namespace

asio::awaitable<PgResult<void>> migrate(Connection& conn, const std::string& schema,
                                        const std::vector<Migration>& migrations,
                                        const std::string& after_sql, Deadline deadline) {
  const std::string quoted = quote_identifier(schema);
  // Databases made before the registry kept the ledger's numbered versions in
  // schema_migrations: those count as ledger/<n>.
  auto tx = co_await Transaction::begin(
      conn, deadline,
      "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockId) +
          "); SET LOCAL client_min_messages = warning; CREATE SCHEMA IF NOT EXISTS " + quoted +
          "; SET LOCAL search_path TO " + quoted +
          "; CREATE TABLE IF NOT EXISTS migrations (id text PRIMARY KEY, "
          "applied_at timestamptz NOT NULL DEFAULT now()); "
          "DO $$ BEGIN IF to_regclass('schema_migrations') IS NOT NULL THEN "
          "INSERT INTO migrations (id) SELECT 'ledger/' || version FROM schema_migrations "
          "ON CONFLICT DO NOTHING; END IF; END $$");
  if (!tx) co_return std::unexpected(tx.error());
  auto applied = co_await (*tx)->query("SELECT id FROM migrations", {}, deadline);
  if (!applied) co_return std::unexpected(applied.error());
  std::set<std::string> done;
  for (int i = 0; i < applied->size(); ++i) done.insert(applied->text(i, 0));
  std::string sql;
  for (const auto& m : migrations) {
    if (done.contains(m.id)) continue;
    sql += m.sql + ";\nINSERT INTO migrations (id) VALUES ('" + m.id + "');\n";
  }
  sql += after_sql;
  if (!sql.empty()) {
    auto ran = co_await (*tx)->execute(sql, deadline);
    if (!ran) co_return std::unexpected(ran.error());
  }
  co_return co_await tx->commit(deadline);
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i > 0 ? ",\"" : "\"";
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string int_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i > 0 ? "," : "") + std::to_string(items[i]);
  return out + "}";
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace upi::pg
