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
#include "ledger/memory_store.h"
#include "ledger/projector.h"
#include "psp/registry.h"
#include "sagas/payment_saga.h"
#include "switch/idempotency.h"
#include "switch/metrics.h"
#include "switch/options.h"
#include "switch/router.h"

namespace upi::api {

inline constexpr std::size_t kLedgerStreamsMax = 64;

class SwitchApp {
 public:
  // Loads the world and scheme and wires every part. Error codes: INVALID_WORLD,
  // INVALID_SCHEME, FILE_UNREADABLE, UNSUPPORTED_BANK.
  static Result<std::unique_ptr<SwitchApp>> create(asio::io_context& io, const Options& options);

  // Folds the whole ledger into the read views and the idempotency keys, resumes every
  // payment that is not terminal, then listens. Error codes: STORE_UNAVAILABLE, LISTEN_FAILED.
  Result<asio::ip::tcp::endpoint> start();
  // Stops accepting, closes connections, stops the engine; the loop then runs dry.
  void stop();

  // Every route, as "METHOD /pattern" (the router's and the streamed ones).
  std::vector<std::string> routes() const;
  const World& world() const { return world_; }

 private:
  SwitchApp(asio::io_context& io, const Options& options, World world, Scheme scheme,
            std::unique_ptr<ledger::EventStore> store, std::unique_ptr<pg::Pool> bank_pool,
            std::unique_ptr<banks::BankNetwork> banks);
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
  std::unique_ptr<pg::Pool> bank_pool_;
  ledger::ReadViews views_;
  ledger::Projector projector_;
  psp::Registry registry_;
  std::unique_ptr<banks::BankNetwork> banks_;
  sagas::PaymentSagaEngine engine_;
  PaymentIdGenerator ids_;
  IdempotencyIndex idempotency_;
  HttpMetrics http_metrics_;
  Router router_;
  http::Server server_;
  Waiters<int> log_advanced_;  // woken after every commit, for live streams
  std::size_t streams_open_ = 0;
  bool ready_ = false;
};

}  // namespace upi::api
