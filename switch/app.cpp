#include "switch/app.h"

#include <spdlog/spdlog.h>

#include <cassert>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "banks/postgres_bank.h"
#include "common/run_blocking.h"
#include "ledger/payment_events.h"
#include "ledger/postgres_store.h"
#include "ledger/postgres_views.h"

namespace upi::api {

namespace {

const SystemClock& wall_clock() {
  static const SystemClock clock;
  return clock;
}

constexpr std::size_t kConnectionsMax = 12;  // banks' books, views and the lease
constexpr int kDatabaseTimeoutMs = 10'000;

}  // namespace

Result<std::unique_ptr<SwitchApp>> SwitchApp::create(asio::io_context& io, const Options& options) {
  auto world =
      options.world_path.empty() ? parse_world(demo_world_json()) : load_world(options.world_path);
  if (!world) return std::unexpected(world.error());
  auto scheme = options.scheme_path.empty() ? parse_scheme(builtin_scheme_json())
                                            : load_scheme(options.scheme_path);
  if (!scheme) return std::unexpected(scheme.error());
  if (options.database_url.empty()) {
    auto banks = banks::BankNetwork::create(*world, options.fault_seed, &io);
    if (!banks) return std::unexpected(banks.error());
    return std::unique_ptr<SwitchApp>(new SwitchApp(
        io, options, std::move(*world), std::move(*scheme),
        std::make_unique<ledger::MemoryStore>(wall_clock()), nullptr, std::move(*banks)));
  }
  // Durable: the ledger and the banks' books in PostgreSQL (the store creates the schema).
  ledger::PostgresConfig config{.conninfo = options.database_url,
                                .schema = options.database_schema};
  auto store = run_on(io, ledger::PostgresStore::open(io, wall_clock(), config));
  if (!store) return std::unexpected(store.error());
  auto pool = std::make_unique<pg::Pool>(options.database_url, options.database_schema,
                                         kConnectionsMax, kDatabaseTimeoutMs);
  if (auto ok = run_on(io, banks::prepare_postgres_banks(*pool, *world)); !ok) {
    return std::unexpected(ok.error());
  }
  auto banks = banks::BankNetwork::create_durable(*world, options.fault_seed, *pool, &io);
  if (!banks) return std::unexpected(banks.error());
  return std::unique_ptr<SwitchApp>(new SwitchApp(io, options, std::move(*world),
                                                  std::move(*scheme), std::move(*store),
                                                  std::move(pool), std::move(*banks)));
}

namespace {
http::ServerLimits server_limits(const Options& options) {
  http::ServerLimits limits;
  limits.write_timeout_ms = options.write_timeout_ms;
  return limits;
}

sagas::SagaConfig saga_config(const Options& options) {
  sagas::SagaConfig config;
  config.node_id = node_name(options);
  config.leg_timeout_ms = options.leg_timeout_ms;
  config.active_sagas_max = options.sagas_max;
  return config;
}
}  // namespace

SwitchApp::SwitchApp(asio::io_context& io, const Options& options, World world, Scheme scheme,
                     std::unique_ptr<ledger::EventStore> store, std::unique_ptr<pg::Pool> pool,
                     std::unique_ptr<banks::BankNetwork> banks)
    : io_(io),
      options_(options),
      world_(std::move(world)),
      scheme_(std::move(scheme)),
      store_owner_(std::move(store)),
      store_(*store_owner_),
      pool_(std::move(pool)),
      views_(pool_ ? std::unique_ptr<ledger::ViewStore>(new ledger::PostgresViews(*pool_))
                   : std::make_unique<ledger::MemoryViewStore>()),
      projector_(io, store_, *views_),
      lease_(pool_ ? std::make_unique<sagas::NodeLease>(io, *pool_, node_name(options),
                                                        options.lease_ms)
                   : nullptr),
      registry_(world_),
      banks_(std::move(banks)),
      engine_(io, store_, registry_, *banks_, scheme_, clock_, saga_config(options)),
      ids_(clock_, options.node_id),
      server_(io, server_limits(options), [this](const Request& r) { return handle(r); }),
      recovery_timer_(io) {
  if (lease_) engine_.set_gate([this] { return lease_->held(); });
  engine_.on_terminal([this](const sagas::PaymentState& s) { log_outcome(s); });
  store_.on_commit([this](std::int64_t) { asio::post(io_, [this] { log_advanced_.notify(0); }); });
  projector_.on_event([this](const ledger::RecordedEvent& e) { remember_key(e); });
  add_routes();
}

void SwitchApp::add_routes() {
  auto bind = [this](auto method) {
    return [this, method](const Request& req, const Params& params) {
      return (this->*method)(req, params);
    };
  };
  router_.add("POST", "/v1/payments", bind(&SwitchApp::create_payment));
  router_.add("GET", "/v1/payments", bind(&SwitchApp::list_payments));
  router_.add("GET", "/v1/payments/{id}", bind(&SwitchApp::get_payment));
  router_.add("GET", "/v1/payments/{id}/events", bind(&SwitchApp::payment_events));
  router_.add("GET", "/v1/ledger/events", bind(&SwitchApp::ledger_events));
  router_.add("GET", "/v1/ledger/verify", bind(&SwitchApp::ledger_verify));
  server_.add_stream_route(
      "/v1/ledger/stream",
      [this](const Request& req, http::StreamWriter& out) { return ledger_stream(req, out); });
  router_.add("GET", "/v1/vpas/{vpa}", bind(&SwitchApp::resolve_vpa));
  router_.add("GET", "/v1/vpas/{vpa}/balance", bind(&SwitchApp::vpa_balance));
  router_.add("GET", "/v1/banks", bind(&SwitchApp::list_banks));
  router_.add("GET", "/v1/banks/{code}/positions", bind(&SwitchApp::bank_positions));
  router_.add("GET", "/v1/admin/banks/{code}/faults", bind(&SwitchApp::get_faults));
  router_.add("PUT", "/v1/admin/banks/{code}/faults", bind(&SwitchApp::put_faults));
  router_.add("DELETE", "/v1/admin/banks/{code}/faults", bind(&SwitchApp::delete_faults));
  router_.add("GET", "/healthz", bind(&SwitchApp::healthz));
  router_.add("GET", "/readyz", bind(&SwitchApp::readyz));
  router_.add("GET", "/metrics", bind(&SwitchApp::metrics));
}

Result<asio::ip::tcp::endpoint> SwitchApp::start() {
  auto host_port = http::parse_host_port(options_.listen);
  if (!host_port) return std::unexpected(host_port.error());
  auto endpoint = server_.listen(host_port->first, host_port->second);
  if (!endpoint) return std::unexpected(endpoint.error());
  if (lease_) {
    if (auto ok = run_on(io_, lease_->acquire()); !ok) return std::unexpected(ok.error());
    lease_->start();
  }
  if (auto ok = run_on(io_, projector_.catch_up_now()); !ok) return std::unexpected(ok.error());
  projector_.start();
  banks_->start();
  engine_.start();
  auto resumed = run_on(io_, recover(true));
  if (!resumed) return std::unexpected(resumed.error());
  asio::co_spawn(io_, recovery_loop(), asio::detached);
  server_.start();
  ready_ = true;
  return endpoint;
}

Result<std::int64_t> SwitchApp::rebuild_views() {
  auto* durable = dynamic_cast<ledger::PostgresViews*>(views_.get());
  if (durable == nullptr)
    return fail(ErrorKind::kInvalid, "USAGE", "--rebuild-views needs --database-url");
  return run_on(io_, durable->rebuild(store_));
}

asio::awaitable<Result<std::size_t>> SwitchApp::recover(bool at_start) {
  if (lease_ && !lease_->held()) co_return std::size_t{0};
  auto pending = co_await views_->pending(ledger::kPendingPageMax);
  if (!pending) co_return std::unexpected(pending.error());
  std::set<std::string> live;
  if (lease_) {
    auto nodes = co_await lease_->live_nodes();
    if (!nodes) co_return std::unexpected(nodes.error());
    live = std::move(*nodes);
  }
  const std::string me = node_name(options_);
  const std::int64_t settled_before_ms = clock_.now_ms() - 2 * recovery_interval_ms();
  std::size_t resumed = 0;
  for (const auto& p : *pending) {
    if (engine_.knows(p.id)) continue;
    const bool mine = p.owner_node == me || !lease_;
    if (!mine && live.contains(p.owner_node)) continue;  // its owner is alive and drives it
    if (mine && !at_start && p.updated_at_ms > settled_before_ms) continue;
    engine_.resume(p.id, p.owner_node);
    ++resumed;
  }
  if (resumed > 0) spdlog::info("recovery: resuming {} payments that were in flight", resumed);
  co_return resumed;
}

int SwitchApp::recovery_interval_ms() const {
  return lease_ ? lease_->lease_ms() / 2 : 1'000;
}

asio::awaitable<void> SwitchApp::recovery_loop() {
  for (;;) {
    recovery_timer_.expires_after(std::chrono::milliseconds(recovery_interval_ms()));
    auto [ec] = co_await recovery_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || !ready_) break;
    auto resumed = co_await recover(false);
    if (!resumed) spdlog::warn("recovery pass failed: {}", resumed.error().message);
  }
}

