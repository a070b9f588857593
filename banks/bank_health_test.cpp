// The circuit breaker: opens after consecutive failures, probes after open_ms, closes on a
// successful probe and opens again on a failed one.
#include "banks/bank_health.h"

#include <gtest/gtest.h>

namespace upi::banks {
namespace {

TEST(BankHealth, OpensAfterConsecutiveFailuresAndClosesOnAGoodProbe) {
  BankHealth health(HealthConfig{.failures_to_open = 3, .open_ms = 1000});
  const auto t0 = BankHealth::Clock::time_point{} + std::chrono::hours(1);
  health.on_failure(t0);
  health.on_failure(t0);
  health.on_success();  // a success resets the count
  health.on_failure(t0);
  health.on_failure(t0);
  EXPECT_TRUE(health.available());
  health.on_failure(t0);
  EXPECT_FALSE(health.available());
  EXPECT_EQ(health.circuit(), Circuit::kOpen);
  EXPECT_FALSE(health.probe_due(t0 + std::chrono::milliseconds(999)));
  EXPECT_TRUE(health.probe_due(t0 + std::chrono::milliseconds(1000)));
  EXPECT_EQ(health.circuit(), Circuit::kHalfOpen);
  EXPECT_FALSE(health.available()) << "only the probe goes to a half-open bank";
  health.on_failure(t0 + std::chrono::milliseconds(1000));  // the probe failed
  EXPECT_EQ(health.circuit(), Circuit::kOpen);
  EXPECT_FALSE(health.probe_due(t0 + std::chrono::milliseconds(1999)));
  EXPECT_TRUE(health.probe_due(t0 + std::chrono::milliseconds(2000)));
  health.on_success();
  EXPECT_TRUE(health.available());
  EXPECT_EQ(health.times_opened(), 1u);
  EXPECT_EQ(health.failures(), 6u);
}

}  // namespace
}  // namespace upi::banks
