// The switch as one object: world, scheme, ledger, banks, PSPs, saga engine, read views and
// the REST API over HTTP, all on one event loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "banks/bank_network.h"
#include "common/clock.h"
#include "common/http_server.h"
#include "common/ids.h"
#include "common/pg.h"
#include "common/router.h"
#include "ledger/memory_store.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"
#include "psp/registry.h"
#include "sagas/node_lease.h"
#include "sagas/payment_saga.h"
#include "switch/idempotency.h"
#include "switch/metrics.h"
#include "switch/options.h"

namespace upi::api {

namespace asio = boost::asio;
using http::Params;
using http::parse_target;
using http::Request;
using http::Response;
using http::Router;

inline constexpr std::size_t kLedgerStreamsMax = 64;

class SwitchApp {
 public:
  // Loads the world and scheme and wires every part. Error codes: INVALID_WORLD,
  // INVALID_SCHEME, FILE_UNREADABLE, UNSUPPORTED_BANK.
  static Result<std::unique_ptr<SwitchApp>> create(asio::io_context& io, const Options& options);

  // Takes the node's lease (durable mode), folds the ledger into the read views and the
  // idempotency keys, resumes every payment that is this node's or whose owner's lease has
  // lapsed, then listens; recovery repeats every half lease. Error codes: STORE_UNAVAILABLE,
  // NODE_ID_IN_USE, LISTEN_FAILED.
  Result<asio::ip::tcp::endpoint> start();
  // Durable mode: empties the read views and folds the whole ledger into them again, in one
  // transaction. Returns the position reached. Error codes: STORE_UNAVAILABLE, USAGE.
  Result<std::int64_t> rebuild_views();
  // Stops accepting, closes connections, stops the engine; the loop then runs dry.
  void stop();

  // Every route, as "METHOD /pattern" (the router's and the streamed ones).
  std::vector<std::string> routes() const;
  const World& world() const { return world_; }

 private:
  SwitchApp(asio::io_context& io, const Options& options, World world, Scheme scheme,
            std::unique_ptr<ledger::EventStore> store, std::unique_ptr<pg::Pool> pool,
            std::unique_ptr<banks::BankNetwork> banks);
  // Resumes the pending payments this node may take: its own that no saga here drives, and
  // those whose owner's lease has lapsed. Payments updated less than a grace period ago are
  // left alone unless at_start (their first drive may still be on its way).
  asio::awaitable<Result<std::size_t>> recover(bool at_start);
  asio::awaitable<void> recovery_loop();
  int recovery_interval_ms() const;
  void remember_key(const ledger::RecordedEvent& event);
  void add_routes();
  asio::awaitable<Response> handle(const Request& request);
  void log_outcome(const sagas::PaymentState& state);

  // Handlers, one per route (api_payments.cpp, api_directory.cpp, api_operations.cpp).
  asio::awaitable<Response> create_payment(const Request& req, const Params& params);
  asio::awaitable<Response> get_payment(const Request& req, const Params& params);
  asio::awaitable<Response> list_payments(const Request& req, const Params& params);
  asio::awaitable<Response> payment_events(const Request& req, const Params& params);
  asio::awaitable<Response> ledger_events(const Request& req, const Params& params);
  asio::awaitable<Response> ledger_verify(const Request& req, const Params& params);
  asio::awaitable<void> ledger_stream(const Request& req, http::StreamWriter& out);
  asio::awaitable<Result<std::int64_t>> stream_start(const Request& req);
  asio::awaitable<Response> resolve_vpa(const Request& req, const Params& params);
  asio::awaitable<Response> vpa_balance(const Request& req, const Params& params);
  asio::awaitable<Response> list_banks(const Request& req, const Params& params);
  asio::awaitable<Response> bank_positions(const Request& req, const Params& params);
  asio::awaitable<Response> get_faults(const Request& req, const Params& params);
  asio::awaitable<Response> put_faults(const Request& req, const Params& params);
  asio::awaitable<Response> delete_faults(const Request& req, const Params& params);
  // A remote bank keeps its own fault rules: the switch passes the call on.
  asio::awaitable<Response> forward_faults(const Request& req, const std::string& code);
  asio::awaitable<Response> healthz(const Request& req, const Params& params);
  asio::awaitable<Response> readyz(const Request& req, const Params& params);
  asio::awaitable<Response> metrics(const Request& req, const Params& params);

  // The payment as a response, after waiting up to wait_seconds for a terminal status.
  asio::awaitable<Response> payment_response(const std::string& id, http::Status status,
                                             std::optional<int> wait_seconds, bool replayed);
  // Waits, with a deadline, until the read views include min_position (read-your-writes).
  asio::awaitable<Result<void>> views_at_least(const std::map<std::string, std::string>& query);

  asio::io_context& io_;
  Options options_;
  SystemClock clock_;
  World world_;
  Scheme scheme_;
  std::unique_ptr<ledger::EventStore> store_owner_;
  ledger::EventStore& store_;
  std::unique_ptr<pg::Pool> pool_;  // durable mode: banks' books, views, leases
  std::unique_ptr<ledger::ViewStore> views_;
  ledger::Projector projector_;
  std::unique_ptr<sagas::NodeLease> lease_;  // durable mode only
  psp::Registry registry_;
  std::unique_ptr<banks::BankNetwork> banks_;
  sagas::PaymentSagaEngine engine_;
  PaymentIdGenerator ids_;
  IdempotencyIndex idempotency_;
  HttpMetrics http_metrics_;
  Router router_;
  http::Server server_;
  asio::steady_timer recovery_timer_;
  Waiters<int> log_advanced_;  // woken after every commit, for live streams
  std::size_t streams_open_ = 0;
  bool ready_ = false;
};

}  // namespace upi::api
