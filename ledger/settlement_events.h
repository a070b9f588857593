// The events of settlement, in the stream "settlement" (specs/events.md, "Settlement events").
// A cycle is the stretch of the ledger before its SettlementCutOff: every payment that ends
// (completes or is reversed) before the cut-off's position belongs to it, so replaying the
// ledger assigns each to the same cycle. SettlementCycleClosed then records the cycle's totals
// as the views folded them. Cycle N's cut-off is version 2N-1 of the stream and its close 2N,
// so an append with the expected version lets exactly one node cut and close each cycle.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/money.h"
#include "ledger/event.h"

namespace upi::ledger::events {

inline constexpr std::string_view kSettlementStream = "settlement";
// The rail that settles gross (RTGS): each payment on its own, at once, not in the net.
inline constexpr std::string_view kGrossRail = "RTGS";

struct SettlementCutOff {
  static constexpr std::string_view kType = "SettlementCutOff";
  std::int64_t cycle = 0;
  std::int64_t cutoff_at_ms = 0;  // the scheduled cut-off it serves, or when an admin asked
  std::string cause;              // SCHEDULE or ADMIN
  std::string requested_by;       // the admin's principal id; left out for the schedule
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("cycle", e.cycle);
    v("cutoff_at_ms", e.cutoff_at_ms);
    v("cause", e.cause);
    v.optional("requested_by", e.requested_by);
  }
};

// One bank's gross movements on one rail within a cycle.
struct CycleBankRail {
  std::string bank, rail;
  Paise debits = 0, credits = 0;
  std::int64_t debit_count = 0, credit_count = 0;
  Paise net() const { return credits - debits; }
  template <class S, class V>
  static void fields(S& r, V& v) {
    v("bank", r.bank);
    v("rail", r.rail);
    v.total("debits", r.debits);
    v.total("credits", r.credits);
    v("debit_count", r.debit_count);
    v("credit_count", r.credit_count);
  }
};

// One bank's legs in a cycle as a Merkle root (settlement/leg_merkle.h): a bank that holds the
// root checks any one of its legs with an inclusion proof, without the whole list.
struct BankLegRoot {
  std::string bank;
  std::int64_t legs = 0;    // the tree's size
  std::string merkle_root;  // lower-case hex
  template <class S, class V>
  static void fields(S& r, V& v) {
    v("bank", r.bank);
    v("legs", r.legs);
    v("merkle_root", r.merkle_root);
  }
};

struct SettlementCycleClosed {
  static constexpr std::string_view kType = "SettlementCycleClosed";
  std::int64_t cycle = 0;
  std::int64_t cutoff_position = 0;    // of its SettlementCutOff
  std::int64_t completed = 0;          // payments completed in the cycle
  std::int64_t reversed = 0;           // payments reversed in the cycle
  Paise volume = 0;                    // the amount of the completed payments
  std::vector<CycleBankRail> banks;    // by bank, then rail
  std::vector<BankLegRoot> leg_roots;  // by bank; left out by closes written before them
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("cycle", e.cycle);
    v("cutoff_position", e.cutoff_position);
    v("completed", e.completed);
    v("reversed", e.reversed);
    v.total("volume", e.volume);
    v("banks", e.banks);
    v.optional("leg_roots", e.leg_roots);
  }
};

using SettlementEvent = std::variant<SettlementCutOff, SettlementCycleClosed>;

// The ledger counter (ledger/counters.h) of a bank's net debit in paise, over the payments
// netted in cycles (every rail but RTGS): held for those in flight, debits less credits for
// those completed since the last closed cycle. Its net debit cap is checked against it.
inline constexpr std::string_view kNetDebitCounterPrefix = "net_debit_paise/";
std::string net_debit_counter(std::string_view bank);
// The charges of a cycle's close: each bank's completed net debit in the cycle, released.
std::vector<CounterCharge> net_debit_settled(const SettlementCycleClosed& closed);

// The stream versions of cycle N's two events.
inline std::int64_t cutoff_version(std::int64_t cycle) {
  return 2 * cycle - 1;
}
inline std::int64_t closed_version(std::int64_t cycle) {
  return 2 * cycle;
}

// Reads a settlement event back strictly. Error code: INVALID_EVENT.
Result<SettlementEvent> decode_settlement(const RecordedEvent& event);
json::object encode(const SettlementEvent& event);
// A close carries net_debit_settled() as its charges.
NewEvent to_new_event(const SettlementEvent& event, const std::string& node_id);
// The settlement event types and the data fields of each, for the catalogue check.
std::vector<std::string_view> settlement_types();
std::vector<std::string> settlement_field_names(std::string_view type);

}  // namespace upi::ledger::events
