// Mock banks whose books (accounts and leg records) live in PostgreSQL, so that a restart of
// the switch loses nothing of the simulation. Each leg is one call of a SQL function that
// does what MockBank does, atomically; the same leg id twice moves money once.
#pragma once

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

class PostgresBankCore final : public BankCore {
 public:
  PostgresBankCore(BankSpec spec, pg::Pool& pool) : spec_(std::move(spec)), pool_(pool) {}

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

 private:
  // Calls one bank_* SQL function that returns a leg row.
  asio::awaitable<Result<pg::Rows>> call(std::string sql, std::vector<pg::Param> params);

  BankSpec spec_;
  pg::Pool& pool_;
};

}  // namespace upi::banks
