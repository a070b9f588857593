// upi-switch: the payment switch (embedded store, or PostgreSQL with --database-url).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "ledger/projector.h"
#include "switch/app.h"

namespace {

// io_context whose shutdown() (protected in execution_context) can be called while the objects
// that pending coroutines refer to are still alive.
struct EventLoop : boost::asio::io_context {
  using boost::asio::io_context::shutdown;
};

constexpr auto kDrainTimeout = std::chrono::seconds(5);

int run(const upi::api::Options& options) {
  EventLoop io;
  auto app = upi::api::SwitchApp::create(io, options);
  if (!app) {
    spdlog::error("cannot start: {} ({})", app.error().message, app.error().code);
    return 2;
  }
  if (options.print_routes) {
    for (const auto& route : (*app)->routes()) std::cout << route << "\n";
    return 0;
  }
  if (options.rebuild_views) {
    const auto started = std::chrono::steady_clock::now();
    auto position = (*app)->rebuild_views();
    if (!position) {
      spdlog::error("cannot rebuild the read views: {} ({})", position.error().message,
                    position.error().code);
      return 2;
    }
    std::cout << "read views rebuilt from the ledger up to position " << *position << ": "
              << upi::ledger::describe_fold(*position, std::chrono::steady_clock::now() - started)
              << "\n";
    return 0;
  }
  auto endpoint = (*app)->start();
  if (!endpoint) {
    spdlog::error("cannot start: {}", endpoint.error().message);
    return 2;
  }
  const std::string base = (options.tls_cert_path.empty() ? "http://" : "https://") +
                           endpoint->address().to_string() + ":" + std::to_string(endpoint->port());
  // The demo world without --credentials runs on the public demo keys.
  const bool demo_keys =
      options.world_path.empty() && options.credentials_path.empty() && !options.auth_none;
  std::cout
      << "upi-switch listening on " << base << " ("
      << (options.database_url.empty() ? "embedded store" : "PostgreSQL store") << ", "
      << (*app)->world().banks.size() << " banks, " << (*app)->world().accounts.size()
      << " accounts)\n"
      << "send a payment (as the PSP of handle okaxis" << (demo_keys ? ", with its DEMO key" : "")
      << "):\n  curl -s -X POST " << base << "/v1/payments -H 'Authorization: Bearer "
      << (demo_keys ? "demo-okaxis-key" : "<api key>")
      << "' \\\n"
         "    -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' "
         "-H 'Prefer: wait=5' \\\n"
         "    -d "
         "'{\"payer_vpa\":\"alice@okaxis\",\"payee_vpa\":\"bob@ybl\",\"amount\":\"1500.00\"}'\n"
      << "or open the console in a browser: " << base << "/console"
      << (demo_keys ? " (sign in with demo-admin-key)" : "") << "\n"
      << std::flush;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer drain_deadline(io);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signal);
    (*app)->stop();
    // Sagas end at their next step; those inside a bank call or an append get a bounded while.
    boost::asio::co_spawn(
        io,
        [](upi::api::SwitchApp& a, EventLoop& loop) -> boost::asio::awaitable<void> {
          co_await a.join();
          loop.stop();
        }(**app, io),
        boost::asio::detached);
    drain_deadline.expires_after(kDrainTimeout);
    drain_deadline.async_wait([&](const boost::system::error_code& timer_ec) {
      if (timer_ec) return;
      spdlog::warn("stopping with work still in flight; recovery will finish it");
      io.stop();
    });
  });
  io.run();
  (*app)->halt_threads();  // nothing may run beside the shutdown that follows
  io.shutdown();           // destroys pending coroutine frames while the app still exists
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("upi-switch"));
  auto options = upi::api::parse_options(argc, argv);
  if (!options) {
    std::cerr << options.error().message << "\n" << upi::api::usage();
    return 2;
  }
  if (options->database_url.empty()) {
    if (const char* url = std::getenv("DATABASE_URL")) options->database_url = url;
  }
  if (options->help) {
    std::cout << upi::api::usage();
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(options->log_level));
  try {
    return run(*options);
  } catch (const std::exception& e) {
    spdlog::critical("upi-switch stopped by an exception: {}", e.what());
    return 1;
  }
}
