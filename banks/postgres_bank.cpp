#include "banks/postgres_bank.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>
#include <optional>

#include "common/async.h"

namespace upi::banks {
namespace {

// Every function returns a bank_legs row; a new row starts from bank_new_leg's defaults.
constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS bank_accounts (
  bank text NOT NULL, account text NOT NULL, balance bigint NOT NULL CHECK (balance >= 0),
  PRIMARY KEY (bank, account));
CREATE TABLE IF NOT EXISTS bank_legs (
  bank text NOT NULL, leg_id text NOT NULL, kind text NOT NULL,
  account text NOT NULL, amount bigint NOT NULL, reverses_leg_id text NOT NULL,
  reversed boolean NOT NULL, closed_unseen boolean NOT NULL, outcome text NOT NULL,
  code text NOT NULL, upi_code text NOT NULL, message text NOT NULL,
  bank_reference text NOT NULL, nothing_to_reverse boolean NOT NULL,
  PRIMARY KEY (bank, leg_id));
CREATE SEQUENCE IF NOT EXISTS bank_reference_seq;

CREATE OR REPLACE FUNCTION bank_new_leg(p_bank text, p_leg text, p_kind text, p_account text,
                                        p_amount bigint) RETURNS bank_legs
LANGUAGE sql AS $$
  SELECT ROW(p_bank, p_leg, p_kind, p_account, p_amount, '', false, false, 'applied', '', '', '',
             '', false)::bank_legs $$;

CREATE OR REPLACE FUNCTION bank_reference(p_bank text) RETURNS text
LANGUAGE sql AS $$ SELECT p_bank || lpad(nextval('bank_reference_seq')::text, 12, '0') $$;

CREATE OR REPLACE FUNCTION bank_closed_leg(p_bank text, p_leg text) RETURNS bank_legs
LANGUAGE sql AS $$
  SELECT ROW(p_bank, p_leg, 'debit', '', 0, '', false, true, 'declined', 'LEG_CLOSED', 'U30',
             'the bank already reported this leg as not received; it will not apply it now',
             '', false)::bank_legs $$;

CREATE OR REPLACE FUNCTION bank_debit(p_bank text, p_leg text, p_account text, p_amount bigint)
RETURNS bank_legs LANGUAGE plpgsql AS $$
DECLARE l bank_legs; bal bigint;
BEGIN
  SELECT * INTO l FROM bank_legs WHERE bank = p_bank AND leg_id = p_leg;
  IF FOUND THEN RETURN l; END IF;
  l := bank_new_leg(p_bank, p_leg, 'debit', p_account, p_amount);
  SELECT balance INTO bal FROM bank_accounts WHERE bank = p_bank AND account = p_account FOR UPDATE;
  IF NOT FOUND THEN
    l.outcome := 'declined'; l.code := 'ACCOUNT_NOT_FOUND'; l.upi_code := 'U30';
    l.message := 'no such account at ' || p_bank;
  ELSIF bal < p_amount THEN
    l.outcome := 'declined'; l.code := 'INSUFFICIENT_FUNDS'; l.upi_code := 'Z9';
    l.message := 'the payer''s balance is too low';
  ELSE
    UPDATE bank_accounts SET balance = balance - p_amount WHERE bank = p_bank AND account = p_account;
    l.bank_reference := bank_reference(p_bank);
  END IF;
  INSERT INTO bank_legs VALUES (l.*);
  RETURN l;
END $$;

CREATE OR REPLACE FUNCTION bank_credit(p_bank text, p_leg text, p_account text, p_amount bigint)
RETURNS bank_legs LANGUAGE plpgsql AS $$
DECLARE l bank_legs;
BEGIN
  SELECT * INTO l FROM bank_legs WHERE bank = p_bank AND leg_id = p_leg;
  IF FOUND THEN RETURN l; END IF;
  l := bank_new_leg(p_bank, p_leg, 'credit', p_account, p_amount);
  UPDATE bank_accounts SET balance = balance + p_amount WHERE bank = p_bank AND account = p_account;
  IF NOT FOUND THEN
    l.outcome := 'declined'; l.code := 'ACCOUNT_NOT_FOUND'; l.upi_code := 'U31';
    l.message := 'no such account at ' || p_bank;
  ELSE
    l.bank_reference := bank_reference(p_bank);
  END IF;
  INSERT INTO bank_legs VALUES (l.*);
  RETURN l;
END $$;

CREATE OR REPLACE FUNCTION bank_reverse(p_bank text, p_leg text, p_debit_leg text)
RETURNS bank_legs LANGUAGE plpgsql AS $$
DECLARE l bank_legs; d bank_legs;
BEGIN
  SELECT * INTO l FROM bank_legs WHERE bank = p_bank AND leg_id = p_leg;
  IF FOUND THEN RETURN l; END IF;
  l := bank_new_leg(p_bank, p_leg, 'reversal', '', 0);
  l.reverses_leg_id := p_debit_leg;
  SELECT * INTO d FROM bank_legs WHERE bank = p_bank AND leg_id = p_debit_leg FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO bank_legs VALUES ((bank_closed_leg(p_bank, p_debit_leg)).*);
    l.nothing_to_reverse := true;
  ELSIF d.kind <> 'debit' THEN
    l.outcome := 'declined'; l.code := 'REVERSAL_DECLINED'; l.upi_code := 'U32';
    l.message := p_debit_leg || ' is not a debit leg';
  ELSIF d.outcome <> 'applied' OR d.reversed THEN
    l.nothing_to_reverse := true;
  ELSE
    UPDATE bank_legs SET reversed = true WHERE bank = p_bank AND leg_id = p_debit_leg;
    UPDATE bank_accounts SET balance = balance + d.amount WHERE bank = p_bank AND account = d.account;
    l.account := d.account; l.amount := d.amount;
  END IF;
  IF l.outcome = 'applied' THEN l.bank_reference := bank_reference(p_bank); END IF;
  INSERT INTO bank_legs VALUES (l.*);
  RETURN l;
END $$;

CREATE OR REPLACE FUNCTION bank_decline(p_bank text, p_kind text, p_leg text, p_account text,
                                        p_amount bigint) RETURNS bank_legs
LANGUAGE plpgsql AS $$
DECLARE l bank_legs;
BEGIN
  SELECT * INTO l FROM bank_legs WHERE bank = p_bank AND leg_id = p_leg;
  IF FOUND THEN RETURN l; END IF;
  l := bank_new_leg(p_bank, p_leg, p_kind, p_account, p_amount);
  l.outcome := 'declined';
  l.code := CASE p_kind WHEN 'debit' THEN 'DEBIT_DECLINED' WHEN 'credit' THEN 'CREDIT_DECLINED'
                        ELSE 'REVERSAL_DECLINED' END;
  l.upi_code := CASE p_kind WHEN 'debit' THEN 'U30' WHEN 'credit' THEN 'U31' ELSE 'U32' END;
  l.message := CASE p_kind WHEN 'debit' THEN 'the payer''s bank declined the debit'
                           WHEN 'credit' THEN 'the payee''s bank declined the credit'
                           ELSE 'the bank declined the reversal' END;
  INSERT INTO bank_legs VALUES (l.*);
  RETURN l;
END $$;

CREATE OR REPLACE FUNCTION bank_status(p_bank text, p_leg text) RETURNS bank_legs
LANGUAGE plpgsql AS $$
DECLARE l bank_legs;
BEGIN
  SELECT * INTO l FROM bank_legs WHERE bank = p_bank AND leg_id = p_leg;
  IF FOUND THEN RETURN l; END IF;
  l := bank_closed_leg(p_bank, p_leg);
  INSERT INTO bank_legs VALUES (l.*);
  RETURN l;
END $$;
)sql";

constexpr char kLegColumns[] =
    "SELECT outcome, code, upi_code, message, bank_reference, nothing_to_reverse, closed_unseen "
    "FROM ";

LegAnswer answer_from(const pg::Rows& rows) {
  LegAnswer a;
  a.outcome = rows.text(0, 0) == "applied" ? LegOutcome::kApplied : LegOutcome::kDeclined;
  a.code = rows.text(0, 1);
  a.upi_code = rows.text(0, 2);
  a.message = rows.text(0, 3);
  a.bank_reference = rows.text(0, 4);
  a.nothing_to_reverse = rows.text(0, 5) == "t";
  return a;
}

Error unavailable(const pg::PgError& e) {
  return pg::to_error(e, "BANKS_UNAVAILABLE", "bank books in PostgreSQL");
}

}  // namespace

