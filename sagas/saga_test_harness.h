// A whole in-process switch core for saga tests: memory store, demo world, mock banks. On real
// time by default; with Time::kSimulated, time (timers, deadlines and the wall clock) moves only
// when the event loop has nothing ready, so a seed replays the same interleaving exactly.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "common/ids.h"
#include "common/timer.h"
#include "ledger/memory_store.h"
#include "ledger/payment_events.h"
#include "sagas/payment_saga.h"

namespace upi::sagas::testing {

inline SagaConfig fast_config() {
  SagaConfig config;
  config.leg_timeout_ms = 40;
  config.status_checks_max = 3;
  config.retry_backoff_base_ms = 1;
  config.retry_backoff_max_ms = 5;
  config.park_ms = 20;
  return config;
}

enum class Time { kReal, kSimulated };

// A wall clock that is the system's, or in a simulation a manual one that starts at a fixed
// instant (so ids and recorded times replay too).
class HarnessClock final : public Clock {
 public:
  explicit HarnessClock(Time time) : time_(time) {}
  std::int64_t now_ms() const override {
    return time_ == Time::kReal ? system_.now_ms() : manual_.now_ms();
  }
  void advance_ms(std::int64_t ms) { manual_.advance_ms(ms); }

 private:
  Time time_;
  SystemClock system_;
  ManualClock manual_{1'790'000'000'000};  // 2026-09-21T...Z
};

struct Harness {
  explicit Harness(SagaConfig config = fast_config(), std::uint64_t seed = 1,
                   const World& w = parse_world(demo_world_json()).value(), Time t = Time::kReal)
      : time(t),
        simulated(t == Time::kSimulated ? std::make_unique<SimulatedTime>() : nullptr),
        clock(t),
        world(w),
        scheme(parse_scheme(R"({"currency":"INR","rails":[
            {"rail":"IMPS","min":"0.01","max":"50000.00"},
            {"rail":"NEFT","min":"50000.01","max":"200000.00"},
            {"rail":"RTGS","min":"200000.01","max":"100000000.00"}],
            "settlement":{"neft_batch_interval_s":1}})")
                   .value()),
        store(clock),
        registry(world),
        banks(banks::BankNetwork::create(world, seed).value()),
        engine(io, store, registry, *banks, scheme, clock, config) {
    engine.start();
  }

  // Stops the engine and runs the loop until every saga coroutine has ended, so none outlives
  // the objects it uses.
  ~Harness() {
    engine.stop();
    bool joined = false;
    asio::co_spawn(
        io,
        [](PaymentSagaEngine& e, bool& done) -> asio::awaitable<void> {
          co_await e.join();
          done = true;
        }(engine, joined),
        asio::detached);
    const auto deadline = MonotonicClock::now() + std::chrono::seconds(30);
    while (!joined && MonotonicClock::now() < deadline) step();
    EXPECT_TRUE(joined) << "saga coroutines still running 30 s after stop()";
  }

  std::string pay(const std::string& payer, const std::string& payee, Paise amount) {
    const std::string id = ids.next();
    PaymentRequest request{payer, payee, amount, "test", "", "test-psp"};
    auto appended = store.append_now(ledger::events::payment_stream(id), ledger::kNoStream,
                                     {payment_requested_event(id, request, "node-0")});
    EXPECT_TRUE(appended.has_value());
    engine.drive(id);
    return id;
  }

  PaymentState state(const std::string& id) const {
    return fold(
        store.read_stream_now(ledger::events::payment_stream(id), 1, ledger::kReadLimitMax));
  }

  std::vector<std::string> types(const std::string& id) const {
    std::vector<std::string> out;
    for (const auto& e : store.read_stream_now(ledger::events::payment_stream(id), 1, 1000)) {
      out.push_back(e.type);
    }
    return out;
  }

  // Runs what is ready; in a simulation, when nothing is, moves time on by a millisecond.
  void step() {
    if (simulated) {
      if (io.poll() == 0) {
        simulated->advance(std::chrono::milliseconds(1));
        clock.advance_ms(1);
      }
    } else {
      io.run_for(std::chrono::milliseconds(5));
    }
    if (io.stopped()) io.restart();
  }

  // Runs the event loop for this long (simulated or real).
  void run_for(std::chrono::milliseconds span) {
    const auto until = MonotonicClock::now() + span;
    while (MonotonicClock::now() < until) step();
  }

  // Runs the event loop until every given payment is terminal (or 20 s pass, in simulated
  // time when simulated: a failure).
  void settle(const std::vector<std::string>& ids_to_wait) {
    const auto deadline = MonotonicClock::now() + std::chrono::seconds(20);
    auto all_terminal = [&] {
      for (const auto& id : ids_to_wait) {
        if (!state(id).terminal()) return false;
      }
      return true;
    };
    while (!all_terminal() && MonotonicClock::now() < deadline) {
      for (int i = 0; i < 50; ++i) step();  // folding every stream is the costly part
    }
    ASSERT_TRUE(all_terminal()) << "payments did not finish within 20 s";
  }

  Paise balance(const std::string& vpa) {
    auto resolved = registry.resolve(parse_vpa(vpa).value()).value();
    return banks->mock(resolved.bank)->balance(resolved.account).value();
  }

  Paise total_balance() {
    Paise total = 0;
    for (const auto& code : banks->codes()) total += banks->mock(code)->total_balance();
    return total;
  }

  void fault(const std::string& bank, std::vector<banks::FaultRule> rules) {
    banks->mock(bank)->faults().set(std::move(rules));
  }

  Time time;
  std::unique_ptr<SimulatedTime> simulated;  // taken before anything reads the time
  asio::io_context io;
  HarnessClock clock;
  World world;
  Scheme scheme;
  ledger::MemoryStore store;
  psp::Registry registry;
  std::unique_ptr<banks::BankNetwork> banks;
  PaymentSagaEngine engine;
  PaymentIdGenerator ids{clock, 0};
};

inline banks::FaultRule rule(banks::Operation op, banks::FaultAction action,
                             std::optional<std::int64_t> count = 1, std::int64_t delay_ms = 0) {
  return banks::FaultRule{op, action, 1.0, count, delay_ms};
}

}  // namespace upi::sagas::testing
