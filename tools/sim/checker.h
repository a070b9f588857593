// The independent checker of a run: from the banks' own books, leg records and activity (not
// the switch's read views), checks that the run created, lost and moved twice no money, and
// that every account holds what the payments' statuses say it should. Used by upi-sim, by the
// saga property test and by the durable end-to-end tests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "banks/mock_bank.h"

namespace upi::sim {

// One bank as its own API shows it, before and after a run.
struct BankBooks {
  std::string code;
  std::map<std::string, Paise> opening;   // account -> balance before the run
  std::map<std::string, Paise> balances;  // account -> balance after
  std::vector<banks::LegRecord> legs;
  banks::BankActivity activity;  // summed over every life of the bank's process
};

// Where a payment's money lives: an account at a bank.
struct AccountRef {
  std::string bank;
  std::string account;
  auto operator<=>(const AccountRef&) const = default;
};

// The account behind a VPA of the world, or nullopt.
std::optional<AccountRef> account_of(const World& world, const std::string& vpa);

// A payment as its client asked for it and as the switch reports it.
struct PaymentOutcome {
  std::string status;  // PENDING, COMPLETED, FAILED, REVERSED
  std::string reason;  // the reason code, for FAILED and REVERSED
  AccountRef payer;
  AccountRef payee;
  Paise amount = 0;
};

struct Check {
  std::string name;
  bool ok = true;
  std::string detail;  // the first few offenders, when not ok
};

// True for the FAILED reasons that promise that no money moved at all (every reason the switch
// gives a FAILED payment today); a FAILED payment with another reason may have had its debit
// reversed.
bool failed_reason_moves_nothing(const std::string& reason);

// Every check, in a fixed order:
//  terminal      every payment is terminal, and a FAILED or REVERSED one has a reason
//  conserved     the sum of all customer balances is unchanged
//  non_negative  no balance is negative
//  books         each bank's balances are its opening balances plus its applied legs
//  balances      each account holds its opening balance plus what the statuses imply (a
//                COMPLETED payment moves its amount from payer to payee; nothing else moves
//                money), whatever the leg records say
//  legs          per payment, the legs that moved money match its status (completed: one debit
//                and one credit; reversed: one debit and one reversal; failed: nothing moved,
//                or for a reason that allows it a debit and its reversal), each on the
//                payment's own account and amount; no money moved for an unknown payment
//  sent_once     no bank received a debit or credit leg id twice (a re-sent leg is a saga bug
//                that only the bank's de-duplication would hide)
//  positions     the banks' net positions from their legs sum to zero and equal the
//                switch's positions (switch_net: bank -> net, from its read views)
std::vector<Check> check_run(const std::vector<BankBooks>& banks,
                             const std::map<std::string, PaymentOutcome>& payments,
                             const std::map<std::string, Paise>& switch_net);

// A settlement cycle as the switch reports it (GET /v1/settlement/cycles/{id}).
struct CycleTotals {
  std::int64_t cycle = 0;
  std::string status;  // OPEN, CUT_OFF, CLOSED
  std::int64_t completed = 0;
  std::int64_t reversed = 0;
  std::map<std::string, Paise> net;  // bank -> net in the cycle
  // The switch's reconciliation of the cycle with the banks' own leg records: its status
  // (MATCHED, MISMATCHED, INCOMPLETE) and, unless MATCHED, what it said; empty: not asked.
  std::string reconciliation, reconciliation_detail;
};

//  settlement    the cycles that hold the run (every one up to a cut-off after its last
//                payment ended) are CLOSED and each one's nets sum to zero; they count every
//                COMPLETED and every REVERSED payment once; each bank's nets over them equal its
//                net from its own legs (as positions does); the switch reconciles each one
//                with the banks' leg records as MATCHED
Check check_settlement(const std::vector<BankBooks>& banks,
                       const std::map<std::string, PaymentOutcome>& payments,
                       const std::vector<CycleTotals>& cycles);

bool all_ok(const std::vector<Check>& checks);
// The names of the checks that failed, in order.
std::vector<std::string> failed_names(const std::vector<Check>& checks);
// Every failed check with its detail, one per line.
std::string describe_failures(const std::vector<Check>& checks);

}  // namespace upi::sim
