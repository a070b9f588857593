// A mock partner bank: customer accounts, and debit, credit and reversal legs that are
// idempotent by leg id (the same leg twice moves money once and answers the same).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "banks/fault_rules.h"
#include "common/error.h"
#include "common/money.h"
#include "common/world.h"

namespace upi::banks {

enum class LegKind { kDebit, kCredit, kReversal };
enum class LegOutcome { kApplied, kDeclined };

std::string_view leg_kind_name(LegKind kind);
// The kind leg_kind_name names. Error code: INVALID_LEG_KIND.
Result<LegKind> parse_leg_kind(std::string_view name);

// A leg's id, "<payment id>:<kind>:<attempt>": deterministic, so a retried leg is recognised.
std::string make_leg_id(std::string_view payment_id, LegKind kind, int attempt);
// The payment a leg id belongs to: the part before the first ':'.
std::string payment_of_leg(std::string_view leg_id);

inline constexpr std::size_t kLegIdBytesMax = 128;

// What the bank answers for a leg.
struct LegAnswer {
  LegOutcome outcome = LegOutcome::kApplied;
  std::string code;      // on decline: INSUFFICIENT_FUNDS, DEBIT_DECLINED, ...
  std::string upi_code;  // on decline: Z9, U30, ...
  std::string message;
  std::string bank_reference;       // on apply
  bool nothing_to_reverse = false;  // reversal of a debit that never applied
};

// The bank's record of one leg, as its own books show it.
struct LegRecord {
  std::string leg_id;
  LegKind kind = LegKind::kDebit;
  std::string account;
  Paise amount = 0;
  std::string reverses_leg_id;  // reversals: the debit leg they undo
  bool reversed = false;        // debits: undone by a reversal
  bool closed_unseen = false;   // a status query or reversal found no such leg; refuse it later
  LegAnswer answer;
};

enum class LegState { kApplied, kDeclined, kNotFound };

struct StatusAnswer {
  LegState state = LegState::kNotFound;
  LegAnswer answer;  // when applied or declined
};

// What a bank process saw, counted since it started, by name:
//   fault.<operation>.<action>   calls a fault rule hit (fault.credit.lost_response)
//   status.<kind>.<state>        status queries answered for a known leg (status.credit.applied)
//   status.not_found             status queries for a leg the bank never saw
//   repeated.<kind>              a leg id received again after the bank had recorded it
//   restored                     leg records read back from the journal at start
//   in_flight_max                most leg and status requests a upi-bank was serving at once
// Runs read it to prove that their faults and recoveries really happened.
using BankActivity = std::map<std::string, std::int64_t>;
// Adds more to total: counts add up, a peak (a name ending in _max) keeps the highest.
void merge_activity(BankActivity& total, const BankActivity& more);

class MockBank {
 public:
  MockBank(BankSpec spec, const std::vector<AccountSpec>& accounts, std::uint64_t fault_seed);

  const BankSpec& spec() const { return spec_; }
  FaultPlan& faults() { return faults_; }

  LegAnswer debit(const std::string& leg_id, const std::string& account, Paise amount);
  LegAnswer credit(const std::string& leg_id, const std::string& account, Paise amount);
  // Undoes a debit leg at most once, whatever the reversal leg id; a reversal of a debit the
  // bank never saw closes that debit leg id so it can never apply later.
  LegAnswer reverse(const std::string& leg_id, const std::string& debit_leg_id);
  // Records a declined leg (the "fail" fault) unless the leg is already known.
  LegAnswer decline(LegKind kind, const std::string& leg_id, const std::string& account,
                    Paise amount);
  // The leg's state; NOT_FOUND also closes the leg id, so a late request is declined.
  StatusAnswer status(const std::string& leg_id);

  // Error code: ACCOUNT_NOT_FOUND.
  Result<Paise> balance(const std::string& account) const;
  Paise total_balance() const;
  std::vector<LegRecord> legs() const;
  // Every account's balance, by account number.
  std::map<std::string, Paise> balances() const;
  BankActivity activity() const;

  // Called under the bank's lock with every leg record written or changed, in order: the
  // journal that lets a bank process survive a restart (see bank_journal.h).
  void set_journal(std::function<void(const LegRecord&)> journal) { journal_ = std::move(journal); }
  // The books as the opening balances plus these records (a later record of a leg id wins).
  void restore(const std::vector<LegRecord>& records);

 private:
  LegAnswer record(LegRecord leg);
  void journal(const LegRecord& leg) const {
    if (journal_) journal_(leg);
  }
  std::string next_reference();
  // Answers a leg id already recorded (counted as repeated).
  LegAnswer known(const LegRecord& leg);

  BankSpec spec_;
  FaultPlan faults_;
  mutable std::mutex mutex_;
  std::map<std::string, Paise> balances_;  // account number -> balance
  std::map<std::string, LegRecord> legs_;  // leg id -> record
  std::map<std::string, Paise> opening_;   // account number -> opening balance
  std::function<void(const LegRecord&)> journal_;
  std::uint64_t references_issued_ = 0;
  BankActivity activity_;  // without the faults, which the plan counts
};

}  // namespace upi::banks
