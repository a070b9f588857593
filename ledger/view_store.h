// Where the read views live: in memory (the embedded switch) or in PostgreSQL (durable, shared
// by every node). The projector feeds a ViewStore from the log; the API reads through it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <map>

#include "common/error.h"
#include "ledger/event.h"
#include "ledger/views.h"

namespace upi::ledger {

namespace asio = boost::asio;

// The most pending payments one read of pending() returns.
inline constexpr std::size_t kPendingPageMax = 1000;
inline constexpr std::size_t kCountersListedMax = 1000;

class ViewStore {
 public:
  virtual ~ViewStore() = default;

  // Folds in a batch of events in position order, with the views' checkpoint in the same
  // step. Events at or before the checkpoint are skipped (another node folded them in).
  // Error code: STORE_UNAVAILABLE.
  virtual asio::awaitable<Result<void>> apply(const std::vector<RecordedEvent>& batch) = 0;

  // Newest first; query.limit is within [1, kListLimitMax].
  virtual asio::awaitable<Result<PaymentPage>> list_payments(ListQuery query) = 0;
  // A bank's net positions, by rail and settlement window.
  virtual asio::awaitable<Result<std::vector<PositionRow>>> positions(std::string bank) = 0;
  // Payments by status and completed volume, per rail ("NONE" before a rail is chosen).
  virtual asio::awaitable<Result<std::map<std::string, RailStatsRow>>> rail_stats() = 0;
  // The refunds of a payment, oldest first: all of them (at most kRefundsListedMax).
  virtual asio::awaitable<Result<std::vector<PaymentSummary>>> refunds(std::string payment_id) = 0;
  // Collect requests, newest first; query.limit within [1, kListLimitMax].
  virtual asio::awaitable<Result<CollectPage>> collects(CollectQuery query) = 0;
  // PENDING collect requests whose expiry is at or before now_ms, at most limit.
  virtual asio::awaitable<Result<std::vector<std::string>>> collects_expired(std::int64_t now_ms,
                                                                             std::size_t limit) = 0;
  // APPROVED collect requests whose payment the views do not hold, at most limit.
  virtual asio::awaitable<Result<std::vector<std::string>>> collects_unpaid(std::size_t limit) = 0;
  // Payments (and refunds) not yet terminal whose ids follow after_id ("": from the first), oldest
  // first, at most limit.
  virtual asio::awaitable<Result<std::vector<PendingPayment>>> pending(std::string after_id,
                                                                       std::size_t limit) = 0;
  // Settlement cycles, newest first (the open one leads), those below before_cycle (0: from
  // the newest); limit is within [1, kCycleListLimitMax].
  virtual asio::awaitable<Result<std::vector<CycleSummary>>> settlement_cycles(
      std::int64_t before_cycle, std::size_t limit) = 0;
  // One cycle and its rows by bank and rail; nothing when there is no such cycle.
  virtual asio::awaitable<Result<std::optional<CycleReport>>> settlement_cycle(
      std::int64_t cycle) = 0;
  // The ledger's counters (ledger/counters.h) whose names start with prefix, by name, at most
  // kCountersListedMax of them.
  virtual asio::awaitable<Result<std::map<std::string, std::int64_t>>> counters(
      std::string prefix) = 0;
  // A cycle's legs by bank, each bank's by leg id, at most kCycleLegsMax in all; only those of
  // `bank` unless it is empty.
  virtual asio::awaitable<Result<CycleLegs>> cycle_legs(std::int64_t cycle, std::string bank) = 0;
  // Every view in the canonical form of ReadViews::snapshot(), to compare stores and rebuilds.
  virtual asio::awaitable<Result<json::object>> snapshot() = 0;
};

// The views in this process's memory.
class MemoryViewStore final : public ViewStore {
 public:
  asio::awaitable<Result<void>> apply(const std::vector<RecordedEvent>& batch) override;
  asio::awaitable<Result<PaymentPage>> list_payments(ListQuery query) override;
  asio::awaitable<Result<std::vector<PositionRow>>> positions(std::string bank) override;
  asio::awaitable<Result<std::map<std::string, RailStatsRow>>> rail_stats() override;
  asio::awaitable<Result<std::vector<PaymentSummary>>> refunds(std::string payment_id) override;
  asio::awaitable<Result<CollectPage>> collects(CollectQuery query) override;
  asio::awaitable<Result<std::vector<std::string>>> collects_expired(std::int64_t now_ms,
                                                                     std::size_t limit) override;
  asio::awaitable<Result<std::vector<std::string>>> collects_unpaid(std::size_t limit) override;
  asio::awaitable<Result<std::vector<PendingPayment>>> pending(std::string after_id,
                                                               std::size_t limit) override;
  asio::awaitable<Result<std::vector<CycleSummary>>> settlement_cycles(std::int64_t before_cycle,
                                                                       std::size_t limit) override;
  asio::awaitable<Result<std::optional<CycleReport>>> settlement_cycle(std::int64_t cycle) override;
  asio::awaitable<Result<std::map<std::string, std::int64_t>>> counters(
      std::string prefix) override;
  asio::awaitable<Result<CycleLegs>> cycle_legs(std::int64_t cycle, std::string bank) override;
  asio::awaitable<Result<json::object>> snapshot() override;

  const ReadViews& views() const { return views_; }

 private:
  ReadViews views_;
};

}  // namespace upi::ledger
