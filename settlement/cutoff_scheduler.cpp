#include "settlement/cutoff_scheduler.h"

#include <spdlog/spdlog.h>

namespace upi::settlement {

CutoffScheduler::CutoffScheduler(CycleCloser& closer, ledger::ViewStore& views,
                                 CutoffSchedule schedule, const Clock& clock)
    : closer_(closer),
      views_(views),
      schedule_(std::move(schedule)),
      clock_(clock),
      served_ms_(schedule_.latest_at_or_before(clock.now_ms())),
      periodic_("settlement cut-offs", kSchedulerTick, [this] { return tick(); }) {}

void CutoffScheduler::start(TaskGroup& group) {
  periodic_.start(group);
}

asio::awaitable<void> CutoffScheduler::tick() {
  const std::int64_t due_ms = schedule_.latest_at_or_before(clock_.now_ms());
  if (due_ms > served_ms_) {
    CloseRequest request{kCauseSchedule, "", due_ms, 0};
    auto closed = co_await closer_.close(std::move(request));
    if (!closed) {
      spdlog::warn("settlement cut-off at {} failed: {}", format_timestamp(due_ms),
                   closed.error().message);
      co_return;  // tried again at the next tick
    }
    served_ms_ = due_ms;
    if (closed->cut_off_here) {
      spdlog::info("settlement cycle {} closed at its cut-off {}", closed->cycle,
                   format_timestamp(due_ms));
    }
    co_return;
  }
  // A cycle left cut off but not closed shows in the views as CUT_OFF.
  auto newest = co_await views_.settlement_cycles(0, 2);
  if (!newest || newest->size() < 2 || (*newest)[1].status != ledger::kCycleCutOff) co_return;
  auto finished = co_await closer_.finish_cut_off();
  if (!finished) spdlog::warn("closing a cut-off cycle failed: {}", finished.error().message);
}

}  // namespace upi::settlement
