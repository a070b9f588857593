#include "sagas/recovery.h"

#include <spdlog/spdlog.h>

namespace upi::sagas {

Recovery::Recovery(PaymentSagaEngine& engine, ledger::ViewStore& views, Lease& lease,
                   const Clock& clock)
    : engine_(engine),
      views_(views),
      lease_(lease),
      clock_(clock),
      periodic_("recovery", std::chrono::milliseconds(interval_ms()),
                [this] { return periodic_pass(); }) {}

asio::awaitable<Result<std::size_t>> Recovery::pass(bool at_start) {
  if (!lease_.held()) co_return std::size_t{0};
  if (at_start) read_after_.clear();
  std::size_t resumed = 0;
  for (std::size_t pages = 0; pages < kPagesPerPassMax; ++pages) {
    auto page = co_await views_.pending(read_after_, ledger::kPendingPageMax);
    if (!page) co_return std::unexpected(page.error());
    // Read after the page: a node that wrote a payment on it had its lease before.
    auto live = co_await lease_.live_nodes();
    if (!live) co_return std::unexpected(live.error());
    resumed += resume_page(*page, *live, at_start);
    const bool last = page->size() < ledger::kPendingPageMax;
    read_after_ = last ? std::string() : page->back().id;
    if (last) break;
  }
  if (resumed > 0) spdlog::info("recovery: resuming {} payments that were in flight", resumed);
  co_return resumed;
}

std::size_t Recovery::resume_page(const std::vector<ledger::PendingPayment>& page,
                                  const std::set<std::string>& live, bool at_start) {
  const std::string& me = lease_.node_id();
  const std::int64_t settled_before_ms = clock_.now_ms() - 2 * interval_ms();
  std::size_t resumed = 0;
  for (const auto& p : page) {
    if (engine_.knows(p.id)) continue;
    const bool mine = p.owner_node == me;
    if (!mine && live.contains(p.owner_node)) continue;  // its owner is alive and drives it
    if (mine && !at_start && p.updated_at_ms > settled_before_ms) continue;
    engine_.resume(p.id, p.owner_node);
    ++resumed;
  }
  return resumed;
}

void Recovery::start(TaskGroup& group) {
  periodic_.start(group);
}

asio::awaitable<void> Recovery::periodic_pass() {
  auto resumed = co_await pass(false);
  if (!resumed) spdlog::warn("recovery pass failed: {}", resumed.error().message);
}

}  // namespace upi::sagas
