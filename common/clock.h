// An injectable wall clock, so tests control time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace upi {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// A clock that moves only when told to; it may be set backwards to test that callers cope.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms) : now_ms_(start_ms) {}
  std::int64_t now_ms() const override { return now_ms_.load(); }
  void set_ms(std::int64_t ms) { now_ms_.store(ms); }
  void advance_ms(std::int64_t ms) { now_ms_.fetch_add(ms); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

// RFC 3339 UTC timestamp with milliseconds, e.g. "2026-11-28T12:00:00.123Z".
std::string format_timestamp(std::int64_t unix_ms);

}  // namespace upi
