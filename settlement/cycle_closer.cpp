#include "settlement/cycle_closer.h"

#include "settlement/leg_merkle.h"

#include <algorithm>
#include <cassert>
#include <optional>

#include "ledger/settlement_events.h"

namespace upi::settlement {
namespace ev = ledger::events;

namespace {

constexpr auto kViewsWait = std::chrono::seconds(5);
constexpr std::size_t kTailPage = 64;

bool is_conflict(const Error& error) {
  return error.code == "VERSION_CONFLICT";
}

}  // namespace

// The settlement stream's end: its version, the open cycle, and the last cut-off.
struct CycleCloser::Tail {
  std::int64_t version = 0;
  std::int64_t open_cycle = 1;
  std::int64_t last_cutoff_at_ms = -1;  // -1: no cycle was ever cut off
  std::int64_t last_cutoff_position = 0;
  bool last_closed = true;  // whether the last cut-off's cycle is closed
};

CycleCloser::CycleCloser(ledger::EventStore& store, ledger::ViewStore& views,
                         ledger::Projector& projector, std::string node_id)
    : store_(store), views_(views), projector_(projector), node_id_(std::move(node_id)) {}

asio::awaitable<Result<CycleCloser::Tail>> CycleCloser::read_tail() {
  // The views know a cycle that is open or was: start at its predecessor's cut-off, so that
  // the last cut-off is among the events read however far the views lag.
  auto newest = co_await views_.settlement_cycles(0, 1);
  if (!newest) co_return std::unexpected(newest.error());
  const std::int64_t known_open = newest->empty() ? 1 : newest->front().cycle;
  std::int64_t from = known_open > 1 ? ev::cutoff_version(known_open - 1) : 1;
  Tail tail;
  for (;;) {
    const std::string stream(ev::kSettlementStream);
    auto page = co_await store_.read_stream(stream, from, kTailPage);
    if (!page) co_return std::unexpected(page.error());
    for (const auto& e : *page) {
      auto decoded = ev::decode_settlement(e);
      assert(decoded && "the settlement stream holds settlement events only");
      if (!decoded) co_return std::unexpected(decoded.error());
      tail.version = e.version;
      if (const auto* cut = std::get_if<ev::SettlementCutOff>(&*decoded)) {
        tail.open_cycle = cut->cycle + 1;
        tail.last_cutoff_at_ms = cut->cutoff_at_ms;
        tail.last_cutoff_position = e.position;
        tail.last_closed = false;
      } else {
        tail.last_closed = true;
      }
    }
    if (page->size() < kTailPage) break;
    from = page->back().version + 1;
  }
  assert(tail.version == (tail.last_closed ? ev::closed_version(tail.open_cycle - 1)
                                           : ev::cutoff_version(tail.open_cycle - 1)));
  co_return tail;
}

asio::awaitable<Result<std::int64_t>> CycleCloser::finish(std::int64_t cycle,
                                                          std::int64_t cutoff_position) {
  const bool folded = co_await projector_.wait_for(cutoff_position, kViewsWait);
  if (!folded) {
    co_return fail(ErrorKind::kUnavailable, "VIEWS_BEHIND",
                   "the read views have not reached cycle " + std::to_string(cycle) +
                       "'s cut-off yet; it is closed on the next attempt");
  }
  auto report = co_await views_.settlement_cycle(cycle);
  if (!report) co_return std::unexpected(report.error());
  assert(*report && (*report)->summary.status != ledger::kCycleOpen && "a cut-off cycle");
  if (!*report || (*report)->summary.status == ledger::kCycleClosed) co_return 0;
  const ledger::CycleReport& r = **report;
  assert(ledger::consistent(r) && "a cycle's totals agree with its rows");
  const std::string every_bank;
  auto legs = co_await views_.cycle_legs(cycle, every_bank);
  if (!legs) co_return std::unexpected(legs.error());
  ev::SettlementCycleClosed closed{cycle,
                                   r.summary.cutoff_position,
                                   r.summary.completed,
                                   r.summary.reversed,
                                   r.summary.volume,
                                   r.rows,
                                   {}};
  for (const auto& [bank, list] : *legs) {
    closed.leg_roots.push_back({bank, static_cast<std::int64_t>(list.size()), leg_root_hex(list)});
  }
  std::vector<ledger::NewEvent> events{ev::to_new_event(closed, node_id_)};
  const std::string stream(ev::kSettlementStream);
  auto appended = co_await store_.append(stream, ev::cutoff_version(cycle), std::move(events));
  if (!appended && !is_conflict(appended.error())) co_return std::unexpected(appended.error());
  co_return appended ? appended->last_position : 0;  // 0: another node closed it, the same way
}

asio::awaitable<Result<void>> CycleCloser::finish_cut_off() {
  auto tail = co_await read_tail();
  if (!tail) co_return std::unexpected(tail.error());
  if (tail->last_closed) co_return Result<void>{};
  auto finished = co_await finish(tail->open_cycle - 1, tail->last_cutoff_position);
  if (!finished) co_return std::unexpected(finished.error());
  co_return Result<void>{};
}

asio::awaitable<Result<CloseOutcome>> CycleCloser::close(CloseRequest request) {
  auto tail = co_await read_tail();
  if (!tail) co_return std::unexpected(tail.error());
  if (!tail->last_closed) {
    auto finished = co_await finish(tail->open_cycle - 1, tail->last_cutoff_position);
    if (!finished) co_return std::unexpected(finished.error());
  }
  const std::int64_t open = tail->open_cycle;
  if (request.cycle > open) {
    co_return fail(ErrorKind::kConflict, "CYCLE_NOT_OPEN",
                   "cycle " + std::to_string(request.cycle) + " is not open yet; cycle " +
                       std::to_string(open) + " is");
  }
  if (request.cycle != 0 && request.cycle < open) co_return CloseOutcome{request.cycle, false, 0};
  if (request.cause == kCauseSchedule && tail->last_cutoff_at_ms >= request.cutoff_at_ms)
    co_return CloseOutcome{open - 1, false, 0};
  ev::SettlementCutOff cut{open, request.cutoff_at_ms, std::string(request.cause),
                           request.requested_by};
  std::vector<ledger::NewEvent> events{ev::to_new_event(cut, node_id_)};
  const std::string stream(ev::kSettlementStream);
  auto appended = co_await store_.append(stream, ev::closed_version(open - 1), std::move(events));
  if (!appended && is_conflict(appended.error())) {
    // Another request cut the open cycle off first: that one is this request's answer.
    auto finished = co_await finish_cut_off();
    if (!finished) co_return std::unexpected(finished.error());
    co_return CloseOutcome{open, false, 0};
  }
  if (!appended) co_return std::unexpected(appended.error());
  auto finished = co_await finish(open, appended->last_position);
  if (!finished) co_return std::unexpected(finished.error());
  co_return CloseOutcome{open, true, std::max(*finished, appended->last_position)};
}

}  // namespace upi::settlement
