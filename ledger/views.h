// CQRS read views, folded from the global log in position order and rebuildable from zero:
// payment summaries, VPA history, bank net positions per rail and window, rail statistics.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/json.h"
#include "common/money.h"
#include "ledger/collect_events.h"
#include "ledger/counters.h"
#include "ledger/event.h"
#include "ledger/payment_events.h"
#include "ledger/settlement_events.h"

namespace upi::ledger {

// A payment, or a refund (refund_of names its payment; the views keep refunds out of payment
// lists and VPA histories, and list them by payment).
struct PaymentSummary {
  std::string id;
  std::string refund_of;
  std::string status = "PENDING";  // PENDING, COMPLETED, FAILED, REVERSED
  std::string payer_vpa;
  std::string payee_vpa;
  std::string note;
  std::string rail;  // empty until chosen
  Paise amount = 0;
  std::optional<Reason> reason;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t position = 0;          // of the last event folded in
  std::int64_t first_position = 0;    // of its PaymentRequested
  std::string owner_node;             // the node that drives it (started or last resumed it)
  std::int64_t settlement_cycle = 0;  // the cycle it ended in (completed or reversed); 0 before
  // Where its legs went, for the cycle's leg records: the parties' banks and accounts, and the
  // leg ids; reversal_leg_id only once a reversal has undone the debit.
  std::string payer_bank, payer_account, payee_bank, payee_account;
  std::string debit_leg_id, credit_leg_id, reversal_leg_id;
  std::int64_t credit_at_ms = 0;  // NEFT: when the batch its credit waits for runs (0: none)
};

// One settlement leg of a completed payment, as it moves a bank's position.
struct PositionDelta {
  std::string bank;
  std::string rail;
  std::string window;
  Paise debits = 0;
  Paise credits = 0;
};

// The most refunds one read of a payment's refunds returns: all of them
// (ev::kRefundsPerPaymentMax).
inline constexpr std::size_t kRefundsListedMax = events::kRefundsPerPaymentMax;

// A payment not yet terminal, for recovery.
struct PendingPayment {
  std::string id;
  std::string owner_node;
  std::int64_t updated_at_ms = 0;
};

struct PositionRow {
  std::string rail;
  std::string window;  // settlement window, e.g. "2026-11-28T12" (hourly, UTC)
  Paise debits = 0;
  Paise credits = 0;
  Paise net() const { return credits - debits; }
};

struct RailStatsRow {
  std::map<std::string, std::int64_t> payments_by_status;
  Paise completed_volume = 0;
};

// A settlement cycle as the views know it: OPEN (payments that end now join it), CUT_OFF (its
// SettlementCutOff is in the ledger; its totals are final) or CLOSED (SettlementCycleClosed
// records them too).
inline constexpr std::string_view kCycleOpen = "OPEN";
inline constexpr std::string_view kCycleCutOff = "CUT_OFF";
inline constexpr std::string_view kCycleClosed = "CLOSED";
struct CycleSummary {
  std::int64_t cycle = 0;
  std::string status{kCycleOpen};
  std::int64_t cutoff_at_ms = 0;     // 0 while open
  std::int64_t cutoff_position = 0;  // 0 while open
  std::int64_t closed_position = 0;  // 0 until closed
  std::int64_t completed = 0;
  std::int64_t reversed = 0;
  Paise volume = 0;
};
using events::kGrossRail;
struct GrossItem {
  std::string payment_id, payer_bank, payee_bank;
  Paise amount = 0;
  std::int64_t position = 0;  // of its PaymentCompleted
};
// A leg a bank applied for a payment that ended in a cycle: the debit and credit of a completed
// payment, the debit and its reversal of a reversed one. A cycle's legs at one bank, sorted by
// leg id, are what its Merkle root covers and what reconciliation compares.
inline constexpr std::string_view kLegDebit = "DEBIT";
inline constexpr std::string_view kLegCredit = "CREDIT";
inline constexpr std::string_view kLegReversal = "REVERSAL";
struct SettledLeg {
  std::string leg_id, kind, account;
  Paise amount = 0;
  bool operator==(const SettledLeg&) const = default;
};
inline constexpr std::size_t kCycleLegsMax = 1'000'000;            // of a cycle, read at once
using CycleLegs = std::map<std::string, std::vector<SettledLeg>>;  // by bank, by leg id
json::object settled_leg_to_json(const SettledLeg& leg);

struct CycleReport {
  CycleSummary summary;
  std::vector<events::CycleBankRail> rows;  // by bank, then rail
  std::vector<GrossItem> gross_items;       // in ledger order, the first kGrossItemsShown
};
inline constexpr std::size_t kCycleListLimitMax = 100;
inline constexpr std::size_t kGrossItemsShown = 100;
// The invariants of a cycle's report: its volume and completed count are its rows' debits and
// debit legs (one per completed payment), and its rows' nets sum to zero.
bool consistent(const CycleReport& report);

// The settlement views' fold, shared by both stores so that they agree row for row. rows holds
// totals (memory) or one batch's additions (PostgreSQL adds them to the stored rows); cycles
// holds every cycle (memory) or those a batch touches, loaded before it (PostgreSQL).
struct SettlementFold {
  using RowKey = std::tuple<std::int64_t, std::string, std::string>;  // cycle, bank, rail
  std::int64_t open_cycle = 1;
  std::map<std::int64_t, CycleSummary> cycles;
  std::map<RowKey, events::CycleBankRail> rows;
  std::map<std::int64_t, std::vector<GrossItem>> gross;  // by cycle, in ledger order
  using LegKey = std::pair<std::int64_t, std::string>;   // cycle, bank
  std::map<LegKey, std::vector<SettledLeg>> legs;        // in ledger order

