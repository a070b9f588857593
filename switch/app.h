// The composition root: builds the backend once (backend.h: memory or PostgreSQL), the saga
// engine and recovery over it, and the groups of handlers, each given only what it uses; then
// starts, stops and joins them. All of it runs on one event loop (the core thread); only the
// connections' reading and writing may run on threads of their own (--io-threads).
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "common/async.h"
#include "common/clock.h"
#include "common/http_server.h"
#include "common/router.h"
#include "ledger/projector.h"
#include "psp/registry.h"
#include "sagas/payment_saga.h"
#include "sagas/recovery.h"
#include "settlement/cutoff_scheduler.h"
#include "settlement/cycle_closer.h"
#include "switch/api_collects.h"
#include "switch/api_directory.h"
#include "switch/api_ledger.h"
#include "switch/api_operations.h"
#include "switch/api_payments.h"
#include "switch/api_refunds.h"
#include "switch/api_settlement.h"
#include "switch/backend.h"
#include "switch/gatekeeper.h"
#include "switch/metrics.h"
#include "switch/options.h"

namespace upi::api {

namespace asio = boost::asio;

class SwitchApp {
 public:
  // Loads the world, scheme and credentials and wires every part. Error codes: INVALID_WORLD,
  // INVALID_SCHEME, INVALID_CREDENTIALS, FILE_UNREADABLE, UNSUPPORTED_BANK, STORE_UNAVAILABLE,
  // USAGE (a world file without --credentials or --auth none).
  static Result<std::unique_ptr<SwitchApp>> create(asio::io_context& io, const Options& options);

  // Takes the node's lease, folds the ledger into the read views and the idempotency keys,
  // resumes every payment that is this node's or whose owner's lease has lapsed, then listens;
  // recovery repeats every half lease. Error codes: STORE_UNAVAILABLE, NODE_ID_IN_USE,
  // LISTEN_FAILED.
  Result<asio::ip::tcp::endpoint> start();
  // Durable mode: empties the read views and folds the whole ledger into them again, in one
  // transaction. Returns the position reached. Error codes: STORE_UNAVAILABLE, USAGE.
  Result<std::int64_t> rebuild_views();
  // Stops accepting and closes connections; background tasks end, sagas end at their next step
  // (what they staged is written).
  void stop();
  // Returns once every saga and background task the app started has ended (after stop()).
  asio::awaitable<void> join();
  // Stops the connection threads (--io-threads), leaving their coroutines suspended: call
  // after the core loop has stopped running, before it is shut down.
  void halt_threads();

  // Every route, as "METHOD /pattern" (the router's and the streamed ones).
  std::vector<std::string> routes() const;
  const World& world() const { return world_; }

 private:
  SwitchApp(asio::io_context& io, const Options& options, World world, Scheme scheme,
            Backend backend, Gatekeeper gate);
  asio::awaitable<Response> handle(const Request& request);
  // The gate for one request: its caller when it may call a route of this access, else the
  // answer that refuses it (401, 403, 429).
  std::expected<Caller, Response> admit(const Request& request, Access access);
  // The listener of --metrics-listen: GET /metrics and nothing else, without credentials.
  asio::awaitable<Response> handle_scrape(const Request& request);
  void log_outcome(const sagas::PaymentState& state);

  asio::io_context& io_;
  Options options_;
  SystemClock clock_;
  World world_;
  Scheme scheme_;
  Backend backend_;
  ledger::Projector projector_;
  psp::Registry registry_;
  sagas::PaymentSagaEngine engine_;
  sagas::Recovery recovery_;
  settlement::CycleCloser closer_;
  std::optional<settlement::CutoffScheduler> cutoffs_;  // none with --settlement-period-s 0
  bool ready_ = false;
  Gatekeeper gate_;
  HttpMetrics http_metrics_;
  PaymentIdGenerator payment_ids_;  // the node's one generator: payments and approved collects
  sagas::CollectService collect_requests_;
  PaymentsApi payments_;
  RefundsApi refunds_;
  CollectsApi collects_;
  LedgerApi ledger_;
  DirectoryApi directory_;
  OperationsApi operations_;
  SettlementApi settlement_;
  http::Router router_;
  http::Server server_;
  std::optional<http::Server> metrics_server_;  // --metrics-listen
  TaskGroup background_;                        // lease renewals and recovery passes
};

}  // namespace upi::api
