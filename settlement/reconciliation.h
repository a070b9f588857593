// Reconciliation: a closed cycle's legs as the switch recorded them (the views' legs, whose
// Merkle roots the close published) against each bank's own leg records for the same payments.
// Every difference is named: a leg missing at the bank, one the bank applied that the switch
// does not count, and one whose amount or account differs.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "banks/bank_gateway.h"
#include "ledger/views.h"

namespace upi::settlement {

inline constexpr std::string_view kReconciled = "MATCHED";
inline constexpr std::string_view kMismatched = "MISMATCHED";
inline constexpr std::string_view kBankUnreachable = "UNAVAILABLE";
// Leg records a bank may be read for one cycle, at most (then UNAVAILABLE: too many).
inline constexpr std::size_t kReconcileLegsReadMax = 2'000'000;

struct LegMismatch {
  ledger::SettledLeg at_switch, at_bank;
};

struct BankReconciliation {
  std::string bank;
  std::string status{kReconciled};
  std::int64_t legs_at_switch = 0, legs_at_bank = 0, matched = 0;
  std::vector<ledger::SettledLeg> missing_at_bank;    // the switch has them, the bank does not
  std::vector<ledger::SettledLeg> missing_at_switch;  // the bank applied them, the switch does not
  std::vector<LegMismatch> mismatched;                // same leg id, another amount or account
  std::string detail;                                 // why UNAVAILABLE
};

// Compares two lists of one bank's legs, each sorted by leg id.
BankReconciliation compare_legs(const std::string& bank,
                                const std::vector<ledger::SettledLeg>& at_switch,
                                const std::vector<ledger::SettledLeg>& at_bank);

// The legs the bank applied for the given payments, sorted by leg id, read page by page.
// Error code: BANK_UNAVAILABLE (also past kReconcileLegsReadMax records).
boost::asio::awaitable<Result<std::vector<ledger::SettledLeg>>> bank_legs_for(
    banks::BankGateway& bank, const std::set<std::string>& payment_ids, banks::Deadline deadline);

// A bank's leg kind as a settled leg names it: DEBIT, CREDIT, REVERSAL.
std::string settled_kind(banks::LegKind kind);

// The payments a bank's legs in a cycle belong to.
std::set<std::string> payments_of(const ledger::CycleLegs& legs);

}  // namespace upi::settlement
