#include "banks/mock_bank.h"

#include <algorithm>
#include <cassert>

#include <cstdio>
#include "common/reasons.h"

namespace upi::banks {
namespace {

LegAnswer declined(ReasonCode reason, std::string message) {
  const ReasonInfo& info = reason_info(reason);
  return LegAnswer{LegOutcome::kDeclined,
                   std::string(info.code),
                   std::string(info.upi_code),
                   std::move(message),
                   "",
                   false};
}

LegAnswer closed_leg() {
  return declined(ReasonCode::kLegClosed,
                  "the bank already reported this leg as not received; it will not apply it now");
}

LegAnswer decline_for(LegKind kind) {
  switch (kind) {
    case LegKind::kDebit:
      return declined(ReasonCode::kDebitDeclined, "the payer's bank declined the debit");
    case LegKind::kCredit:
      return declined(ReasonCode::kCreditDeclined, "the payee's bank declined the credit");
    case LegKind::kReversal:
      return declined(ReasonCode::kReversalDeclined, "the bank declined the reversal");
  }
  assert(false);
  return {};
}

}  // namespace

std::string_view leg_kind_name(LegKind kind) {
  switch (kind) {
    case LegKind::kDebit:
      return "debit";
    case LegKind::kCredit:
      return "credit";
    case LegKind::kReversal:
      return "reversal";
  }
  assert(false);
  return "";
}

Result<LegKind> parse_leg_kind(std::string_view name) {
  for (LegKind kind : {LegKind::kDebit, LegKind::kCredit, LegKind::kReversal}) {
    if (leg_kind_name(kind) == name) return kind;
  }
  return fail(ErrorKind::kInvalid, "INVALID_LEG_KIND", "unknown leg kind " + std::string(name));
}

void merge_activity(BankActivity& total, const BankActivity& more) {
  for (const auto& [name, n] : more) {
    auto& sum = total[name];
    sum = name.ends_with("_max") ? std::max(sum, n) : sum + n;
  }
}

std::string make_leg_id(std::string_view payment_id, LegKind kind, int attempt) {
  assert(attempt >= 1);
  return std::string(payment_id) + ":" + std::string(leg_kind_name(kind)) + ":" +
         std::to_string(attempt);
}

std::string payment_of_leg(std::string_view leg_id) {
  return std::string(leg_id.substr(0, leg_id.find(':')));
}

MockBank::MockBank(BankSpec spec, const std::vector<AccountSpec>& accounts,
                   std::uint64_t fault_seed)
    : spec_(std::move(spec)), faults_(fault_seed) {
  for (const auto& account : accounts) {
    if (account.bank == spec_.code) balances_[account.account] = account.balance;
  }
  opening_ = balances_;
}

void MockBank::restore(const std::vector<LegRecord>& records) {
  std::lock_guard lock(mutex_);
  legs_.clear();
  for (const auto& leg : records) legs_.insert_or_assign(leg.leg_id, leg);
  activity_["restored"] = static_cast<std::int64_t>(legs_.size());
  balances_ = opening_;
  references_issued_ = 0;
  for (const auto& [id, leg] : legs_) {
    if (leg.answer.outcome != LegOutcome::kApplied || leg.closed_unseen) continue;
    ++references_issued_;
    if (leg.kind == LegKind::kDebit) balances_[leg.account] -= leg.amount;
    if (leg.kind == LegKind::kCredit) balances_[leg.account] += leg.amount;
    if (leg.kind == LegKind::kReversal && leg.amount > 0) balances_[leg.account] += leg.amount;
  }
  for (const auto& [account, balance] : balances_) {
    assert(balance >= 0 && "restored books never hold a negative balance");
  }
}

std::string MockBank::next_reference() {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%012llu", spec_.code.c_str(),
                static_cast<unsigned long long>(++references_issued_));
  return buf;
}

LegAnswer MockBank::known(const LegRecord& leg) {
  ++activity_["repeated." + std::string(leg_kind_name(leg.kind))];
  return leg.closed_unseen ? closed_leg() : leg.answer;
}

LegAnswer MockBank::record(LegRecord leg) {
  assert(!legs_.contains(leg.leg_id));
  LegAnswer answer = leg.answer;
  journal(leg);
  legs_.emplace(leg.leg_id, std::move(leg));
  return answer;
}

LegAnswer MockBank::debit(const std::string& leg_id, const std::string& account, Paise amount) {
  assert(amount > 0);
  std::lock_guard lock(mutex_);
  if (auto it = legs_.find(leg_id); it != legs_.end()) return known(it->second);
  LegRecord leg{leg_id, LegKind::kDebit, account, amount, "", false, false, {}};
  auto balance = balances_.find(account);
  if (balance == balances_.end()) {
    leg.answer =
        declined(ReasonCode::kAccountNotFoundAtPayerBank, "no such account at " + spec_.code);
  } else if (balance->second < amount) {
    leg.answer = declined(ReasonCode::kInsufficientFunds, "the payer's balance is too low");
  } else {
    balance->second -= amount;
    leg.answer.bank_reference = next_reference();
  }
  return record(std::move(leg));
}

