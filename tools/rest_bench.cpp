// rest-bench: completed payments per second and latency percentiles through the REST API.
// Each client sends one payment at a time with `Prefer: wait=30` and counts it when the
// answer is terminal. Run by scripts/bench-rest.sh beside pgbench on the same database.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/http_client.h"
#include "common/json.h"
#include "common/money.h"
#include "common/world.h"

namespace {

using Steady = std::chrono::steady_clock;

struct Args {
  int port = 8080;
  int clients = 16;
  int seconds = 10;
  std::uint64_t seed = 1;
};

bool parse(int argc, char** argv, Args& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port")
      args.port = std::stoi(value);
    else if (flag == "--clients")
      args.clients = std::clamp(std::stoi(value), 1, 512);
    else if (flag == "--seconds")
      args.seconds = std::clamp(std::stoi(value), 1, 600);
    else if (flag == "--seed")
      args.seed = std::stoull(value);
    else
      return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, args)) {
    std::fprintf(stderr, "usage: rest-bench [--port P] [--clients N] [--seconds S] [--seed N]\n");
    return 2;
  }
  const upi::World world = upi::parse_world(upi::demo_world_json()).value();
  std::mutex mutex;
  std::vector<double> latencies_ms;
  std::map<std::string, int> statuses;
  std::atomic<int> errors{0};
  const auto until = Steady::now() + std::chrono::seconds(args.seconds);
  const auto started = Steady::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < args.clients; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937_64 rng(args.seed * 1000 + static_cast<std::uint64_t>(c));
      for (int n = 0; Steady::now() < until; ++n) {
        const auto& payer = world.accounts[rng() % world.accounts.size()];
        const auto& payee = world.accounts[rng() % world.accounts.size()];
        if (payer.vpa == payee.vpa) continue;
        const upi::Paise amount = 100 + static_cast<upi::Paise>(rng() % 10'000);
        upi::http::ClientRequest req{
            "POST",
            "/v1/payments",
            R"({"payer_vpa":")" + payer.vpa.str() + R"(","payee_vpa":")" + payee.vpa.str() +
                R"(","amount":")" + upi::format_money(amount) + R"("})",
            {{"Idempotency-Key", "bench-" + std::to_string(args.seed) + "-" + std::to_string(c) +
                                     "-" + std::to_string(n)},
             {"Prefer", "wait=30"},
             {"Content-Type", "application/json"},
             // As the payer's PSP, with the demo credentials' key (specs/demo-credentials.json).
             {"Authorization", "Bearer demo-" + payer.vpa.handle + "-key"}}};
        const auto sent = Steady::now();
        auto res =
            upi::http::fetch("127.0.0.1", static_cast<std::uint16_t>(args.port), req, 35'000);
        const double ms = std::chrono::duration<double, std::milli>(Steady::now() - sent).count();
        auto body = res ? upi::parse_json_object(res->body) : upi::Result<upi::json::object>{};
        if (!res || res->status != 201 || !body) {
          ++errors;
          continue;
        }
        std::lock_guard lock(mutex);
        latencies_ms.push_back(ms);
        ++statuses[upi::string_or_empty(*body, "status")];
      }
    });
  }
  for (auto& t : clients) t.join();
  const double elapsed = std::chrono::duration<double>(Steady::now() - started).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[std::min(latencies_ms.size() - 1,
                                       static_cast<std::size_t>(p * latencies_ms.size()))];
  };
  const int terminal = statuses["COMPLETED"] + statuses["FAILED"] + statuses["REVERSED"];
  std::printf(
      "clients %d, %.1f s: %d terminal payments (%.0f/s; %d completed, %d failed, "
      "%d reversed, %d still pending, %d errors), latency p50 %.1f ms, p95 %.1f ms, "
      "p99 %.1f ms\n",
      args.clients, elapsed, terminal, terminal / elapsed, statuses["COMPLETED"],
      statuses["FAILED"], statuses["REVERSED"], statuses["PENDING"], errors.load(), pct(0.50),
      pct(0.95), pct(0.99));
  std::printf("payments_per_second %.0f\n", terminal / elapsed);
  return errors.load() == 0 ? 0 : 1;
}