std::vector<pg::Migration> postgres_bank_migrations() {
  return {{"banks/1", kSchema}};
}

asio::awaitable<Result<void>> prepare_postgres_banks(pg::Pool& pool, const World& world) {
  std::vector<std::string> banks, accounts, balances;
  for (const auto& a : world.accounts) {
    banks.push_back(a.bank);
    accounts.push_back(a.account);
    balances.push_back(std::to_string(a.balance));
  }
  std::vector<pg::Param> seed{pg::text_array(banks), pg::text_array(accounts),
                              pg::text_array(balances)};
  auto seeded = co_await pool.query(
      "INSERT INTO bank_accounts (bank, account, balance) "
      "SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING",
      std::move(seed));
  if (!seeded) co_return std::unexpected(unavailable(seeded.error()));
  co_return Result<void>{};
}

struct LegBatcher::Call {
  std::string sql;
  std::vector<pg::Param> params;
  std::string lock_key;
  std::optional<pg::PgResult<pg::Rows>> result;
  OneShotEvent done;
};

asio::awaitable<pg::PgResult<pg::Rows>> LegBatcher::run(std::string sql,
                                                        std::vector<pg::Param> params,
                                                        std::string lock_key) {
  if (queue_.size() >= kQueuedLegsMax) {
    co_return std::unexpected(pg::PgError{"PG_BUSY", "", "too many bank legs waiting"});
  }
  auto executor = co_await asio::this_coro::executor;
  Call call{std::move(sql), std::move(params), std::move(lock_key), std::nullopt,
            OneShotEvent(executor)};
  queue_.push_back(&call);
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(executor, write_loop(), asio::detached);
  }
  co_await call.done.wait();
  assert(call.result.has_value());
  co_return std::move(*call.result);
}

