// The read views kept in PostgreSQL, shared by every switch node on the database.
//
// Each batch is folded in one transaction that locks the views' checkpoint row, skips what
// another node already folded in, upserts the touched payment rows and position rows with the
// fold that the memory views use (fold_summary), and moves the checkpoint: a view row and its
// checkpoint never disagree. rebuild() empties the views and folds the whole log again in one
// transaction, giving the same rows.
#pragma once

#include "common/pg.h"
#include "ledger/event_store.h"
#include "ledger/view_store.h"

namespace upi::ledger {

class PostgresViews final : public ViewStore {
 public:
  // Uses connections of pool (whose schema holds the ledger's migrations, which create the
  // view tables).
  explicit PostgresViews(pg::Pool& pool) : pool_(pool) {}

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

  // Empties the views and folds every event of store into them, in one transaction (live
  // projectors on other nodes wait for it). Returns the events folded in.
  asio::awaitable<Result<std::int64_t>> rebuild(EventStore& store);

 private:
  asio::awaitable<Result<pg::Rows>> read(std::string sql, std::vector<pg::Param> params);

  pg::Pool& pool_;
  std::int64_t known_checkpoint_ = 0;  // a lower bound, to skip batches without a round trip
};

// The DDL of the view tables (one of the ledger's migrations).
std::string postgres_views_migration();
// The settlement views (a later migration; it empties the views so that they fold again).
std::string postgres_settlement_views_migration();
// The view of the ledger's counters (ledger/counters.h).
std::string postgres_counter_views_migration();
// The legs of each cycle and the payment columns they fold from (emptying the views).
std::string postgres_leg_views_migration();
// The NEFT batch column of view_payments (a batch is named by its time).
std::string postgres_neft_views_migration();
// The refund column of view_payments and its index.
std::string postgres_refund_views_migration();
// The collect requests' view.
std::string postgres_collect_views_migration();

}  // namespace upi::ledger
