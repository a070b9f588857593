// rest-bench: completed payments per second and latency percentiles through the REST API,
// over keep-alive connections (one per client), each payment sent with `Prefer: wait=30` and
// counted when its answer is terminal.
//   closed loop (default): each client sends its next payment when the last one is answered.
//   open loop (--rate R):  payments are due at fixed intervals (R per second in all), and each
//                          one's latency is measured from when it was due, not when a client
//                          got round to sending it, so a stall cannot hide (coordinated
//                          omission).
//   --probe-ms M:          also polls GET /healthz every M ms on its own connection and
//                          reports the longest wait (the event loop's stalls).
// With --clients 0 only the probe runs. Used by scripts/bench-rest.sh, bench-embedded.sh and
// stall-check.sh.
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/json.h"
#include "common/money.h"
#include "common/world.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using Steady = std::chrono::steady_clock;
using Ms = std::chrono::duration<double, std::milli>;

struct Args {
  int port = 8080;
  int clients = 16;
  int seconds = 10;
  int rate = 0;      // payments due per second in all; 0 = closed loop
  int probe_ms = 0;  // 0 = no probe
  std::uint64_t seed = 1;
};

// Every flag takes a whole number; false on an unknown flag or a value that is not one.
bool parse(int argc, char** argv, Args& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i], value = argv[i + 1];
    std::uint64_t n = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (error != std::errc() || end != value.data() + value.size()) return false;
    const auto bounded = [n](int low, int high) {
      return static_cast<int>(std::clamp<std::uint64_t>(n, low, high));
    };
    if (flag == "--port")
      args.port = bounded(1, 65535);
    else if (flag == "--clients")
      args.clients = bounded(0, 1024);
    else if (flag == "--seconds")
      args.seconds = bounded(1, 3600);
    else if (flag == "--rate")
      args.rate = bounded(0, 1'000'000);
    else if (flag == "--probe-ms")
      args.probe_ms = bounded(0, 1000);
    else if (flag == "--seed")
      args.seed = n;
    else
      return false;
  }
  return argc % 2 == 1;
}

// One keep-alive connection with blocking calls and a 35 s socket timeout.
class Connection {
 public:
  explicit Connection(int port) : port_(port) {}

  // The answer's status and body; nothing when the connection failed (it reconnects next time).
  std::optional<std::pair<int, std::string>> exchange(bhttp::request<bhttp::string_body>& req) {
    boost::system::error_code ec;
    if (!socket_.is_open() && !connect()) return std::nullopt;
    req.keep_alive(true);
    req.prepare_payload();
    bhttp::write(socket_, req, ec);
    bhttp::response<bhttp::string_body> res;
    if (!ec) bhttp::read(socket_, buffer_, res, ec);
    if (ec) {
      socket_.close(ec);
      buffer_.clear();
      return std::nullopt;
    }
    if (!res.keep_alive()) socket_.close(ec);
    return std::pair{res.result_int(), std::move(res.body())};
  }

 private:
  bool connect() {
    boost::system::error_code ec;
    socket_.connect({asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port_)}, ec);
    if (ec) return false;
    const timeval timeout{35, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    return true;
  }

  int port_;
  asio::io_context io_;
  asio::ip::tcp::socket socket_{io_};
  beast::flat_buffer buffer_;
};

struct Tally {
  std::mutex mutex;
  std::vector<double> latencies_ms;
  std::map<std::string, int> statuses;
  std::atomic<int> errors{0};

  void add(double ms, std::string status) {
    std::lock_guard lock(mutex);
    latencies_ms.push_back(ms);
    ++statuses[std::move(status)];
  }
  double percentile(double p) {
    if (latencies_ms.empty()) return 0.0;
    std::sort(latencies_ms.begin(), latencies_ms.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size()));
    return latencies_ms[std::min(latencies_ms.size() - 1, i)];
  }
};

bhttp::request<bhttp::string_body> payment_request(const upi::World& world, std::mt19937_64& rng,
                                                   const std::string& key) {
  const upi::AccountSpec* payer = nullptr;
  const upi::AccountSpec* payee = nullptr;
  while (!payer || payer->vpa == payee->vpa) {
    payer = &world.accounts[rng() % world.accounts.size()];
    payee = &world.accounts[rng() % world.accounts.size()];
  }
  const upi::Paise amount = 100 + static_cast<upi::Paise>(rng() % 10'000);
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/v1/payments", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set("Idempotency-Key", key);
  req.set("Prefer", "wait=30");
  req.set(bhttp::field::content_type, "application/json");
  // As the payer's PSP, with the demo credentials' key (specs/demo-credentials.json).
  req.set(bhttp::field::authorization, "Bearer demo-" + payer->vpa.handle + "-key");
  req.body() = R"({"payer_vpa":")" + payer->vpa.str() + R"(","payee_vpa":")" + payee->vpa.str() +
               R"(","amount":")" + upi::format_money(amount) + R"("})";
  return req;
}

