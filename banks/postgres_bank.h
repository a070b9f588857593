// Mock banks whose books (accounts and leg records) live in PostgreSQL, so that a restart of
// the switch loses nothing of the simulation. Each leg is one call of a SQL function that
// does what MockBank does, atomically; the same leg id twice moves money once.
#pragma once

#include <deque>

#include "banks/bank_core.h"
#include "common/pg.h"
#include "common/world.h"

namespace upi::banks {

// The books' tables and leg functions: migration "banks/1" (applied by pg::migrate).
std::vector<pg::Migration> postgres_bank_migrations();

// Seeds the world's accounts that the database does not have yet (the migrations must have
// run): starting again with the same world never resets a balance. Error code:
// BANKS_UNAVAILABLE.
asio::awaitable<Result<void>> prepare_postgres_banks(pg::Pool& pool, const World& world);

// Runs the legs of every in-process bank in few transactions (group commit): the legs that
// arrive while one transaction is in flight go together in the next, each still its own SQL
// call and answered by itself; a transaction that fails is retried leg by leg (legs are
// idempotent by their ids), so one bad leg cannot fail the others. Single-threaded.
class LegBatcher {
 public:
  static constexpr std::size_t kBatchLegsMax = 256;
  static constexpr std::size_t kQueuedLegsMax = 10'000;

  explicit LegBatcher(pg::Pool& pool) : pool_(pool) {}
  // Runs sql with params in the next batch; the rows of its answer. lock_key orders the legs of
  // a batch (the account they lock), so that two switch nodes' batches take row locks in one
  // order. Error code: PG_BUSY when kQueuedLegsMax legs are waiting; else the statement's.
  asio::awaitable<pg::PgResult<pg::Rows>> run(std::string sql, std::vector<pg::Param> params,
                                              std::string lock_key);
  std::int64_t transactions() const { return transactions_; }
  std::int64_t legs() const { return legs_; }

 private:
  struct Call;
  asio::awaitable<void> write_loop();
  asio::awaitable<void> write_batch(std::vector<Call*>& batch);
  // The batch in one transaction, sent in one round trip; false when that transaction failed
  // (then each leg runs alone). Without a connection every leg is answered with that error.
  asio::awaitable<bool> write_together(std::vector<Call*>& batch);

  pg::Pool& pool_;
  std::deque<Call*> queue_;
  bool writing_ = false;
  std::int64_t transactions_ = 0;
  std::int64_t legs_ = 0;
};

class PostgresBankCore final : public BankCore {
 public:
  // Legs go through batcher when given, else one transaction each.
  PostgresBankCore(BankSpec spec, pg::Pool& pool, LegBatcher* batcher = nullptr)
      : spec_(std::move(spec)), pool_(pool), batcher_(batcher) {}

  const BankSpec& spec() const override { return spec_; }
  asio::awaitable<Result<LegAnswer>> debit(std::string leg_id, std::string account,
                                           Paise amount) override;
  asio::awaitable<Result<LegAnswer>> credit(std::string leg_id, std::string account,
                                            Paise amount) override;
  asio::awaitable<Result<LegAnswer>> reverse(std::string leg_id, std::string debit_leg_id) override;
  asio::awaitable<Result<LegAnswer>> decline(LegKind kind, std::string leg_id, std::string account,
                                             Paise amount) override;
  asio::awaitable<Result<StatusAnswer>> status(std::string leg_id) override;
  asio::awaitable<Result<Paise>> balance(std::string account) override;
  asio::awaitable<Result<std::vector<LegRecord>>> legs(std::string after,
                                                       std::size_t limit) override;

 private:
  // Calls one bank_* SQL function that returns a leg row (lock_key: see LegBatcher::run).
  asio::awaitable<Result<pg::Rows>> call(std::string sql, std::vector<pg::Param> params,
                                         std::string lock_key = {});

  BankSpec spec_;
  pg::Pool& pool_;
  LegBatcher* batcher_;
};

}  // namespace upi::banks