  bool touched = false;  // whether anything above changed since this fold began

  // After a payment event's fold_summary(): a payment that has just completed or been reversed
  // (it was PENDING before) joins the open cycle, with its settlement legs.
  void payment_folded(PaymentSummary& p, bool was_pending,
                      const std::vector<PositionDelta>& deltas);
  // The legs of a payment that has just ended into the open cycle.
  void add_legs(const PaymentSummary& p);
  // A SettlementCutOff or SettlementCycleClosed at its position.
  void settlement_event(const RecordedEvent& e);
};

// The settlement views of an empty ledger: cycle 1 open.
SettlementFold initial_settlement();

struct ListQuery {
  std::string vpa;     // payer or payee; empty: any
  std::string handle;  // a PSP handle that the payer or the payee is under; empty: any
  std::string status;  // empty: any
  std::string rail;    // IMPS, NEFT or RTGS; empty: any
  std::size_t limit = 20;
  std::string cursor;  // a payment id: list those older than it
};

// Collect requests a list asks for, newest first.
struct CollectQuery {
  std::string vpa;     // payer or payee; empty: any
  std::string handle;  // a PSP handle that the payer or the payee is under; empty: any
  std::string status;  // empty: any
  std::size_t limit = 20;
  std::int64_t before_position = 0;  // a cursor: those requested before it; 0: from the newest
};
struct CollectPage {
  std::vector<CollectRequest> items;
  std::int64_t next_cursor = 0;  // 0 on the last page
};
// Collect requests one expiry or repair pass reads at most.
inline constexpr std::size_t kCollectPassMax = 1000;

struct PaymentPage {
  std::vector<PaymentSummary> items;
  std::string next_cursor;  // empty on the last page
};

inline constexpr std::size_t kListLimitMax = 100;
// Payments a list request looks at, at most: a filter that matches few of many payments gets a
// short page and a next_cursor to go on from, so no request walks the whole view at once.
inline constexpr std::size_t kListExaminedMax = 10'000;

// The fold every view store shares, so that memory and PostgreSQL views agree row for row.
// The payment (or refund) an event belongs to; empty for events of other streams.
std::string payment_id_of(const RecordedEvent& e);
// Whether e is the first event of a payment's or a refund's stream.
bool starts_summary(const RecordedEvent& e);
// Folds e into its payment's summary (a PaymentRequested or RefundRequested starts it afresh) and
// returns the
// position changes a completion books (two legs that sum to zero).
std::vector<PositionDelta> fold_summary(PaymentSummary& p, const RecordedEvent& e);
// Sorts by first_position: refund ids come from their requests, not the time, so the ledger's
// order is theirs.
void sort_by_ledger_order(std::vector<PaymentSummary>& summaries);
// Whether e is one of the settlement stream's events.
bool is_settlement_event(const RecordedEvent& e);
// "NONE" for a payment that ended before a rail was chosen.
std::string rail_key(const PaymentSummary& p);

class ReadViews {
 public:
  // Folds in the next event; its position must be checkpoint() + 1.
  void apply(const RecordedEvent& event);
  std::int64_t checkpoint() const { return checkpoint_; }

