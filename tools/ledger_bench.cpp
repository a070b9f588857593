// ledger-bench: append throughput and latency of the PostgreSQL event store under concurrency.
// Each client appends a 3-event batch to a stream of its own, waits for the commit, repeats.
// Run by scripts/bench-ledger.sh, which also runs pgbench on the same server as the reference.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/run_blocking.h"
#include "ledger/postgres_store.h"

namespace {

using namespace upi;
namespace asio = boost::asio;
using Steady = std::chrono::steady_clock;

struct Args {
  std::string conninfo;
  int clients = 16;
  int seconds = 10;
};

bool parse(int argc, char** argv, Args& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--conninfo")
      args.conninfo = value;
    else if (flag == "--clients")
      args.clients = std::clamp(std::stoi(value), 1, 1024);
    else if (flag == "--seconds")
      args.seconds = std::clamp(std::stoi(value), 1, 600);
    else
      return false;
  }
  return !args.conninfo.empty();
}

asio::awaitable<void> client(ledger::EventStore& store, int id, Steady::time_point until,
                             std::vector<double>& latencies_ms, std::int64_t& failures) {
  const std::string stream = "bench-" + std::to_string(id);
  std::int64_t version = ledger::kNoStream;
  while (Steady::now() < until) {
    std::vector<ledger::NewEvent> events;
    for (int e = 0; e < 3; ++e) {
      events.push_back(ledger::NewEvent{"BenchEvent", {{"client", id}, {"n", version + e}}, {}});
    }
    const auto started = Steady::now();
    auto result = co_await store.append(stream, version, std::move(events));
    if (!result) {
      ++failures;
      continue;
    }
    version = result->stream_version;
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Steady::now() - started).count());
  }
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, args)) {
    std::fprintf(stderr, "usage: ledger-bench --conninfo CONNINFO [--clients N] [--seconds S]\n");
    return 2;
  }
  asio::io_context io;
  SystemClock clock;
  ledger::PostgresConfig config{.conninfo = args.conninfo,
                                .schema = "bench_" + std::to_string(::getpid())};
  auto store = run_on(io, ledger::PostgresStore::open(io, clock, config));
  if (!store) {
    std::fprintf(stderr, "cannot open the store: %s\n", store.error().message.c_str());
    return 1;
  }
  const auto until = Steady::now() + std::chrono::seconds(args.seconds);
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(args.clients));
  std::int64_t failures = 0;
  int running = args.clients;
  for (int c = 0; c < args.clients; ++c) {
    asio::co_spawn(io, client(**store, c, until, latencies[static_cast<std::size_t>(c)], failures),
                   [&](std::exception_ptr) { --running; });
  }
  const auto started = Steady::now();
  while (running > 0) io.run_one_for(std::chrono::milliseconds(100));
  const double elapsed = std::chrono::duration<double>(Steady::now() - started).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  std::printf(
      "clients %d, %.1f s: %zu appends (%.0f/s, %.0f events/s), %llu group commits "
      "(%.1f appends each), p50 %.2f ms, p99 %.2f ms, failures %lld\n",
      args.clients, elapsed, all.size(), all.size() / elapsed, 3 * all.size() / elapsed,
      static_cast<unsigned long long>((*store)->commits()),
      (*store)->commits() ? static_cast<double>((*store)->appends_committed()) / (*store)->commits()
                          : 0.0,
      percentile(all, 0.50), percentile(all, 0.99), static_cast<long long>(failures));
  std::printf("appends_per_second %.0f\n", all.size() / elapsed);
  (*store)->close();
  io.run_for(std::chrono::milliseconds(100));
  return failures == 0 ? 0 : 1;
}
