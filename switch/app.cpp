#include "switch/app.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>

#include "common/run_blocking.h"
#include "common/timer.h"
#include "common/tls.h"
#include "console/console.h"
#include "ledger/postgres_views.h"

namespace upi::api {

namespace {

const SystemClock& wall_clock() {
  static const SystemClock clock;
  return clock;
}

// The gate: credentials from --credentials, the demo credentials for the demo world, or none.
Result<Gatekeeper> open_gate(const Options& options, const World& world) {
  if (options.auth_none) {
    if (!options.credentials_path.empty())
      return fail(ErrorKind::kInvalid, "USAGE", "--auth none and --credentials exclude each other");
    spdlog::warn(
        "authentication is OFF (--auth none): every caller is an admin and may move "
        "any account's money");
    return Gatekeeper::without_authentication(wall_clock());
  }
  if (!options.credentials_path.empty()) {
    auto credentials = load_credentials(options.credentials_path, world);
    if (!credentials) return std::unexpected(credentials.error());
    return Gatekeeper(std::move(*credentials), wall_clock());
  }
  if (!options.world_path.empty()) {
    return fail(ErrorKind::kInvalid, "USAGE",
                "a world file needs --credentials FILE (the principals that may call; see the "
                "README's Principals), or --auth none to run without authentication");
  }
  auto demo = parse_credentials(demo_credentials_json(), world);
  if (!demo) return std::unexpected(demo.error());
  spdlog::warn(
      "using the built-in DEMO credentials (public keys such as demo-admin-key; see the "
      "README): for trying the switch out only");
  return Gatekeeper(std::move(*demo), wall_clock());
}

}  // namespace

Result<std::unique_ptr<SwitchApp>> SwitchApp::create(asio::io_context& io, const Options& options) {
  auto world =
      options.world_path.empty() ? parse_world(demo_world_json()) : load_world(options.world_path);
  if (!world) return std::unexpected(world.error());
  auto scheme = options.scheme_path.empty() ? parse_scheme(builtin_scheme_json())
                                            : load_scheme(options.scheme_path);
  if (!scheme) return std::unexpected(scheme.error());
  if (options.neft_batch_interval_s >= 0)
    scheme->neft_batch_interval_s = options.neft_batch_interval_s;
  auto gate = open_gate(options, *world);
  if (!gate) return std::unexpected(gate.error());
  auto backend = open_backend(io, options, *world, wall_clock());
  if (!backend) return std::unexpected(backend.error());
  return std::unique_ptr<SwitchApp>(new SwitchApp(
      io, options, std::move(*world), std::move(*scheme), std::move(*backend), std::move(*gate)));
}

namespace {
http::ServerLimits server_limits(const Options& options) {
  http::ServerLimits limits;
  limits.write_timeout_ms = options.write_timeout_ms;
  limits.header_timeout_ms = options.header_timeout_ms;
  limits.connections_max = options.connections_max;
  limits.connections_per_address_max = options.connections_per_address_max;
  limits.io_threads = options.io_threads;
  return limits;
}

sagas::SagaConfig saga_config(const Options& options) {
  sagas::SagaConfig config;
  config.node_id = node_name(options);
  config.leg_timeout_ms = options.leg_timeout_ms;
  config.active_sagas_max = options.sagas_max;
  return config;
}

// The scheme's cut-offs, or --settlement-period-s's; none with --settlement-period-s 0.
std::optional<settlement::CutoffSchedule> cutoff_schedule(const Options& options,
                                                          const Scheme& scheme) {
  if (options.settlement_period_s == 0) return std::nullopt;
  if (options.settlement_period_s > 0)
    return settlement::CutoffSchedule::every(options.settlement_period_s * 1'000);
  return settlement::CutoffSchedule::daily(scheme.cutoff_minutes_utc);
}
}  // namespace

SwitchApp::SwitchApp(asio::io_context& io, const Options& options, World world, Scheme scheme,
                     Backend backend, Gatekeeper gate)
    : io_(io),
      options_(options),
      world_(std::move(world)),
      scheme_(std::move(scheme)),
      backend_(std::move(backend)),
      projector_(io, *backend_.store, *backend_.views),
      registry_(world_),
      engine_(io, *backend_.store, registry_, *backend_.banks, scheme_, clock_,
              saga_config(options)),
      recovery_(engine_, *backend_.views, *backend_.lease, clock_),
      closer_(*backend_.store, *backend_.views, projector_, node_name(options)),
      gate_(std::move(gate)),
      payment_ids_(clock_, options.node_id),
      collect_requests_(engine_, *backend_.store, *backend_.views, scheme_, clock_, payment_ids_,
                        node_name(options)),
      payments_(engine_, *backend_.store, *backend_.views, projector_, scheme_, node_name(options),
                payment_ids_),
      refunds_(engine_, *backend_.store, *backend_.views, projector_, scheme_),
      collects_(collect_requests_, engine_, *backend_.store, *backend_.views, projector_, registry_,
                scheme_, clock_),
      ledger_(*backend_.store, ready_, options.stream_keepalive_ms),
      directory_(world_, registry_, *backend_.banks, *backend_.store, *backend_.views, projector_,
                 node_name(options)),
      operations_(ready_, gate_.authenticating(), backend_, projector_, http_metrics_, world_,
                  engine_),
      settlement_(*backend_.store, *backend_.views, projector_, closer_, *backend_.banks),
      server_(io, server_limits(options), [this](const Request& r) { return handle(r); }),
      background_(io.get_executor()) {
  engine_.set_gate([lease = backend_.lease.get()] { return lease->held(); });
  engine_.on_terminal([this](const sagas::PaymentState& s) { log_outcome(s); });
  backend_.store->on_commit(
      [this](std::int64_t) { asio::post(io_, [this] { ledger_.log_advanced(); }); });
  projector_.on_event([this](const ledger::RecordedEvent& e) { payments_.remember_key(e); });
  payments_.add_routes(router_);
  refunds_.add_routes(router_);
  collects_.add_routes(router_);
  ledger_.add_routes(router_, server_, [this](const Request& request, Access access) {
    auto caller = admit(request, access);
    if (!caller)
      return std::expected<const Principal*, Response>(std::unexpect, std::move(caller.error()));
    return std::expected<const Principal*, Response>(caller->principal);
  });
  directory_.add_routes(router_);
  operations_.add_routes(router_);
  settlement_.add_routes(router_);
  console::add_routes(router_);
  if (auto schedule = cutoff_schedule(options, scheme_))
    cutoffs_.emplace(closer_, *backend_.views, std::move(*schedule), clock_);
}

Result<asio::ip::tcp::endpoint> SwitchApp::start() {
  auto host_port = http::parse_host_port(options_.listen);
  if (!host_port) return std::unexpected(host_port.error());
  std::shared_ptr<tls::Context> tls;
  if (!options_.tls_cert_path.empty()) {
    auto context = tls::server_context(options_.tls_cert_path, options_.tls_key_path,
                                       options_.tls_client_ca_path);
    if (!context) return std::unexpected(context.error());
    tls = *context;
    server_.use_tls(tls);
  }
  auto endpoint = server_.listen(host_port->first, host_port->second);
  if (!endpoint) return std::unexpected(endpoint.error());
  if (!options_.metrics_listen.empty()) {
    auto scrape_at = http::parse_host_port(options_.metrics_listen);
    if (!scrape_at) return std::unexpected(scrape_at.error());
    http::ServerLimits scrape_limits = server_limits(options_);
    scrape_limits.io_threads = 0;  // a scrape now and then: the core thread serves it
    metrics_server_.emplace(io_, scrape_limits,
                            [this](const Request& r) { return handle_scrape(r); });
    if (tls) metrics_server_->use_tls(tls);
    auto scrape = metrics_server_->listen(scrape_at->first, scrape_at->second);
    if (!scrape) return std::unexpected(scrape.error());
    spdlog::info("metrics for scrapers on {}:{}", scrape->address().to_string(), scrape->port());
  }
  if (auto ok = run_on(io_, backend_.lease->acquire()); !ok) return std::unexpected(ok.error());
  backend_.lease->start(background_);
  const std::int64_t folded_before = projector_.checkpoint();
  const auto fold_started = MonotonicClock::now();
  if (auto ok = run_on(io_, projector_.catch_up_now()); !ok) return std::unexpected(ok.error());
  if (projector_.checkpoint() > folded_before) {
    spdlog::info("read views folded the ledger: {}",
                 ledger::describe_fold(projector_.checkpoint() - folded_before,
                                       MonotonicClock::now() - fold_started));
  }
  projector_.start();
  backend_.banks->start();
  engine_.start();
  auto resumed = run_on(io_, recovery_.pass(true));
  if (!resumed) return std::unexpected(resumed.error());
  recovery_.start(background_);
  collect_requests_.start(background_);
  if (cutoffs_) cutoffs_->start(background_);
  server_.start();
  if (metrics_server_) metrics_server_->start();
  ready_ = true;
  return endpoint;
}

Result<std::int64_t> SwitchApp::rebuild_views() {
  if (backend_.rebuildable_views == nullptr)
    return fail(ErrorKind::kInvalid, "USAGE", "--rebuild-views needs --database-url");
  return run_on(io_, backend_.rebuildable_views->rebuild(*backend_.store));
}

void SwitchApp::stop() {
  ready_ = false;
  server_.stop();
  if (metrics_server_) metrics_server_->stop();
  engine_.stop();
  backend_.banks->stop();
  background_.stop();
  projector_.stop();
  ledger_.stop();
}

void SwitchApp::halt_threads() {
  server_.halt_threads();
}

asio::awaitable<void> SwitchApp::join() {
  co_await server_.join();
  if (metrics_server_) co_await metrics_server_->join();
  co_await background_.join();
  co_await projector_.join();
  co_await backend_.banks->join();
  co_await engine_.join();
  // Only once no saga can append any more: the store writes what is queued, then stops.
  backend_.store->close();
  co_await backend_.store->join();
}

std::vector<std::string> SwitchApp::routes() const {
  std::vector<std::string> out;
  for (const auto& route : router_.routes()) out.push_back(route.method + " " + route.pattern);
  out.push_back("GET /v1/ledger/stream");
  return out;
}

std::expected<Caller, Response> SwitchApp::admit(const Request& request, Access access) {
  auto caller = gate_.admit(request);
  if (!caller) return std::unexpected(refusal_response(caller.error()));
  const Principal& principal = *caller->principal;
  if (!access.admits(principal.role)) {
    const std::string_view target = request.target();
    Response forbidden = http::problem(
        Error{ErrorKind::kForbidden, "FORBIDDEN",
              "principal " + principal.id + " (role " + std::string(role_name(principal.role)) +
                  ") may not " + std::string(request.method_string()) + " " +
                  std::string(target.substr(0, target.find('?')))});
    add_rate_headers(forbidden, *caller);
    return std::unexpected(std::move(forbidden));
  }
  return std::move(*caller);
}

asio::awaitable<Response> SwitchApp::handle(const Request& request) {
  static const Principal kNobody{"unauthenticated", Role::kPsp, ""};
  const auto started = MonotonicClock::now();
  std::string route = "unmatched";
  Response response;
  try {
    auto matched = router_.match(request);
    // Only open routes skip the gate; an unknown path is a 404 only to a known caller.
    const Access access = matched ? matched->route->access : kEveryRole;
    std::expected<Caller, Response> caller =
        access.is_open() ? Caller{&kNobody, std::nullopt} : admit(request, access);
    if (!caller) {
      response = std::move(caller.error());
    } else if (!matched) {
      response = std::move(matched.error());
      add_rate_headers(response, *caller);
    } else {
      route = matched->route->pattern;
      response = co_await matched->route->handler(request, matched->params, *caller->principal);
      add_rate_headers(response, *caller);
    }
  } catch (const std::exception& e) {
    // A boundary: a bug in a handler becomes a 500 for this request, not a dead switch.
    spdlog::error("{} {} failed: {}", std::string(request.method_string()),
                  std::string(request.target()), e.what());
    response = http::problem(
        Error{ErrorKind::kInternal, "INTERNAL", "the switch failed to handle this request"});
  }
  const double seconds = std::chrono::duration<double>(MonotonicClock::now() - started).count();
  http_metrics_.observe(std::string(request.method_string()), route,
                        static_cast<int>(response.result_int()), seconds);
  co_return response;
}

asio::awaitable<Response> SwitchApp::handle_scrape(const Request& request) {
  static const Principal kScraper{"scraper", Role::kAuditor, ""};
  const std::string_view target = request.target();
  const bool get = request.method() == http::beast_http::verb::get ||
                   request.method() == http::beast_http::verb::head;
  if (!get || target.substr(0, target.find('?')) != "/metrics") {
    co_return http::problem(
        Error{ErrorKind::kNotFound, "ROUTE_NOT_FOUND", "this listener serves GET /metrics only"});
  }
  co_return co_await operations_.metrics(request, {}, kScraper);
}

void SwitchApp::log_outcome(const sagas::PaymentState& s) {
  spdlog::info("payment {} {} amount={} rail={} payer={} payee={}{}", s.id, s.status,
               format_money(s.amount), s.rail.empty() ? "-" : s.rail, s.payer_vpa, s.payee_vpa,
               s.reason ? " reason=" + s.reason->code : "");
}

}  // namespace upi::api