  const PaymentSummary* payment(const std::string& id) const;
  // The refunds of a payment, oldest first (at most kRefundsListedMax: all of them).
  std::vector<PaymentSummary> refunds(const std::string& payment_id) const;
  // Collect requests, newest first; query.limit within [1, kListLimitMax]. A page looks at no
  // more than kListExaminedMax of them.
  CollectPage collects(const CollectQuery& query) const;
  const CollectRequest* collect(const std::string& id) const;
  // PENDING requests whose expiry is at or before now_ms, soonest first, at most limit.
  std::vector<std::string> collects_expired(std::int64_t now_ms, std::size_t limit) const;
  // APPROVED requests whose payment is not in the views, at most limit.
  std::vector<std::string> collects_unpaid(std::size_t limit) const;
  // The payments not yet terminal, oldest first, at most limit (for recovery).
  std::vector<PendingPayment> pending_payments(std::string_view after_id, std::size_t limit) const;
  // Newest first.
  PaymentPage list_payments(const ListQuery& query) const;
  std::vector<PositionRow> positions(const std::string& bank) const;
  const std::map<std::string, RailStatsRow>& rail_stats() const { return rail_stats_; }
  // Sum of every bank's net over every rail and window: always zero (double entry).
  Paise positions_total() const;
  // Settlement cycles, newest first, those below before_cycle (0: from the newest).
  std::vector<CycleSummary> cycles(std::int64_t before_cycle, std::size_t limit) const;
  std::optional<CycleReport> cycle(std::int64_t cycle) const;
  // A cycle's legs by bank, each bank's by leg id; only those of `bank` unless it is empty.
  CycleLegs cycle_legs(std::int64_t cycle, const std::string& bank = "") const;
  // The ledger's counters whose names start with prefix, at most limit.
  std::map<std::string, std::int64_t> counters(std::string_view prefix, std::size_t limit) const;
  // Every view in a canonical form, to compare a live fold with a rebuild.
  json::object snapshot() const;

 private:
  // Payments in id order, held by pointer: the summaries live in payments_, whose nodes never
  // move. Inserting never moves the others (a vector's growth would copy them all at once).
  struct ById {
    using is_transparent = void;
    bool operator()(const PaymentSummary* a, const PaymentSummary* b) const {
      return a->id < b->id;
    }
    bool operator()(const PaymentSummary* a, std::string_view b) const { return a->id < b; }
    bool operator()(std::string_view a, const PaymentSummary* b) const { return a < b->id; }
  };
  using PaymentIndex = std::set<const PaymentSummary*, ById>;

  void count_status(const PaymentSummary& p, int delta);
  void index_new_payment(const PaymentSummary& p);

  std::int64_t checkpoint_ = 0;
  std::map<std::string, PaymentSummary> payments_;      // id order = time order
  std::map<std::string, PaymentIndex> vpa_history_;     // vpa -> its payments
  std::map<std::string, PaymentIndex> handle_history_;  // PSP handle -> its customers' payments
  PaymentIndex pending_;                                // payments not yet terminal
  std::map<std::string, PaymentIndex> refunds_;         // payment id -> its refunds
  void apply_collect(const RecordedEvent& e, const std::string& id);
  std::map<std::string, CollectRequest> collects_;
  std::map<std::int64_t, const CollectRequest*> collects_by_position_;  // by first_position
  std::set<std::pair<std::int64_t, std::string>> collects_pending_;     // (expires_at_ms, id)
  std::map<std::string, std::string> collects_unpaid_;                  // payment id -> collect
  std::map<std::string, std::map<std::pair<std::string, std::string>, PositionRow>> positions_;
  std::map<std::string, RailStatsRow> rail_stats_;
  SettlementFold settlement_ = initial_settlement();
  Counters counters_;
};

json::object summary_to_json(const PaymentSummary& p);
// A collect request's canonical form (the views' snapshot and the API's base).
json::object collect_request_to_json(const CollectRequest& c);
// A refund's summary: summary_to_json and its payment_id.
json::object refund_summary_to_json(const PaymentSummary& p);
// {"id", "credit_at"} of the NEFT batch that runs at credit_at_ms; null when it is 0 (none).
json::value neft_batch_to_json(std::int64_t credit_at_ms);
json::object reason_to_json(const Reason& r);
// The canonical forms snapshot() is made of, shared with the PostgreSQL views' snapshot.
json::object position_to_json(const PositionRow& row);
json::object rail_stats_to_json(const RailStatsRow& row);
json::object cycle_summary_to_json(const CycleSummary& c);
json::object cycle_row_to_json(std::int64_t cycle, const events::CycleBankRail& row);
json::object gross_item_to_json(const GrossItem& item);
// The counters that are not zero, by name.
json::object counters_to_json(const std::map<std::string, std::int64_t, std::less<>>& values);

}  // namespace upi::ledger
