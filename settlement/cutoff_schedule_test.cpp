#include "settlement/cutoff_schedule.h"

#include <gtest/gtest.h>

namespace upi::settlement {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDay = 20'000 * kDayMs;  // a midnight UTC

TEST(CutoffSchedule, DailyCutOffsWrapAroundMidnight) {
  const auto schedule = CutoffSchedule::daily({30, 750, 1350});
  EXPECT_EQ(schedule.next_after(kDay), kDay + 30 * kMinuteMs);
  EXPECT_EQ(schedule.next_after(kDay + 30 * kMinuteMs), kDay + 750 * kMinuteMs);
  EXPECT_EQ(schedule.next_after(kDay + 1350 * kMinuteMs), kDay + kDayMs + 30 * kMinuteMs);
  EXPECT_EQ(schedule.latest_at_or_before(kDay + 30 * kMinuteMs), kDay + 30 * kMinuteMs);
  EXPECT_EQ(schedule.latest_at_or_before(kDay + 29 * kMinuteMs), kDay - kDayMs + 1350 * kMinuteMs);
  EXPECT_EQ(schedule.latest_at_or_before(kDay + 1000 * kMinuteMs), kDay + 750 * kMinuteMs);
}

TEST(CutoffSchedule, APeriodCountsFromTheEpoch) {
  const auto schedule = CutoffSchedule::every(5'000);
  EXPECT_EQ(schedule.latest_at_or_before(12'345), 10'000);
  EXPECT_EQ(schedule.latest_at_or_before(15'000), 15'000);
  EXPECT_EQ(schedule.next_after(15'000), 20'000);
  EXPECT_EQ(schedule.next_after(14'999), 15'000);
}

}  // namespace
}  // namespace upi::settlement