// Sends payments until the end; with a rate, each takes the next due time from `ticket`.
void run_client(const Args& args, const upi::World& world, int client, Steady::time_point start,
                Steady::time_point until, std::atomic<std::int64_t>& ticket, Tally& tally) {
  std::mt19937_64 rng(args.seed * 1000 + static_cast<std::uint64_t>(client));
  Connection connection(args.port);
  const std::string prefix = "bench-" + std::to_string(args.seed) + "-" +
                             std::to_string(start.time_since_epoch().count()) + "-";
  for (int n = 0;; ++n) {
    Steady::time_point due = Steady::now();
    if (args.rate > 0) {
      const std::int64_t i = ticket++;
      due = start + std::chrono::microseconds(i * 1'000'000 / args.rate);
      if (due >= until) return;
      std::this_thread::sleep_until(due);  // pacing the arrivals, not synchronising a test
    } else if (due >= until) {
      return;
    }
    auto req =
        payment_request(world, rng, prefix + std::to_string(client) + "-" + std::to_string(n));
    auto answer = connection.exchange(req);
    const double ms = Ms(Steady::now() - due).count();
    auto body = answer ? upi::parse_json_object(answer->second) : upi::Result<upi::json::object>{};
    if (!answer || answer->first != 201 || !body) {
      ++tally.errors;
      continue;
    }
    tally.add(ms, upi::string_or_empty(*body, "status"));
  }
}

struct ProbeReport {
  double longest_ms = 0;
  Steady::time_point longest_sent_at;  // steady_clock is CLOCK_MONOTONIC, as perf can record
  int failures = 0;
};

// Polls /healthz every interval until the end; the longest wait for an answer.
ProbeReport run_probe(const Args& args, Steady::time_point until) {
  Connection connection(args.port);
  ProbeReport report;
  for (auto next = Steady::now(); next < until; next += std::chrono::milliseconds(args.probe_ms)) {
    std::this_thread::sleep_until(next);
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    const auto sent = Steady::now();
    auto answer = connection.exchange(req);
    const double waited_ms = Ms(Steady::now() - sent).count();
    if (waited_ms > report.longest_ms) {
      report.longest_ms = waited_ms;
      report.longest_sent_at = sent;
    }
    if (!answer || answer->first != 200) ++report.failures;
    next = std::max(next, Steady::now() - std::chrono::milliseconds(args.probe_ms));
  }
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, args)) {
    std::fprintf(stderr,
                 "usage: rest-bench [--port P] [--clients N] [--seconds S] [--rate R] "
                 "[--probe-ms M] [--seed N]\n");
    return 2;
  }
  const upi::World world = upi::parse_world(upi::demo_world_json()).value();
  Tally tally;
  std::atomic<std::int64_t> ticket{0};
  const auto started = Steady::now();
  const auto until = started + std::chrono::seconds(args.seconds);
  std::vector<std::thread> clients;
  for (int c = 0; c < args.clients; ++c) {
    clients.emplace_back([&, c] { run_client(args, world, c, started, until, ticket, tally); });
  }
  const ProbeReport probe = args.probe_ms > 0 ? run_probe(args, until) : ProbeReport{};
  for (auto& t : clients) t.join();
  const double elapsed = std::chrono::duration<double>(Steady::now() - started).count();
  const int terminal =
      tally.statuses["COMPLETED"] + tally.statuses["FAILED"] + tally.statuses["REVERSED"];
  if (args.clients > 0) {
    std::printf(
        "%s %d, %.1f s: %d terminal payments (%.0f/s; %d completed, %d failed, %d reversed, %d "
        "still pending, %d errors), latency%s p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n",
        args.rate > 0 ? "open loop, clients" : "clients", args.clients, elapsed, terminal,
        terminal / elapsed, tally.statuses["COMPLETED"], tally.statuses["FAILED"],
        tally.statuses["REVERSED"], tally.statuses["PENDING"], tally.errors.load(),
        args.rate > 0 ? " from the due time" : "", tally.percentile(0.50), tally.percentile(0.95),
        tally.percentile(0.99));
    std::printf("payments_per_second %.0f\n", terminal / elapsed);
    std::printf("p99_ms %.1f\n", tally.percentile(0.99));
  }
  if (args.probe_ms > 0) {
    std::printf(
        "probe_longest_wait_ms %.1f (GET /healthz every %d ms, %d failed; the longest sent at "
        "CLOCK_MONOTONIC %.6f s)\n",
        probe.longest_ms, args.probe_ms, probe.failures,
        std::chrono::duration<double>(probe.longest_sent_at.time_since_epoch()).count());
  }
  return tally.errors.load() == 0 && probe.failures == 0 ? 0 : 1;
}
