// When settlement cycles are cut off: at fixed UTC times of day (the scheme profile), or every
// period from the Unix epoch (demos and tests: --settlement-period-s).
#pragma once

#include <cstdint>
#include <vector>

namespace upi::settlement {

inline constexpr std::int64_t kPeriodMsMin = 1'000;
inline constexpr std::int64_t kDayMs = 86'400'000;

class CutoffSchedule {
 public:
  // minutes_utc: ascending, each in [0, 1440), at least one.
  static CutoffSchedule daily(std::vector<int> minutes_utc);
  // period_ms: within [kPeriodMsMin, kDayMs].
  static CutoffSchedule every(std::int64_t period_ms);

  // The latest cut-off at or before now_ms (Unix milliseconds, now_ms >= 0).
  std::int64_t latest_at_or_before(std::int64_t now_ms) const;
  // The first cut-off after now_ms.
  std::int64_t next_after(std::int64_t now_ms) const;

 private:
  std::vector<std::int64_t> offsets_ms_;  // within one period, ascending
  std::int64_t period_ms_ = kDayMs;
};

}  // namespace upi::settlement
