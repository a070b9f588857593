#include "ledger/view_store.h"

#include <cassert>

namespace upi::ledger {

asio::awaitable<Result<void>> MemoryViewStore::apply(const std::vector<RecordedEvent>& batch) {
  for (const auto& event : batch) {
    if (event.position <= views_.checkpoint()) continue;
    views_.apply(event);
  }
  co_return Result<void>{};
}

asio::awaitable<Result<PaymentPage>> MemoryViewStore::list_payments(ListQuery query) {
  co_return views_.list_payments(query);
}

asio::awaitable<Result<std::vector<PositionRow>>> MemoryViewStore::positions(std::string bank) {
  co_return views_.positions(bank);
}

asio::awaitable<Result<std::map<std::string, RailStatsRow>>> MemoryViewStore::rail_stats() {
  co_return views_.rail_stats();
}

asio::awaitable<Result<std::vector<PaymentSummary>>> MemoryViewStore::refunds(
    std::string payment_id) {
  co_return views_.refunds(payment_id);
}

asio::awaitable<Result<CollectPage>> MemoryViewStore::collects(CollectQuery query) {
  co_return views_.collects(query);
}

asio::awaitable<Result<std::vector<std::string>>> MemoryViewStore::collects_expired(
    std::int64_t now_ms, std::size_t limit) {
  co_return views_.collects_expired(now_ms, limit);
}

asio::awaitable<Result<std::vector<std::string>>> MemoryViewStore::collects_unpaid(
    std::size_t limit) {
  co_return views_.collects_unpaid(limit);
}

asio::awaitable<Result<std::vector<PendingPayment>>> MemoryViewStore::pending(std::string after_id,
                                                                              std::size_t limit) {
  co_return views_.pending_payments(after_id, limit);
}

asio::awaitable<Result<std::vector<CycleSummary>>> MemoryViewStore::settlement_cycles(
    std::int64_t before_cycle, std::size_t limit) {
  co_return views_.cycles(before_cycle, limit);
}

asio::awaitable<Result<std::optional<CycleReport>>> MemoryViewStore::settlement_cycle(
    std::int64_t cycle) {
  co_return views_.cycle(cycle);
}

asio::awaitable<Result<std::map<std::string, std::int64_t>>> MemoryViewStore::counters(
    std::string prefix) {
  co_return views_.counters(prefix, kCountersListedMax);
}

asio::awaitable<Result<CycleLegs>> MemoryViewStore::cycle_legs(std::int64_t cycle,
                                                               std::string bank) {
  co_return views_.cycle_legs(cycle, bank);
}

asio::awaitable<Result<json::object>> MemoryViewStore::snapshot() {
  co_return views_.snapshot();
}

}  // namespace upi::ledger
