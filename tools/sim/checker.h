// upi-sim's independent checker: from the banks' own books and leg records (not the switch's
// read views), checks that a run created, lost and moved twice no money.
#pragma once

#include <map>
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
};

// A payment as the switch reports it.
struct PaymentOutcome {
  std::string status;  // PENDING, COMPLETED, FAILED, REVERSED
  std::string reason;  // the reason code, for FAILED and REVERSED
};

struct Check {
  std::string name;
  bool ok = true;
  std::string detail;  // the first few offenders, when not ok
};

// Every check, in a fixed order:
//  terminal      every payment is terminal
//  conserved     the sum of all customer balances is unchanged
//  non_negative  no balance is negative
//  books         each bank's balances are its opening balances plus its applied legs
//  legs          per payment, the legs that moved money match its status (completed: one
//                debit and one credit; reversed: one debit and one reversal; failed: no
//                credit, and any debit reversed), and no money moved for an unknown payment
//  positions     the banks' net positions from their legs sum to zero and equal the
//                switch's positions (switch_net: bank -> net, from its read views)
std::vector<Check> check_run(const std::vector<BankBooks>& banks,
                             const std::map<std::string, PaymentOutcome>& payments,
                             const std::map<std::string, Paise>& switch_net);

bool all_ok(const std::vector<Check>& checks);

}  // namespace upi::sim
