#include "ledger/postgres_views.h"

#include "common/pg_table.h"

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>
#include <charconv>
#include <tuple>

#include "ledger/payment_events.h"
#include "ledger/postgres_store.h"

namespace upi::ledger {
namespace {

constexpr std::size_t kRebuildBatch = 10'000;
// The settlement views of an empty ledger (initial_settlement()): cycle 1 open.
constexpr const char* kResetSettlementViews =
    "DELETE FROM view_settlement_rows; DELETE FROM view_settlement_cycles; "
    "DELETE FROM view_settlement_gross; "
    "INSERT INTO view_settlement_cycles VALUES (1, 'OPEN', 0, 0, 0, 0, 0, 0); ";
constexpr const char* kResetLegViews = "DELETE FROM view_settlement_legs; ";
bool ends_with_reason(const PaymentSummary& p) {
  return p.status == "FAILED" || p.status == "REVERSED";
}

// The reason columns of a row with an optional reason: empty text without one; read only where
// the row's status has one.
template <class Row, std::string Reason::*Field, bool (*HasReason)(const Row&)>
pg::Column<Row> reason_column(std::string_view name) {
  return {name, "text", [](const Row& r) { return r.reason ? (*r.reason).*Field : std::string(); },
          [](Row& r, const std::string& text) {
            if (!HasReason(r)) return true;
            if (!r.reason) r.reason.emplace();
            (*r.reason).*Field = text;
            return true;
          }};
}

// view_payments (migration ledger/2), described once; status comes before the reason columns,
// which read it.
const pg::Column<PaymentSummary> kSummaryColumns[] = {
    pg::text_column<&PaymentSummary::id>("id"),
    pg::text_column<&PaymentSummary::status>("status"),
    pg::text_column<&PaymentSummary::payer_vpa>("payer_vpa"),
    pg::text_column<&PaymentSummary::payee_vpa>("payee_vpa"),
    pg::text_column<&PaymentSummary::note>("note"),
    pg::text_column<&PaymentSummary::rail>("rail"),
    pg::int_column<&PaymentSummary::amount>("amount_paise"),
    reason_column<PaymentSummary, &Reason::code, ends_with_reason>("reason_code"),
    reason_column<PaymentSummary, &Reason::upi_code, ends_with_reason>("reason_upi_code"),
    reason_column<PaymentSummary, &Reason::message, ends_with_reason>("reason_message"),
    pg::int_column<&PaymentSummary::created_at_ms>("created_at_ms"),
    pg::int_column<&PaymentSummary::updated_at_ms>("updated_at_ms"),
    pg::int_column<&PaymentSummary::position>("position"),
    pg::int_column<&PaymentSummary::first_position>("first_position"),
    pg::text_column<&PaymentSummary::owner_node>("owner_node"),
    pg::int_column<&PaymentSummary::settlement_cycle>("settlement_cycle"),
    pg::text_column<&PaymentSummary::payer_bank>("payer_bank"),
    pg::text_column<&PaymentSummary::payer_account>("payer_account"),
    pg::text_column<&PaymentSummary::payee_bank>("payee_bank"),
    pg::text_column<&PaymentSummary::payee_account>("payee_account"),
    pg::text_column<&PaymentSummary::debit_leg_id>("debit_leg_id"),
    pg::text_column<&PaymentSummary::credit_leg_id>("credit_leg_id"),
    pg::text_column<&PaymentSummary::reversal_leg_id>("reversal_leg_id"),
    pg::int_column<&PaymentSummary::credit_at_ms>("credit_at_ms"),
    pg::text_column<&PaymentSummary::refund_of>("refund_of"),
};
const pg::Table<PaymentSummary> kSummaries("view_payments", kSummaryColumns);

// view_collects (migration ledger/9): a collect request's row.
bool declined_or_expired(const CollectRequest& c) {
  return c.status == kCollectDeclined || c.status == kCollectExpired;
}
const pg::Column<CollectRequest> kCollectColumns[] = {
    pg::text_column<&CollectRequest::id>("id"),
    pg::int_column<&CollectRequest::version>("version"),
    pg::text_column<&CollectRequest::status>("status"),
    pg::text_column<&CollectRequest::payee_vpa>("payee_vpa"),
    pg::text_column<&CollectRequest::payer_vpa>("payer_vpa"),
    pg::text_column<&CollectRequest::note>("note"),
    pg::text_column<&CollectRequest::request_hash>("request_hash"),
    pg::text_column<&CollectRequest::requested_by>("requested_by"),
    pg::int_column<&CollectRequest::amount>("amount_paise"),
    pg::int_column<&CollectRequest::expires_at_ms>("expires_at_ms"),
    pg::text_column<&CollectRequest::payment_id>("payment_id"),
    pg::text_column<&CollectRequest::answered_by>("answered_by"),
    reason_column<CollectRequest, &Reason::code, declined_or_expired>("reason_code"),
    reason_column<CollectRequest, &Reason::upi_code, declined_or_expired>("reason_upi_code"),
    reason_column<CollectRequest, &Reason::message, declined_or_expired>("reason_message"),
    pg::int_column<&CollectRequest::created_at_ms>("created_at_ms"),
    pg::int_column<&CollectRequest::updated_at_ms>("updated_at_ms"),
    pg::int_column<&CollectRequest::position>("position"),
    pg::int_column<&CollectRequest::first_position>("first_position"),
};
const pg::Table<CollectRequest> kCollects("view_collects", kCollectColumns);

CollectRequest collect_from(const pg::Rows& rows, int i) {
  auto c = kCollects.row(rows, i);
  assert(c && c->amount > 0 && c->version >= 1 && "a view row reads back sane");
  return c.value_or(CollectRequest{});
}

const std::string& upsert_collects() {
  static const std::string sql =
      "INSERT INTO view_collects (" + kCollects.write_list() + ") SELECT * FROM " +
      kCollects.unnest(1) +
      " ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status, "
      "payment_id = excluded.payment_id, answered_by = excluded.answered_by, "
      "reason_code = excluded.reason_code, reason_upi_code = excluded.reason_upi_code, "
      "reason_message = excluded.reason_message, updated_at_ms = excluded.updated_at_ms, "
      "position = excluded.position";
  return sql;
}

PaymentSummary summary_from(const pg::Rows& rows, int i) {
  auto p = kSummaries.row(rows, i);
  assert(p && p->amount > 0 && p->position >= p->first_position && "a view row reads back sane");
  return p.value_or(PaymentSummary{});
}

const std::string& upsert_summaries() {
  static const std::string sql =
      "INSERT INTO view_payments (" + kSummaries.write_list() + ") SELECT * FROM " +
      kSummaries.unnest(1) +
      " ON CONFLICT (id) DO UPDATE SET status = excluded.status, rail = excluded.rail, "
      "payer_vpa = excluded.payer_vpa, payee_vpa = excluded.payee_vpa, "
      "reason_code = excluded.reason_code, reason_upi_code = excluded.reason_upi_code, "
      "reason_message = excluded.reason_message, updated_at_ms = excluded.updated_at_ms, "
      "position = excluded.position, owner_node = excluded.owner_node, "
      "settlement_cycle = excluded.settlement_cycle, payer_bank = excluded.payer_bank, "
      "payer_account = excluded.payer_account, payee_bank = excluded.payee_bank, "
      "payee_account = excluded.payee_account, debit_leg_id = excluded.debit_leg_id, "
      "credit_leg_id = excluded.credit_leg_id, reversal_leg_id = excluded.reversal_leg_id";
  return sql;
}

// view_positions: what a fold adds (PositionDelta) and what a bank's positions read back.
const pg::Column<PositionDelta> kDeltaColumns[] = {
    pg::text_column<&PositionDelta::bank>("bank"),
    pg::text_column<&PositionDelta::rail>("rail"),
    pg::text_column<&PositionDelta::window>("settlement_window"),
    pg::int_column<&PositionDelta::debits>("debits_paise"),
    pg::int_column<&PositionDelta::credits>("credits_paise"),
};
const pg::Table<PositionDelta> kDeltas("view_positions", kDeltaColumns);
const pg::Column<PositionRow> kPositionColumns[] = {
    pg::text_column<&PositionRow::rail>("rail"),
    pg::text_column<&PositionRow::window>("settlement_window"),
    pg::int_column<&PositionRow::debits>("debits_paise"),
    pg::int_column<&PositionRow::credits>("credits_paise"),
};
const pg::Table<PositionRow> kPositions("view_positions", kPositionColumns);

const std::string& upsert_positions() {
  static const std::string sql =
      "INSERT INTO view_positions (" + kDeltas.write_list() + ") SELECT * FROM " +
      kDeltas.unnest(1) +
      " ON CONFLICT (bank, rail, settlement_window) DO UPDATE SET "
      "debits_paise = view_positions.debits_paise + excluded.debits_paise, "
      "credits_paise = view_positions.credits_paise + excluded.credits_paise";
  return sql;
}

using PositionKey = std::tuple<std::string, std::string, std::string>;

// view_settlement_cycles and view_settlement_rows (migration ledger/3).
const pg::Column<CycleSummary> kCycleColumns[] = {
    pg::int_column<&CycleSummary::cycle>("cycle"),
    pg::text_column<&CycleSummary::status>("status"),
    pg::int_column<&CycleSummary::cutoff_at_ms>("cutoff_at_ms"),
    pg::int_column<&CycleSummary::cutoff_position>("cutoff_position"),
    pg::int_column<&CycleSummary::closed_position>("closed_position"),
    pg::int_column<&CycleSummary::completed>("completed"),
    pg::int_column<&CycleSummary::reversed>("reversed"),
    pg::int_column<&CycleSummary::volume>("volume_paise"),
};
const pg::Table<CycleSummary> kCycles("view_settlement_cycles", kCycleColumns);

struct CycleRowRecord {
  std::int64_t cycle = 0;
  std::string bank, rail;
  Paise debits = 0, credits = 0;
  std::int64_t debit_count = 0, credit_count = 0;
};
const pg::Column<CycleRowRecord> kCycleRowColumns[] = {
    pg::int_column<&CycleRowRecord::cycle>("cycle"),
    pg::text_column<&CycleRowRecord::bank>("bank"),
    pg::text_column<&CycleRowRecord::rail>("rail"),
    pg::int_column<&CycleRowRecord::debits>("debits_paise"),
    pg::int_column<&CycleRowRecord::credits>("credits_paise"),
    pg::int_column<&CycleRowRecord::debit_count>("debit_count"),
    pg::int_column<&CycleRowRecord::credit_count>("credit_count"),
};
const pg::Table<CycleRowRecord> kCycleRows("view_settlement_rows", kCycleRowColumns);

bool parse_int64(const std::string& text, std::int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Columns of a field of a record's nested part (GrossRecord::item, LegRecord::leg).
template <class Record, class Part, Part Record::*Nested, std::string Part::*Field>
pg::Column<Record> nested_text(std::string_view name) {
  return {name, "text", [](const Record& r) { return r.*Nested.*Field; },
          [](Record& r, const std::string& text) {
            r.*Nested.*Field = text;
            return true;
          }};
}
template <class Record, class Part, Part Record::*Nested, std::int64_t Part::*Field>
pg::Column<Record> nested_int(std::string_view name) {
  return {name, "bigint", [](const Record& r) { return std::to_string(r.*Nested.*Field); },
          [](Record& r, const std::string& t) { return parse_int64(t, r.*Nested.*Field); }};
}

struct GrossRecord {
  std::int64_t cycle = 0;
  GrossItem item;
};
template <std::string GrossItem::*Field>
constexpr auto gross_text = nested_text<GrossRecord, GrossItem, &GrossRecord::item, Field>;
template <std::int64_t GrossItem::*Field>
constexpr auto gross_int = nested_int<GrossRecord, GrossItem, &GrossRecord::item, Field>;
const pg::Column<GrossRecord> kGrossColumns[] = {
    pg::int_column<&GrossRecord::cycle>("cycle"),
    gross_text<&GrossItem::payment_id>("payment_id"),
    gross_text<&GrossItem::payer_bank>("payer_bank"),
    gross_text<&GrossItem::payee_bank>("payee_bank"),
    gross_int<&GrossItem::amount>("amount_paise"),
    gross_int<&GrossItem::position>("position"),
};
const pg::Table<GrossRecord> kGross("view_settlement_gross", kGrossColumns);

// view_settlement_legs (migration ledger/6).
struct LegRecord {
  std::int64_t cycle = 0;
  std::string bank;
  SettledLeg leg;
};
template <std::string SettledLeg::*Field>
constexpr auto leg_text = nested_text<LegRecord, SettledLeg, &LegRecord::leg, Field>;
const pg::Column<LegRecord> kLegColumns[] = {
    pg::int_column<&LegRecord::cycle>("cycle"),
    pg::text_column<&LegRecord::bank>("bank"),
    leg_text<&SettledLeg::leg_id>("leg_id"),
    leg_text<&SettledLeg::kind>("kind"),
    leg_text<&SettledLeg::account>("account"),
    nested_int<LegRecord, SettledLeg, &LegRecord::leg, &SettledLeg::amount>("amount_paise"),
};
const pg::Table<LegRecord> kLegs("view_settlement_legs", kLegColumns);

const std::string& upsert_cycles() {
  static const std::string sql =
      "INSERT INTO view_settlement_cycles (" + kCycles.write_list() + ") SELECT * FROM " +
      kCycles.unnest(1) +
      " ON CONFLICT (cycle) DO UPDATE SET status = excluded.status, "
      "cutoff_at_ms = excluded.cutoff_at_ms, cutoff_position = excluded.cutoff_position, "
      "closed_position = excluded.closed_position, completed = excluded.completed, "
      "reversed = excluded.reversed, volume_paise = excluded.volume_paise";
  return sql;
}

const std::string& upsert_cycle_rows() {
  static const std::string sql =
      "INSERT INTO view_settlement_rows (" + kCycleRows.write_list() + ") SELECT * FROM " +
      kCycleRows.unnest(1) +
      " ON CONFLICT (cycle, bank, rail) DO UPDATE SET "
      "debits_paise = view_settlement_rows.debits_paise + excluded.debits_paise, "
      "credits_paise = view_settlement_rows.credits_paise + excluded.credits_paise, "
      "debit_count = view_settlement_rows.debit_count + excluded.debit_count, "
      "credit_count = view_settlement_rows.credit_count + excluded.credit_count";
  return sql;
}

// The cycles a batch can touch: the open one and one cut off but not yet closed.
pg::Statement load_unclosed_cycles() {
  return {"SELECT " + kCycles.read_list() +
              " FROM view_settlement_cycles WHERE status <> 'CLOSED' ORDER BY cycle",
          {}};
}

SettlementFold settlement_from(const pg::Rows& loaded) {
  SettlementFold fold;
  for (int i = 0; i < loaded.size(); ++i) {
    auto cycle = kCycles.row(loaded, i);
    assert(cycle && "a cycle row reads back");
    if (!cycle) continue;
    if (cycle->status == kCycleOpen) fold.open_cycle = cycle->cycle;
    fold.cycles[cycle->cycle] = *cycle;
  }
  assert(fold.cycles.contains(fold.open_cycle) && "one cycle is always open");
  return fold;
}

// The writes of what a batch's settlement fold changed.
void write_settlement(const SettlementFold& fold, std::vector<pg::Statement>& writes) {
  if (!fold.touched) return;
  writes.push_back({upsert_cycles(), kCycles.arrays(fold.cycles)});
  if (fold.rows.empty()) return;
  std::vector<CycleRowRecord> rows;
  for (const auto& [key, row] : fold.rows) {
    rows.push_back({std::get<0>(key), row.bank, row.rail, row.debits, row.credits, row.debit_count,
                    row.credit_count});
  }
  writes.push_back({upsert_cycle_rows(), kCycleRows.arrays(rows)});
  std::vector<LegRecord> legs;
  for (const auto& [key, list] : fold.legs) {
    for (const auto& leg : list) legs.push_back({key.first, key.second, leg});
  }
  // A payment ends once: its legs are new (a batch another node folded first is skipped).
  if (!legs.empty()) {
    writes.push_back({"INSERT INTO view_settlement_legs (" + kLegs.write_list() +
                          ") SELECT * FROM " + kLegs.unnest(1),
                      kLegs.arrays(legs)});
  }
  std::vector<GrossRecord> gross;
  for (const auto& [cycle, items] : fold.gross) {
    for (const auto& item : items) gross.push_back({cycle, item});
  }
  if (gross.empty()) return;
  // A payment completes once: its row is new (a batch another node folded first is skipped).
  writes.push_back({"INSERT INTO view_settlement_gross (" + kGross.write_list() +
                        ") SELECT * FROM " + kGross.unnest(1),
                    kGross.arrays(gross)});
}

void write_counters(const Counters& deltas, std::vector<pg::Statement>& writes) {
  if (deltas.values().empty()) return;
  std::vector<std::string> names;
  std::vector<std::int64_t> values;
  for (const auto& [name, delta] : deltas.values()) {
    names.push_back(name);
    values.push_back(delta);
  }
  writes.push_back(
      {"INSERT INTO view_counters (counter, value) SELECT * FROM unnest($1::text[], "
       "$2::bigint[]) ON CONFLICT (counter) DO UPDATE "
       "SET value = view_counters.value + excluded.value",
       {pg::text_array(names), pg::int_array(values)}});
}

// Loads the summaries of the payments that batch touches.
pg::Statement load_summaries(const std::vector<RecordedEvent>& batch) {
  std::vector<std::string> ids;
  for (const auto& e : batch) {
    if (auto id = payment_id_of(e); !id.empty()) ids.push_back(std::move(id));
  }
  return pg::Statement{
      "SELECT " + kSummaries.read_list() + " FROM view_payments WHERE id = ANY($1::text[])",
      {pg::text_array(ids)}};
}

// Loads the collect requests that batch touches.
pg::Statement load_collects(const std::vector<RecordedEvent>& batch) {
  std::vector<std::string> ids;
  for (const auto& e : batch) {
    if (auto id = events::collect_id_of_stream(e.stream); !id.empty()) ids.push_back(std::move(id));
  }
  return pg::Statement{
      "SELECT " + kCollects.read_list() + " FROM view_collects WHERE id = ANY($1::text[])",
      {pg::text_array(ids)}};
}

// Folds a collect request's event into touched (from stored, or new at its first event).
void fold_collect_row(const RecordedEvent& e, const std::string& id, const pg::Rows& stored,
                      std::map<std::string, CollectRequest>& touched) {
  if (!touched.contains(id)) {
    std::optional<CollectRequest> found;
    for (int i = 0; i < stored.size(); ++i) {
      if (stored.text(i, 0) == id) found = collect_from(stored, i);
    }
    if (!found && e.version != 1) return;  // a stream that never began properly
    touched[id] = found.value_or(CollectRequest{});
  }
  fold_collect_event(touched[id], e);
}

// What folding a batch writes, and the checkpoint it reaches.
struct Fold {
  std::int64_t checkpoint;
  std::vector<pg::Statement> writes;  // empty when nothing in the batch is new
};

// Folds the events of batch after checkpoint into the loaded summaries (load_summaries' rows)
// and cycles (load_unclosed_cycles' rows); each touched summary, bank position and cycle row is
// written once for the whole batch.
Fold fold(std::int64_t checkpoint, const std::vector<RecordedEvent>& batch, const pg::Rows& loaded,
          const pg::Rows& loaded_cycles, const pg::Rows& loaded_collects) {
  std::vector<const RecordedEvent*> fresh;
  for (const auto& e : batch) {
    if (e.position <= checkpoint) continue;
    assert(e.position == checkpoint + 1 + static_cast<std::int64_t>(fresh.size()));
    fresh.push_back(&e);
  }
  if (fresh.empty()) return Fold{checkpoint, {}};
  std::map<std::string, PaymentSummary> stored;
  for (int i = 0; i < loaded.size(); ++i) stored[loaded.text(i, 0)] = summary_from(loaded, i);
  std::map<std::string, PaymentSummary> touched;
  std::map<PositionKey, PositionDelta> deltas;
  SettlementFold settlement = settlement_from(loaded_cycles);
  Counters counter_deltas;  // added to the stored values
  std::map<std::string, CollectRequest> collects;
  for (const RecordedEvent* e : fresh) {
    counter_deltas.apply(e->metadata);
    if (is_settlement_event(*e)) {
      settlement.settlement_event(*e);
      continue;
    }
    if (auto collect = events::collect_id_of_stream(e->stream); !collect.empty()) {
      fold_collect_row(*e, collect, loaded_collects, collects);
      continue;
    }
    const std::string id = payment_id_of(*e);
    if (id.empty()) continue;
    if (!touched.contains(id)) {
      auto it = stored.find(id);
      if (it == stored.end() && !starts_summary(*e)) continue;
      touched[id] = it == stored.end() ? PaymentSummary{} : it->second;
    }
    PaymentSummary& p = touched[id];
    const bool was_pending = p.status == "PENDING";
    const auto folded = fold_summary(p, *e);
    for (const auto& d : folded) {
      PositionDelta& sum = deltas[{d.bank, d.rail, d.window}];
      if (sum.bank.empty()) sum = PositionDelta{d.bank, d.rail, d.window};
      sum.debits += d.debits;
      sum.credits += d.credits;
    }
    settlement.payment_folded(p, was_pending, folded);
  }
  Fold result{fresh.back()->position, {}};
  if (!touched.empty()) result.writes.push_back({upsert_summaries(), kSummaries.arrays(touched)});
  if (!deltas.empty()) result.writes.push_back({upsert_positions(), kDeltas.arrays(deltas)});
  if (!collects.empty()) result.writes.push_back({upsert_collects(), kCollects.arrays(collects)});
  write_settlement(settlement, result.writes);
  write_counters(counter_deltas, result.writes);
  result.writes.push_back({"UPDATE view_checkpoint SET position = $1 WHERE name = 'payments'",
                           {std::to_string(result.checkpoint)}});
  return result;
}

// Folds the events after checkpoint into the views, inside the caller's transaction, which
// holds the checkpoint row's lock: two round trips. Returns the new checkpoint.
asio::awaitable<pg::PgResult<std::int64_t>> fold_locked(pg::Connection& conn,
                                                        std::int64_t checkpoint,
                                                        const std::vector<RecordedEvent>& batch,
                                                        pg::Deadline deadline) {
  std::vector<pg::Statement> loads;
  loads.push_back(load_summaries(batch));
  loads.push_back(load_unclosed_cycles());
  loads.push_back(load_collects(batch));
  auto loaded = co_await conn.pipeline(std::move(loads), deadline);
  if (!loaded) co_return std::unexpected(loaded.error());
  Fold folded = fold(checkpoint, batch, (*loaded)[0], (*loaded)[1], (*loaded)[2]);
  if (folded.writes.empty()) co_return checkpoint;
  auto written = co_await conn.pipeline(std::move(folded.writes), deadline);
  if (!written) co_return std::unexpected(written.error());
  co_return folded.checkpoint;
}

const char* const kLockCheckpoint =
    "SELECT position FROM view_checkpoint WHERE name = 'payments' FOR UPDATE";

// Inside tx: locks the checkpoint row and returns the position the views hold.
asio::awaitable<pg::PgResult<std::int64_t>> lock_checkpoint(pg::Connection& conn,
                                                            pg::Deadline deadline) {
  auto rows = co_await conn.query(kLockCheckpoint, {}, deadline);
  if (!rows) co_return std::unexpected(rows.error());
  assert(rows->size() == 1 && "the migration creates the checkpoint row");
  co_return rows->int64(0, 0);
}

}  // namespace

std::string postgres_settlement_views_migration() {
  return std::string(R"sql(
ALTER TABLE view_payments ADD COLUMN settlement_cycle bigint NOT NULL DEFAULT 0 CHECK (settlement_cycle >= 0);
CREATE TABLE view_settlement_cycles (
  cycle bigint PRIMARY KEY CHECK (cycle >= 1),
  status text COLLATE "C" NOT NULL CHECK (status IN ('OPEN', 'CUT_OFF', 'CLOSED')),
  cutoff_at_ms bigint NOT NULL,
  cutoff_position bigint NOT NULL CHECK (cutoff_position >= 0),
  closed_position bigint NOT NULL CHECK (closed_position >= 0),
  completed bigint NOT NULL CHECK (completed >= 0),
  reversed bigint NOT NULL CHECK (reversed >= 0),
  volume_paise bigint NOT NULL CHECK (volume_paise >= 0));
CREATE UNIQUE INDEX view_settlement_one_open ON view_settlement_cycles ((true)) WHERE status = 'OPEN';
CREATE TABLE view_settlement_rows (
  cycle bigint NOT NULL,
  bank text COLLATE "C" NOT NULL,
  rail text COLLATE "C" NOT NULL,
  debits_paise bigint NOT NULL CHECK (debits_paise >= 0),
  credits_paise bigint NOT NULL CHECK (credits_paise >= 0),
  debit_count bigint NOT NULL CHECK (debit_count >= 0),
  credit_count bigint NOT NULL CHECK (credit_count >= 0),
  PRIMARY KEY (cycle, bank, rail));
CREATE TABLE view_settlement_gross (
  cycle bigint NOT NULL,
  payment_id text COLLATE "C" PRIMARY KEY,
  payer_bank text COLLATE "C" NOT NULL,
  payee_bank text COLLATE "C" NOT NULL,
  amount_paise bigint NOT NULL CHECK (amount_paise > 0),
  position bigint NOT NULL);
CREATE INDEX view_settlement_gross_by_cycle ON view_settlement_gross (cycle, position);
-- Folded again from the log, so that payments that ended before this migration join cycle 1.
DELETE FROM view_payments; DELETE FROM view_positions;
UPDATE view_checkpoint SET position = 0 WHERE name = 'payments';
)sql") + kResetSettlementViews;
}

std::string postgres_views_migration() {
  return R"sql(
CREATE TABLE view_checkpoint (name text PRIMARY KEY, position bigint NOT NULL CHECK (position >= 0));
INSERT INTO view_checkpoint VALUES ('payments', 0);
CREATE TABLE view_payments (
  id text COLLATE "C" PRIMARY KEY,
  status text COLLATE "C" NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED', 'REVERSED')),
  payer_vpa text COLLATE "C" NOT NULL,
  payee_vpa text COLLATE "C" NOT NULL,
  note text NOT NULL,
  rail text COLLATE "C" NOT NULL,
  amount_paise bigint NOT NULL CHECK (amount_paise > 0),
  reason_code text NOT NULL,
  reason_upi_code text NOT NULL,
  reason_message text NOT NULL,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  position bigint NOT NULL,
  first_position bigint NOT NULL,
  owner_node text NOT NULL);
CREATE INDEX view_payments_payer ON view_payments (payer_vpa, id);
CREATE INDEX view_payments_payee ON view_payments (payee_vpa, id);
CREATE INDEX view_payments_pending ON view_payments (id) WHERE status = 'PENDING';
CREATE TABLE view_positions (
  bank text COLLATE "C" NOT NULL,
  rail text COLLATE "C" NOT NULL,
  settlement_window text COLLATE "C" NOT NULL,
  debits_paise bigint NOT NULL CHECK (debits_paise >= 0),
  credits_paise bigint NOT NULL CHECK (credits_paise >= 0),
  PRIMARY KEY (bank, rail, settlement_window));
)sql";
}

asio::awaitable<Result<void>> PostgresViews::apply(const std::vector<RecordedEvent>& batch) {
  if (batch.empty() || batch.back().position <= known_checkpoint_) co_return Result<void>{};
  auto conn = co_await pool_.acquire();
  if (!conn) co_return std::unexpected(store_unavailable(conn.error()));
  const auto deadline = pool_.deadline();
  // Two round trips: lock the checkpoint and load the touched summaries; write and commit.
  std::vector<pg::Statement> first;
  first.push_back({kLockCheckpoint, {}});
  first.push_back(load_summaries(batch));
  first.push_back(load_unclosed_cycles());
  first.push_back(load_collects(batch));
  auto begun = co_await pg::Transaction::begin(**conn, deadline, std::move(first));
  if (!begun) co_return std::unexpected(store_unavailable(begun.error()));
  assert(begun->rows[0].size() == 1 && "the migration creates the checkpoint row");
  const std::int64_t checkpoint = begun->rows[0].int64(0, 0);
  if (checkpoint + 1 < batch.front().position) {
    co_return std::unexpected(store_unavailable(pg::PgError{
        "VIEWS_BEHIND", "",
        "the views stop at " + std::to_string(checkpoint) + ", before this batch begins"}));
  }
  Fold folded = fold(checkpoint, batch, begun->rows[1], begun->rows[2], begun->rows[3]);
  auto committed = co_await begun->tx.commit(std::move(folded.writes), deadline);
  if (!committed) co_return std::unexpected(store_unavailable(committed.error()));
  known_checkpoint_ = std::max(known_checkpoint_, folded.checkpoint);
  co_return Result<void>{};
}

asio::awaitable<Result<std::int64_t>> PostgresViews::rebuild(EventStore& store) {
  auto conn = co_await pool_.acquire();
  if (!conn) co_return std::unexpected(store_unavailable(conn.error()));
  const auto deadline = [&] { return pool_.deadline(); };
  auto tx = co_await pg::Transaction::begin(**conn, deadline());
  if (!tx) co_return std::unexpected(store_unavailable(tx.error()));
  auto folded = co_await lock_checkpoint(**tx, deadline());
  if (folded) {
    auto emptied = co_await (*tx)->execute(
        std::string("DELETE FROM view_payments; DELETE FROM view_positions; ") +
            kResetSettlementViews + kResetLegViews + "DELETE FROM view_counters; " +
            "DELETE FROM view_collects; " +
            "UPDATE view_checkpoint SET position = 0 WHERE name = 'payments'",
        deadline());
    folded = emptied ? pg::PgResult<std::int64_t>(0) : std::unexpected(emptied.error());
  }
  std::optional<Error> read_error;
  // Reads the next batch while the last one is folded: two connections, one round trip's
  // wait instead of two per batch.
  auto next = co_await store.read_all(0, kRebuildBatch);
  while (folded) {
    if (!next) {
      read_error = next.error();
      break;
    }
    const std::vector<RecordedEvent> batch = std::move(*next);
    if (batch.size() < kRebuildBatch) {
      folded = co_await fold_locked(**tx, *folded, batch, deadline());
      break;
    }
    auto executor = co_await asio::this_coro::executor;
    auto both = asio::experimental::make_parallel_group(
        asio::co_spawn(executor, store.read_all(batch.back().position, kRebuildBatch),
                       asio::deferred),
        asio::co_spawn(executor, fold_locked(**tx, *folded, batch, deadline()), asio::deferred));
    auto [order, read_failed, read, fold_failed, fold] =
        co_await both.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    if (read_failed) std::rethrow_exception(read_failed);
    if (fold_failed) std::rethrow_exception(fold_failed);
    next = std::move(read);
    folded = std::move(fold);
  }
  if (folded && !read_error) {
    auto committed = co_await tx->commit(deadline());
    if (!committed) folded = std::unexpected(committed.error());
  }
  if (read_error) co_return std::unexpected(*read_error);
  if (!folded) co_return std::unexpected(store_unavailable(folded.error()));
  known_checkpoint_ = *folded;
  co_return *folded;
}

asio::awaitable<Result<pg::Rows>> PostgresViews::read(std::string sql,
                                                      std::vector<pg::Param> params) {
  auto rows = co_await pool_.query(std::move(sql), std::move(params));
  if (!rows) co_return std::unexpected(store_unavailable(rows.error()));
  co_return std::move(*rows);
}

namespace {

// The filters a list shares: $1 a VPA (payer or payee), $2 a status, $5 a PSP handle; each
// empty for any.
constexpr const char* kPartyStatusFilter =
    "($1 = '' OR payer_vpa = $1 OR payee_vpa = $1) AND ($2 = '' OR status = $2)"
    " AND ($5 = '' OR split_part(payer_vpa, '@', 2) = $5"
    "      OR split_part(payee_vpa, '@', 2) = $5)";

// The first limit rows as a page (rows holds one more when there is a next page), the next
// cursor taken from the last item.
template <class Page, class Read, class Cursor>
Page page_of(const pg::Rows& rows, std::size_t limit, Read read, Cursor cursor) {
  Page page;
  for (int i = 0; i < rows.size(); ++i) {
    if (page.items.size() == limit) {
      page.next_cursor = cursor(page.items.back());
      break;
    }
    page.items.push_back(read(rows, i));
  }
  return page;
}

}  // namespace

asio::awaitable<Result<PaymentPage>> PostgresViews::list_payments(ListQuery query) {
  assert(query.limit >= 1 && query.limit <= kListLimitMax);
  std::vector<pg::Param> params{query.vpa,    query.status,
                                query.cursor, std::to_string(query.limit + 1),
                                query.handle, query.rail};
  auto rows = co_await read("SELECT " + kSummaries.read_list() +
                                " FROM view_payments WHERE refund_of = '' AND ($3 = '' OR id < $3)"
                                " AND ($6 = '' OR rail = $6) AND " +
                                kPartyStatusFilter + " ORDER BY id DESC LIMIT $4",
                            std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  co_return page_of<PaymentPage>(*rows, query.limit, summary_from,
                                 [](const PaymentSummary& p) { return p.id; });
}

asio::awaitable<Result<std::vector<PositionRow>>> PostgresViews::positions(std::string bank) {
  std::vector<pg::Param> params{bank};
  auto rows =
      co_await read("SELECT " + kPositions.read_list() +
                        " FROM view_positions WHERE bank = $1 ORDER BY rail, settlement_window",
                    std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<PositionRow> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto row = kPositions.row(*rows, i);
    assert(row && "a position row reads back");
    out.push_back(row.value_or(PositionRow{}));
  }
  co_return out;
}

asio::awaitable<Result<std::map<std::string, RailStatsRow>>> PostgresViews::rail_stats() {
  auto rows = co_await read(
      "SELECT CASE WHEN rail = '' THEN 'NONE' ELSE rail END, status, count(*), "
      "coalesce(sum(amount_paise) FILTER (WHERE status = 'COMPLETED'), 0) "
      "FROM view_payments GROUP BY 1, 2",
      {});
  if (!rows) co_return std::unexpected(rows.error());
  std::map<std::string, RailStatsRow> stats;
  for (int i = 0; i < rows->size(); ++i) {
    RailStatsRow& row = stats[rows->text(i, 0)];
    row.payments_by_status[rows->text(i, 1)] = rows->int64(i, 2);
    row.completed_volume += rows->int64(i, 3);
  }
  co_return stats;
}

asio::awaitable<Result<std::vector<PaymentSummary>>> PostgresViews::refunds(
    std::string payment_id) {
  std::vector<pg::Param> params{std::move(payment_id), std::to_string(kRefundsListedMax)};
  auto rows = co_await read("SELECT " + kSummaries.read_list() +
                                " FROM view_payments WHERE refund_of = $1 ORDER BY id LIMIT $2",
                            std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<PaymentSummary> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(summary_from(*rows, i));
  sort_by_ledger_order(out);
  co_return out;
}

asio::awaitable<Result<CollectPage>> PostgresViews::collects(CollectQuery query) {
  assert(query.limit >= 1 && query.limit <= kListLimitMax);
  std::vector<pg::Param> params{query.vpa, query.status, std::to_string(query.before_position),
                                std::to_string(query.limit + 1), query.handle};
  auto rows = co_await read("SELECT " + kCollects.read_list() +
                                " FROM view_collects WHERE ($3 = 0 OR first_position < $3) AND " +
                                kPartyStatusFilter + " ORDER BY first_position DESC LIMIT $4",
                            std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  co_return page_of<CollectPage>(*rows, query.limit, collect_from,
                                 [](const CollectRequest& c) { return c.first_position; });
}

asio::awaitable<Result<std::vector<std::string>>> PostgresViews::collects_expired(
    std::int64_t now_ms, std::size_t limit) {
  std::vector<pg::Param> params{std::to_string(now_ms), std::to_string(limit)};
  auto rows = co_await read(
      "SELECT id FROM view_collects WHERE status = 'PENDING' AND expires_at_ms <= $1 "
      "ORDER BY expires_at_ms, id LIMIT $2",
      std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<std::string> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(rows->text(i, 0));
  co_return out;
}

asio::awaitable<Result<std::vector<std::string>>> PostgresViews::collects_unpaid(
    std::size_t limit) {
  std::vector<pg::Param> params{std::to_string(limit)};
  auto rows = co_await read(
      "SELECT c.id FROM view_collects c WHERE c.status = 'APPROVED' AND NOT EXISTS "
      "(SELECT 1 FROM view_payments p WHERE p.id = c.payment_id) ORDER BY c.payment_id LIMIT $1",
      std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<std::string> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(rows->text(i, 0));
  co_return out;
}

asio::awaitable<Result<std::vector<PendingPayment>>> PostgresViews::pending(std::string after_id,
                                                                            std::size_t limit) {
  std::vector<pg::Param> params{std::move(after_id), std::to_string(limit)};
  auto rows = co_await read(
      "SELECT id, owner_node, updated_at_ms FROM view_payments WHERE status = 'PENDING' "
      "AND id > $1 ORDER BY id LIMIT $2",
      std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<PendingPayment> out;
  for (int i = 0; i < rows->size(); ++i) {
    out.push_back(PendingPayment{rows->text(i, 0), rows->text(i, 1), rows->int64(i, 2)});
  }
  co_return out;
}

asio::awaitable<Result<std::vector<CycleSummary>>> PostgresViews::settlement_cycles(
    std::int64_t before_cycle, std::size_t limit) {
  assert(limit >= 1 && limit <= kCycleListLimitMax);
  std::vector<pg::Param> params{std::to_string(before_cycle), std::to_string(limit)};
  auto rows = co_await read("SELECT " + kCycles.read_list() +
                                " FROM view_settlement_cycles WHERE ($1 = 0 OR cycle < $1)"
                                " ORDER BY cycle DESC LIMIT $2",
                            std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<CycleSummary> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto cycle = kCycles.row(*rows, i);
    assert(cycle && "a cycle row reads back");
    out.push_back(cycle.value_or(CycleSummary{}));
  }
  co_return out;
}

asio::awaitable<Result<std::optional<CycleReport>>> PostgresViews::settlement_cycle(
    std::int64_t cycle) {
  // One statement, so the cycle and its rows come from one snapshot.
  std::vector<pg::Param> params{std::to_string(cycle)};
  auto rows =
      co_await read("SELECT " + kCycles.read_list("c.") +
                        ", r.bank, r.rail, r.debits_paise, r.credits_paise, "
                        "r.debit_count, r.credit_count FROM view_settlement_cycles c "
                        "LEFT JOIN view_settlement_rows r ON r.cycle = c.cycle WHERE c.cycle = $1 "
                        "ORDER BY r.bank, r.rail",
                    std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return std::nullopt;
  auto summary = kCycles.row(*rows, 0);
  assert(summary && "a cycle row reads back");
  CycleReport report{summary.value_or(CycleSummary{}), {}};
  const int first = static_cast<int>(std::size(kCycleColumns));
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->is_null(i, first)) continue;  // a cycle without rows yet
    report.rows.push_back(events::CycleBankRail{
        rows->text(i, first), rows->text(i, first + 1), rows->int64(i, first + 2),
        rows->int64(i, first + 3), rows->int64(i, first + 4), rows->int64(i, first + 5)});
  }
  // Gross items of a cycle never change once it is cut off; of the open one, a later read
  // may show more.
  std::vector<pg::Param> gross_params{std::to_string(cycle), std::to_string(kGrossItemsShown)};
  auto gross = co_await read("SELECT " + kGross.read_list() +
                                 " FROM view_settlement_gross WHERE cycle = $1"
                                 " ORDER BY position LIMIT $2",
                             std::move(gross_params));
  if (!gross) co_return std::unexpected(gross.error());
  for (int i = 0; i < gross->size(); ++i)
    report.gross_items.push_back(kGross.row(*gross, i).value_or(GrossRecord{}).item);
  co_return report;
}

asio::awaitable<Result<json::object>> PostgresViews::snapshot() {
  json::object out;
  auto checkpoint =
      co_await read("SELECT position FROM view_checkpoint WHERE name = 'payments'", {});
  if (!checkpoint) co_return std::unexpected(checkpoint.error());
  out["checkpoint"] = checkpoint->int64(0, 0);
  auto rows =
      co_await read("SELECT " + kSummaries.read_list() + " FROM view_payments ORDER BY id", {});
  if (!rows) co_return std::unexpected(rows.error());
  json::array payments;
  for (int i = 0; i < rows->size(); ++i) {
    const PaymentSummary p = summary_from(*rows, i);
    json::object row = summary_to_json(p);
    row["owner_node"] = p.owner_node;
    row["settlement_cycle"] = p.settlement_cycle;
    row["refund_of"] = p.refund_of;
    payments.push_back(std::move(row));
  }
  out["payments"] = std::move(payments);
  auto history = co_await read(
      "SELECT vpa, id FROM (SELECT payer_vpa AS vpa, id FROM view_payments WHERE refund_of = '' "
      "UNION ALL SELECT payee_vpa, id FROM view_payments "
      "WHERE payee_vpa <> payer_vpa AND refund_of = '') h ORDER BY vpa, id",
      {});
  if (!history) co_return std::unexpected(history.error());
  json::object vpas;
  for (int i = 0; i < history->size(); ++i) {
    json::value& list = vpas[history->text(i, 0)];
    if (!list.is_array()) list.emplace_array();
    list.as_array().push_back(json::value(history->text(i, 1)));
  }
  out["vpa_history"] = std::move(vpas);
  auto collect_rows =
      co_await read("SELECT " + kCollects.read_list() + " FROM view_collects ORDER BY id", {});
  if (!collect_rows) co_return std::unexpected(collect_rows.error());
  json::array collects;
  for (int i = 0; i < collect_rows->size(); ++i)
    collects.push_back(collect_request_to_json(collect_from(*collect_rows, i)));
  out["collects"] = std::move(collects);
  auto banks = co_await read("SELECT DISTINCT bank FROM view_positions ORDER BY bank", {});
  if (!banks) co_return std::unexpected(banks.error());
  json::object positions;
  for (int i = 0; i < banks->size(); ++i) {
    auto bank_rows = co_await this->positions(banks->text(i, 0));
    if (!bank_rows) co_return std::unexpected(bank_rows.error());
    json::array list;
    for (const auto& row : *bank_rows) list.push_back(position_to_json(row));
    positions[banks->text(i, 0)] = std::move(list);
  }
  out["positions"] = std::move(positions);
  auto stats = co_await rail_stats();
  if (!stats) co_return std::unexpected(stats.error());
  json::object rails;
  for (const auto& [rail, row] : *stats) rails[rail] = rail_stats_to_json(row);
  out["rail_stats"] = std::move(rails);
  auto cycles = co_await read(
      "SELECT " + kCycles.read_list() + " FROM view_settlement_cycles ORDER BY cycle", {});
  if (!cycles) co_return std::unexpected(cycles.error());
  json::array cycle_list;
  for (int i = 0; i < cycles->size(); ++i)
    cycle_list.push_back(cycle_summary_to_json(kCycles.row(*cycles, i).value_or(CycleSummary{})));
  out["settlement_cycles"] = std::move(cycle_list);
  auto cycle_rows = co_await read(
      "SELECT " + kCycleRows.read_list() + " FROM view_settlement_rows ORDER BY cycle, bank, rail",
      {});
  if (!cycle_rows) co_return std::unexpected(cycle_rows.error());
  json::array row_list;
  for (int i = 0; i < cycle_rows->size(); ++i) {
    const auto r = kCycleRows.row(*cycle_rows, i).value_or(CycleRowRecord{});
    row_list.push_back(cycle_row_to_json(
        r.cycle, {r.bank, r.rail, r.debits, r.credits, r.debit_count, r.credit_count}));
  }
  out["settlement_rows"] = std::move(row_list);
  auto gross = co_await read(
      "SELECT " + kGross.read_list() + " FROM view_settlement_gross ORDER BY cycle, position", {});
  if (!gross) co_return std::unexpected(gross.error());
  json::array gross_list;
  for (int i = 0; i < gross->size(); ++i) {
    const auto r = kGross.row(*gross, i).value_or(GrossRecord{});
    json::object o = gross_item_to_json(r.item);
    o["cycle"] = r.cycle;
    gross_list.push_back(std::move(o));
  }
  out["settlement_gross"] = std::move(gross_list);
  auto counters = co_await read("SELECT counter, value FROM view_counters ORDER BY counter", {});
  if (!counters) co_return std::unexpected(counters.error());
  Counters values;
  for (int i = 0; i < counters->size(); ++i)
    values.set(counters->text(i, 0), counters->int64(i, 1));
  out["counters"] = counters_to_json(values.values());
  auto legs = co_await read("SELECT " + kLegs.read_list() +
                                " FROM view_settlement_legs ORDER BY cycle, bank COLLATE \"C\","
                                " leg_id COLLATE \"C\"",
                            {});
  if (!legs) co_return std::unexpected(legs.error());
  json::array leg_list;
  for (int i = 0; i < legs->size(); ++i) {
    const auto r = kLegs.row(*legs, i).value_or(LegRecord{});
    json::object o = settled_leg_to_json(r.leg);
    o["cycle"] = r.cycle;
    o["bank"] = r.bank;
    leg_list.push_back(std::move(o));
  }
  out["settlement_legs"] = std::move(leg_list);
  co_return out;
}

asio::awaitable<Result<std::map<std::string, std::int64_t>>> PostgresViews::counters(
    std::string prefix) {
  // starts_with: no LIKE pattern to escape; the primary key's order keeps the scan short.
  std::vector<pg::Param> params{prefix, std::to_string(kCountersListedMax)};
  auto rows = co_await read(
      "SELECT counter, value FROM view_counters WHERE starts_with(counter, $1) "
      "ORDER BY counter LIMIT $2",
      std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::map<std::string, std::int64_t> out;
  for (int i = 0; i < rows->size(); ++i) out[rows->text(i, 0)] = rows->int64(i, 1);
  co_return out;
}

asio::awaitable<Result<CycleLegs>> PostgresViews::cycle_legs(std::int64_t cycle, std::string bank) {
  std::vector<pg::Param> params{std::to_string(cycle), std::to_string(kCycleLegsMax),
                                std::move(bank)};
  // COLLATE "C": the byte order that the memory views sort in, whatever the database's locale.
  auto rows = co_await read("SELECT " + kLegs.read_list() +
                                " FROM view_settlement_legs WHERE cycle = $1 AND ($3 = '' OR "
                                "bank = $3) ORDER BY bank COLLATE \"C\", leg_id COLLATE \"C\" "
                                "LIMIT $2",
                            std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  CycleLegs legs;
  for (int i = 0; i < rows->size(); ++i) {
    const auto r = kLegs.row(*rows, i).value_or(LegRecord{});
    legs[r.bank].push_back(r.leg);
  }
  co_return legs;
}

std::string postgres_leg_views_migration() {
  // The new columns fold from the log: the views are emptied to fold again.
  return std::string(R"sql(
ALTER TABLE view_payments ADD COLUMN payer_bank text NOT NULL DEFAULT '',
  ADD COLUMN payer_account text NOT NULL DEFAULT '', ADD COLUMN payee_bank text NOT NULL DEFAULT '',
  ADD COLUMN payee_account text NOT NULL DEFAULT '', ADD COLUMN debit_leg_id text NOT NULL DEFAULT '',
  ADD COLUMN credit_leg_id text NOT NULL DEFAULT '', ADD COLUMN reversal_leg_id text NOT NULL DEFAULT '';
CREATE TABLE view_settlement_legs (
  cycle bigint NOT NULL CHECK (cycle > 0),
  bank text NOT NULL,
  leg_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('DEBIT', 'CREDIT', 'REVERSAL')),
  account text NOT NULL,
  amount_paise bigint NOT NULL CHECK (amount_paise > 0),
  PRIMARY KEY (cycle, bank, leg_id));
DELETE FROM view_payments; DELETE FROM view_positions; DELETE FROM view_counters;
UPDATE view_checkpoint SET position = 0 WHERE name = 'payments';
)sql") + kResetSettlementViews;
}

std::string postgres_neft_views_migration() {
  // Ledgers from before NEFT batches have no CreditDeferred: the defaults are their fold.
  return "ALTER TABLE view_payments ADD COLUMN credit_at_ms bigint NOT NULL DEFAULT 0 "
         "CHECK (credit_at_ms >= 0);";
}

std::string postgres_refund_views_migration() {
  // Ledgers from before refunds have none: the default is their fold.
  return "ALTER TABLE view_payments ADD COLUMN refund_of text NOT NULL DEFAULT ''; "
         "CREATE INDEX view_payments_refund_of ON view_payments (refund_of) "
         "WHERE refund_of <> '';";
}

std::string postgres_collect_views_migration() {
  return R"sql(
CREATE TABLE view_collects (
  id text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL CHECK (version >= 1),
  status text COLLATE "C" NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'DECLINED', 'EXPIRED')),
  payee_vpa text COLLATE "C" NOT NULL,
  payer_vpa text COLLATE "C" NOT NULL,
  note text NOT NULL,
  request_hash text NOT NULL,
  requested_by text NOT NULL,
  amount_paise bigint NOT NULL CHECK (amount_paise > 0),
  expires_at_ms bigint NOT NULL,
  payment_id text COLLATE "C" NOT NULL,
  answered_by text NOT NULL,
  reason_code text NOT NULL,
  reason_upi_code text NOT NULL,
  reason_message text NOT NULL,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  position bigint NOT NULL,
  first_position bigint NOT NULL);
CREATE INDEX view_collects_payer ON view_collects (payer_vpa, first_position);
CREATE INDEX view_collects_payee ON view_collects (payee_vpa, first_position);
CREATE INDEX view_collects_by_position ON view_collects (first_position);
CREATE INDEX view_collects_pending ON view_collects (expires_at_ms) WHERE status = 'PENDING';
CREATE INDEX view_collects_approved ON view_collects (payment_id) WHERE status = 'APPROVED';
)sql";
}

std::string postgres_counter_views_migration() {
  return "CREATE TABLE view_counters (counter text PRIMARY KEY, value bigint NOT NULL);";
}

}  // namespace upi::ledger
