#include "banks/bank_health.h"

namespace upi::banks {

std::string_view circuit_name(Circuit c) {
  switch (c) {
    case Circuit::kClosed:
      return "CLOSED";
    case Circuit::kOpen:
      return "OPEN";
    case Circuit::kHalfOpen:
      return "HALF_OPEN";
  }
  return "";
}

bool BankHealth::probe_due(Clock::time_point now) {
  if (circuit_ == Circuit::kOpen && now >= opened_at_ + std::chrono::milliseconds(config_.open_ms))
    circuit_ = Circuit::kHalfOpen;
  return circuit_ == Circuit::kHalfOpen;
}

void BankHealth::on_success() {
  consecutive_failures_ = 0;
  circuit_ = Circuit::kClosed;
}

void BankHealth::on_failure(Clock::time_point now) {
  ++failures_;
  ++consecutive_failures_;
  const bool trip =
      circuit_ == Circuit::kHalfOpen ||
      (circuit_ == Circuit::kClosed && consecutive_failures_ >= config_.failures_to_open);
  if (trip) {
    if (circuit_ == Circuit::kClosed) ++times_opened_;
    circuit_ = Circuit::kOpen;
    opened_at_ = now;
  }
}

}  // namespace upi::banks