asio::awaitable<void> LegBatcher::write_loop() {
  // The leg that starts the loop would otherwise go alone, before the legs already waiting to
  // run on this thread have queued: one turn of the event loop lets them join its batch.
  auto executor = co_await asio::this_coro::executor;
  co_await asio::post(executor, asio::use_awaitable);
  while (!queue_.empty()) {
    std::vector<Call*> batch;
    while (!queue_.empty() && batch.size() < kBatchLegsMax) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    try {
      co_await write_batch(batch);
    } catch (const std::exception& e) {
      for (Call* call : batch) {
        if (!call->result) call->result = std::unexpected(pg::PgError{"PG_ERROR", "", e.what()});
      }
    }
    for (Call* call : batch) call->done.set();
  }
  writing_ = false;
}

asio::awaitable<bool> LegBatcher::write_together(std::vector<Call*>& batch) {
  auto conn = co_await pool_.acquire();
  if (!conn) {
    // No connection for the batch is none for its legs either: each is answered with why
    // (leg by leg, every one would wait for a connection again).
    for (Call* call : batch) call->result = std::unexpected(conn.error());
    co_return true;
  }
  std::vector<pg::Statement> legs;
  for (const Call* call : batch) legs.push_back(pg::Statement{call->sql, call->params});
  ++transactions_;
  auto answers = co_await pg::Transaction::run(**conn, std::move(legs), pool_.deadline());
  if (!answers) co_return false;
  assert(answers->size() == batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move((*answers)[i]);
  co_return true;
}

asio::awaitable<void> LegBatcher::write_batch(std::vector<Call*>& batch) {
  std::stable_sort(batch.begin(), batch.end(),
                   [](const Call* a, const Call* b) { return a->lock_key < b->lock_key; });
  legs_ += static_cast<std::int64_t>(batch.size());
  if (batch.size() > 1) {
    const bool written = co_await write_together(batch);
    if (written) co_return;
  }
  // One leg alone, or a batch that failed: each leg on its own, so one bad leg fails only
  // itself. A batch whose COMMIT was lost may have applied; every leg is idempotent by its id,
  // so running it again answers what it did.
  for (Call* call : batch) {
    ++transactions_;
    call->result = co_await pool_.query(call->sql, call->params);
  }
}

asio::awaitable<Result<pg::Rows>> PostgresBankCore::call(std::string sql,
                                                         std::vector<pg::Param> params,
                                                         std::string lock_key) {
  // Not a ?: of two co_awaits: GCC 12 mishandles the temporaries of such an expression.
  pg::PgResult<pg::Rows> rows;
  if (batcher_ != nullptr) {
    rows = co_await batcher_->run(std::move(sql), std::move(params), std::move(lock_key));
  } else {
    rows = co_await pool_.query(std::move(sql), std::move(params));
  }
  if (!rows) co_return std::unexpected(unavailable(rows.error()));
  co_return std::move(*rows);
}

asio::awaitable<Result<LegAnswer>> PostgresBankCore::debit(std::string leg_id, std::string account,
                                                           Paise amount) {
  std::vector<pg::Param> params{spec_.code, leg_id, account, std::to_string(amount)};
  auto rows = co_await call(std::string(kLegColumns) + "bank_debit($1, $2, $3, $4)",
                            std::move(params), spec_.code + "/" + account);
  if (!rows) co_return std::unexpected(rows.error());
  co_return answer_from(*rows);
}

asio::awaitable<Result<LegAnswer>> PostgresBankCore::credit(std::string leg_id, std::string account,
                                                            Paise amount) {
  std::vector<pg::Param> params{spec_.code, leg_id, account, std::to_string(amount)};
  auto rows = co_await call(std::string(kLegColumns) + "bank_credit($1, $2, $3, $4)",
                            std::move(params), spec_.code + "/" + account);
  if (!rows) co_return std::unexpected(rows.error());
  co_return answer_from(*rows);
}

asio::awaitable<Result<LegAnswer>> PostgresBankCore::reverse(std::string leg_id,
                                                             std::string debit_leg_id) {
  std::vector<pg::Param> params{spec_.code, leg_id, debit_leg_id};
  auto rows =
      co_await call(std::string(kLegColumns) + "bank_reverse($1, $2, $3)", std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  co_return answer_from(*rows);
}

asio::awaitable<Result<LegAnswer>> PostgresBankCore::decline(LegKind kind, std::string leg_id,
                                                             std::string account, Paise amount) {
  std::vector<pg::Param> params{spec_.code, std::string(leg_kind_name(kind)), leg_id, account,
                                std::to_string(amount)};
  auto rows = co_await call(std::string(kLegColumns) + "bank_decline($1, $2, $3, $4, $5)",
                            std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  co_return answer_from(*rows);
}

asio::awaitable<Result<StatusAnswer>> PostgresBankCore::status(std::string leg_id) {
  std::vector<pg::Param> params{spec_.code, leg_id};
  auto rows = co_await call(std::string(kLegColumns) + "bank_status($1, $2)", std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->text(0, 6) == "t") co_return StatusAnswer{LegState::kNotFound, {}};
  LegAnswer answer = answer_from(*rows);
  const bool applied = answer.outcome == LegOutcome::kApplied;
  co_return StatusAnswer{applied ? LegState::kApplied : LegState::kDeclined, answer};
}

asio::awaitable<Result<Paise>> PostgresBankCore::balance(std::string account) {
  std::vector<pg::Param> params{spec_.code, account};
  auto rows = co_await call("SELECT balance FROM bank_accounts WHERE bank = $1 AND account = $2",
                            std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0)
    co_return fail(ErrorKind::kNotFound, "ACCOUNT_NOT_FOUND", "no such account at " + spec_.code);
  co_return rows->int64(0, 0);
}

asio::awaitable<Result<std::vector<LegRecord>>> PostgresBankCore::legs(std::string after,
                                                                       std::size_t limit) {
  // COLLATE "C": byte order, as the in-memory books and the pages' `after` compare.
  std::vector<pg::Param> params{spec_.code, after, std::to_string(limit)};
  auto rows = co_await call(
      "SELECT leg_id, kind, account, amount, reverses_leg_id, reversed, closed_unseen, outcome "
      "FROM bank_legs WHERE bank = $1 AND leg_id COLLATE \"C\" > $2 "
      "ORDER BY leg_id COLLATE \"C\" LIMIT $3",
      std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<LegRecord> page;
  for (int i = 0; i < rows->size(); ++i) {
    LegRecord leg;
    leg.leg_id = rows->text(i, 0);
    leg.kind = parse_leg_kind(rows->text(i, 1)).value_or(LegKind::kDebit);
    leg.account = rows->text(i, 2);
    leg.amount = rows->int64(i, 3);
    leg.reverses_leg_id = rows->text(i, 4);
    leg.reversed = rows->text(i, 5) == "t";
    leg.closed_unseen = rows->text(i, 6) == "t";
    leg.answer.outcome =
        rows->text(i, 7) == "applied" ? LegOutcome::kApplied : LegOutcome::kDeclined;
    page.push_back(std::move(leg));
  }
  co_return page;
}

}  // namespace upi::banks
