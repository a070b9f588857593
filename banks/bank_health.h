// Bank health: a failure detector and a circuit breaker per remote bank. Calls and heartbeats
// (like UPI's ReqHbt) report success or failure; failures_to_open consecutive failures open the
// circuit, and while it is open the switch sends that bank nothing but heartbeats. After
// open_ms the circuit is half-open: the next heartbeat is the probe, and closes it on success
// or opens it again on failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/timer.h"

namespace upi::banks {

enum class Circuit { kClosed, kOpen, kHalfOpen };
std::string_view circuit_name(Circuit c);  // CLOSED, OPEN, HALF_OPEN

struct HealthConfig {
  int failures_to_open = 5;
  int open_ms = 2'000;
  int heartbeat_ms = 1'000;
  int heartbeat_timeout_ms = 500;
};

class BankHealth {
 public:
  using Clock = MonotonicClock;
  explicit BankHealth(HealthConfig config = {}) : config_(config) {}

  // True when calls may go to the bank (the circuit is closed).
  bool available() const { return circuit_ == Circuit::kClosed; }
  // Moves an open circuit to half-open once open_ms have passed; true when the next
  // heartbeat is a probe.
  bool probe_due(Clock::time_point now);
  void on_success();
  void on_failure(Clock::time_point now);

  Circuit circuit() const { return circuit_; }
  int consecutive_failures() const { return consecutive_failures_; }
  std::uint64_t failures() const { return failures_; }
  std::uint64_t times_opened() const { return times_opened_; }
  const HealthConfig& config() const { return config_; }

 private:
  HealthConfig config_;
  Circuit circuit_ = Circuit::kClosed;
  int consecutive_failures_ = 0;
  std::uint64_t failures_ = 0;
  std::uint64_t times_opened_ = 0;
  Clock::time_point opened_at_{};
};

}  // namespace upi::banks
