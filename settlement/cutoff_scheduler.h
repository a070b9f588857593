// Closes a settlement cycle at each cut-off of the schedule, and finishes a cycle that was cut
// off but not closed (a node stopped between the two appends). Cut-offs that passed while no
// node ran are not closed one by one: the next one closes everything since.
#pragma once

#include "common/async.h"
#include "common/clock.h"
#include "settlement/cutoff_schedule.h"
#include "settlement/cycle_closer.h"

namespace upi::settlement {

inline constexpr auto kSchedulerTick = std::chrono::seconds(1);

class CutoffScheduler {
 public:
  CutoffScheduler(CycleCloser& closer, ledger::ViewStore& views, CutoffSchedule schedule,
                  const Clock& clock);
  // Checks every kSchedulerTick in group until the group stops.
  void start(TaskGroup& group);

 private:
  asio::awaitable<void> tick();

  CycleCloser& closer_;
  ledger::ViewStore& views_;
  CutoffSchedule schedule_;
  const Clock& clock_;
  std::int64_t served_ms_;  // the latest cut-off this node has seen served
  PeriodicTask periodic_;
};

}  // namespace upi::settlement