LegAnswer MockBank::credit(const std::string& leg_id, const std::string& account, Paise amount) {
  assert(amount > 0);
  std::lock_guard lock(mutex_);
  if (auto it = legs_.find(leg_id); it != legs_.end()) return known(it->second);
  LegRecord leg{leg_id, LegKind::kCredit, account, amount, "", false, false, {}};
  auto balance = balances_.find(account);
  if (balance == balances_.end()) {
    leg.answer =
        declined(ReasonCode::kAccountNotFoundAtPayeeBank, "no such account at " + spec_.code);
  } else {
    assert(balance->second <= kPaiseMax - amount);
    balance->second += amount;
    leg.answer.bank_reference = next_reference();
  }
  return record(std::move(leg));
}

LegAnswer MockBank::reverse(const std::string& leg_id, const std::string& debit_leg_id) {
  std::lock_guard lock(mutex_);
  if (auto it = legs_.find(leg_id); it != legs_.end()) return known(it->second);
  LegRecord leg{leg_id, LegKind::kReversal, "", 0, debit_leg_id, false, false, {}};
  auto debit = legs_.find(debit_leg_id);
  if (debit == legs_.end()) {
    // Never seen: close the debit leg id so a late debit cannot apply after its reversal.
    auto closed = legs_.emplace(debit_leg_id, LegRecord{debit_leg_id, LegKind::kDebit, "", 0, "",
                                                        false, true, closed_leg()});
    journal(closed.first->second);
    leg.answer.nothing_to_reverse = true;
  } else if (debit->second.kind != LegKind::kDebit) {
    leg.answer = declined(ReasonCode::kReversalDeclined, debit_leg_id + " is not a debit leg");
  } else if (debit->second.answer.outcome != LegOutcome::kApplied || debit->second.reversed) {
    leg.answer.nothing_to_reverse = true;  // declined, closed, or already reversed
  } else {
    debit->second.reversed = true;
    journal(debit->second);
    leg.account = debit->second.account;
    leg.amount = debit->second.amount;
    balances_[leg.account] += leg.amount;
  }
  if (leg.answer.outcome == LegOutcome::kApplied) leg.answer.bank_reference = next_reference();
  return record(std::move(leg));
}

LegAnswer MockBank::decline(LegKind kind, const std::string& leg_id, const std::string& account,
                            Paise amount) {
  std::lock_guard lock(mutex_);
  if (auto it = legs_.find(leg_id); it != legs_.end()) return known(it->second);
  return record(LegRecord{leg_id, kind, account, amount, "", false, false, decline_for(kind)});
}

StatusAnswer MockBank::status(const std::string& leg_id) {
  std::lock_guard lock(mutex_);
  auto it = legs_.find(leg_id);
  if (it == legs_.end()) {
    auto closed = legs_.emplace(
        leg_id, LegRecord{leg_id, LegKind::kDebit, "", 0, "", false, true, closed_leg()});
    journal(closed.first->second);
    ++activity_["status.not_found"];
    return StatusAnswer{LegState::kNotFound, {}};
  }
  if (it->second.closed_unseen) {
    ++activity_["status.not_found"];
    return StatusAnswer{LegState::kNotFound, {}};
  }
  const bool applied = it->second.answer.outcome == LegOutcome::kApplied;
  ++activity_["status." + std::string(leg_kind_name(it->second.kind)) +
              (applied ? ".applied" : ".declined")];
  return StatusAnswer{applied ? LegState::kApplied : LegState::kDeclined, it->second.answer};
}

Result<Paise> MockBank::balance(const std::string& account) const {
  std::lock_guard lock(mutex_);
  auto it = balances_.find(account);
  if (it == balances_.end())
    return fail(ErrorKind::kNotFound, "ACCOUNT_NOT_FOUND", "no such account at " + spec_.code);
  return it->second;
}

Paise MockBank::total_balance() const {
  std::lock_guard lock(mutex_);
  Paise total = 0;
  for (const auto& [account, balance] : balances_) {
    assert(balance >= 0 && "a balance never goes negative");
    total += balance;
  }
  return total;
}

std::vector<LegRecord> MockBank::legs() const {
  std::lock_guard lock(mutex_);
  std::vector<LegRecord> out;
  for (const auto& [id, leg] : legs_) out.push_back(leg);
  return out;
}

std::map<std::string, Paise> MockBank::balances() const {
  std::lock_guard lock(mutex_);
  return balances_;
}

BankActivity MockBank::activity() const {
  BankActivity out;
  {
    std::lock_guard lock(mutex_);
    out = activity_;
  }
  for (const auto& [what, n] : faults_.fired()) {
    out["fault." + std::string(operation_name(what.first)) + "." +
        std::string(action_name(what.second))] += n;
  }
  return out;
}

}  // namespace upi::banks
