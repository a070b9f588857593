// The monotonic time of every timer and deadline in the switch. It is std::chrono::steady_clock,
// unless a deterministic simulation (tests) takes it over with SimulatedTime: then time stands
// still until the simulation advances it, timers fire in virtual time, and a seed replays the
// same interleaving of sagas, banks and faults however fast or loaded the machine is.
#pragma once

#include <boost/asio/basic_waitable_timer.hpp>
#include <chrono>
#include <cstdint>

namespace upi {

struct MonotonicClock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<MonotonicClock, duration>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
  // True while a SimulatedTime is in force.
  static bool simulated() noexcept;
};

// How long the event loop may sleep for a timer: as asked in real time; not at all in a
// simulation, whose timers fire when the simulation moves time past them.
struct MonotonicWaitTraits {
  static MonotonicClock::duration to_wait_duration(const MonotonicClock::duration& d);
  static MonotonicClock::duration to_wait_duration(const MonotonicClock::time_point& t);
};

using Timer = boost::asio::basic_waitable_timer<MonotonicClock, MonotonicWaitTraits>;
using Deadline = MonotonicClock::time_point;

// Now plus ms milliseconds.
inline Deadline deadline_after_ms(std::int64_t ms) {
  return MonotonicClock::now() + std::chrono::milliseconds(ms);
}

// The same instant on std::chrono::steady_clock, for libraries that take only that (Beast's
// expiries): in real time the two clocks are one.
std::chrono::steady_clock::time_point to_steady(Deadline deadline);

// Takes MonotonicClock over for the life of the object: time starts at the moment it was
// taken and moves only by advance(). For single-threaded simulations in tests; one at a time.
class SimulatedTime {
 public:
  SimulatedTime();
  ~SimulatedTime();
  SimulatedTime(const SimulatedTime&) = delete;
  SimulatedTime& operator=(const SimulatedTime&) = delete;
  void advance(MonotonicClock::duration by);
};

}  // namespace upi