void SwitchApp::stop() {
  ready_ = false;
  server_.stop();
  engine_.stop();
  banks_->stop();
  recovery_timer_.cancel();
  if (lease_) lease_->stop();
  log_advanced_.notify_all();
}

std::vector<std::string> SwitchApp::routes() const {
  std::vector<std::string> out;
  for (const auto& route : router_.routes()) out.push_back(route.method + " " + route.pattern);
  out.push_back("GET /v1/ledger/stream");
  return out;
}

asio::awaitable<Response> SwitchApp::handle(const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  std::string route;
  Response response;
  try {
    response = co_await router_.dispatch(request, &route);
  } catch (const std::exception& e) {
    // A boundary: a bug in a handler becomes a 500 for this request, not a dead switch.
    spdlog::error("{} {} failed: {}", std::string(request.method_string()),
                  std::string(request.target()), e.what());
    response = http::problem(
        Error{ErrorKind::kInternal, "INTERNAL", "the switch failed to handle this request"});
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  http_metrics_.observe(std::string(request.method_string()), route,
                        static_cast<int>(response.result_int()), seconds);
  co_return response;
}

void SwitchApp::remember_key(const ledger::RecordedEvent& e) {
  if (e.type != ledger::events::kPaymentRequested || e.metadata.idempotency_key.empty()) return;
  auto decoded = ledger::events::decode(e);
  assert(decoded.has_value() && "the switch reads every event it writes");
  if (!decoded) return;
  const auto& requested = std::get<ledger::events::PaymentRequested>(*decoded);
  idempotency_.remember(e.metadata.idempotency_key, requested.request_hash, requested.payment_id);
}

void SwitchApp::log_outcome(const sagas::PaymentState& s) {
  spdlog::info("payment {} {} amount={} rail={} payer={} payee={}{}", s.id, s.status,
               format_money(s.amount), s.rail.empty() ? "-" : s.rail, s.payer_vpa, s.payee_vpa,
               s.reason ? " reason=" + s.reason->code : "");
}

}  // namespace upi::api
