#include "common/timer.h"

#include <atomic>
#include <cassert>

namespace upi {
namespace {

// Nanoseconds of simulated time, or -1 when time is real.
std::atomic<std::int64_t> simulated_ns{-1};

std::int64_t real_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

MonotonicClock::time_point MonotonicClock::now() noexcept {
  const std::int64_t simulated = simulated_ns.load(std::memory_order_relaxed);
  return time_point(duration(simulated >= 0 ? simulated : real_ns()));
}

bool MonotonicClock::simulated() noexcept {
  return simulated_ns.load(std::memory_order_relaxed) >= 0;
}

MonotonicClock::duration MonotonicWaitTraits::to_wait_duration(const MonotonicClock::duration& d) {
  return MonotonicClock::simulated() ? MonotonicClock::duration::zero() : d;
}

MonotonicClock::duration MonotonicWaitTraits::to_wait_duration(
    const MonotonicClock::time_point& t) {
  if (MonotonicClock::simulated()) return MonotonicClock::duration::zero();
  return t - MonotonicClock::now();
}

std::chrono::steady_clock::time_point to_steady(Deadline deadline) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(deadline -
                                                                         MonotonicClock::now());
}

SimulatedTime::SimulatedTime() {
  const std::int64_t was = simulated_ns.exchange(real_ns());
  assert(was < 0 && "one simulation at a time");
  (void)was;
}

SimulatedTime::~SimulatedTime() {
  simulated_ns.store(-1);
}

void SimulatedTime::advance(MonotonicClock::duration by) {
  assert(by.count() >= 0);
  simulated_ns.fetch_add(by.count());
}

}  // namespace upi
