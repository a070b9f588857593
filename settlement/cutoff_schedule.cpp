#include "settlement/cutoff_schedule.h"

#include <algorithm>
#include <cassert>

namespace upi::settlement {

CutoffSchedule CutoffSchedule::daily(std::vector<int> minutes_utc) {
  assert(!minutes_utc.empty() && std::is_sorted(minutes_utc.begin(), minutes_utc.end()));
  CutoffSchedule schedule;
  for (int minute : minutes_utc) {
    assert(minute >= 0 && minute < 1440);
    schedule.offsets_ms_.push_back(std::int64_t{minute} * 60'000);
  }
  return schedule;
}

CutoffSchedule CutoffSchedule::every(std::int64_t period_ms) {
  assert(period_ms >= kPeriodMsMin && period_ms <= kDayMs);
  CutoffSchedule schedule;
  schedule.period_ms_ = period_ms;
  schedule.offsets_ms_ = {0};
  return schedule;
}

std::int64_t CutoffSchedule::latest_at_or_before(std::int64_t now_ms) const {
  assert(now_ms >= 0);
  const std::int64_t start = now_ms - now_ms % period_ms_;
  const std::int64_t into = now_ms - start;
  // The last offset <= into, else the last one of the period before.
  auto it = std::upper_bound(offsets_ms_.begin(), offsets_ms_.end(), into);
  if (it == offsets_ms_.begin()) return start - period_ms_ + offsets_ms_.back();
  return start + *std::prev(it);
}

std::int64_t CutoffSchedule::next_after(std::int64_t now_ms) const {
  assert(now_ms >= 0);
  const std::int64_t start = now_ms - now_ms % period_ms_;
  const std::int64_t into = now_ms - start;
  auto it = std::upper_bound(offsets_ms_.begin(), offsets_ms_.end(), into);
  if (it == offsets_ms_.end()) return start + period_ms_ + offsets_ms_.front();
  return start + *it;
}

}  // namespace upi::settlement
