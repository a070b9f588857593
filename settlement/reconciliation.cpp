#include "settlement/reconciliation.h"

#include <algorithm>
#include <cctype>

#include "banks/bank_api.h"

namespace upi::settlement {
namespace {

std::string payment_of(const std::string& leg_id) {
  return leg_id.substr(0, leg_id.find(':'));
}

}  // namespace

std::string settled_kind(banks::LegKind kind) {
  std::string name(banks::leg_kind_name(kind));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

BankReconciliation compare_legs(const std::string& bank,
                                const std::vector<ledger::SettledLeg>& at_switch,
                                const std::vector<ledger::SettledLeg>& at_bank) {
  BankReconciliation r;
  r.bank = bank;
  r.legs_at_switch = static_cast<std::int64_t>(at_switch.size());
  r.legs_at_bank = static_cast<std::int64_t>(at_bank.size());
  auto s = at_switch.begin();
  auto b = at_bank.begin();
  while (s != at_switch.end() || b != at_bank.end()) {
    if (b == at_bank.end() || (s != at_switch.end() && s->leg_id < b->leg_id)) {
      r.missing_at_bank.push_back(*s++);
    } else if (s == at_switch.end() || b->leg_id < s->leg_id) {
      r.missing_at_switch.push_back(*b++);
    } else {
      if (*s == *b) {
        ++r.matched;
      } else {
        r.mismatched.push_back({*s, *b});
      }
      ++s, ++b;
    }
  }
  const bool clean =
      r.missing_at_bank.empty() && r.missing_at_switch.empty() && r.mismatched.empty();
  r.status = clean ? kReconciled : kMismatched;
  return r;
}

boost::asio::awaitable<Result<std::vector<ledger::SettledLeg>>> bank_legs_for(
    banks::BankGateway& bank, const std::set<std::string>& payment_ids, banks::Deadline deadline) {
  std::vector<ledger::SettledLeg> out;
  if (payment_ids.empty()) co_return out;
  // Leg ids are "<payment id>:<kind>:<n>": a cycle's legs lie between its first and last
  // payment's, so the pages start just before the first and stop past the last.
  const std::string& last = *payment_ids.rbegin();
  std::string after = *payment_ids.begin();
  for (std::size_t read = 0; read < kReconcileLegsReadMax;) {
    auto page = co_await bank.legs(after, banks::kLegsPageMax, deadline);
    if (!page) co_return std::unexpected(page.error());
    for (const auto& leg : *page) {
      const std::string payment = payment_of(leg.leg_id);
      if (payment > last) co_return out;
      const bool applied = leg.answer.outcome == banks::LegOutcome::kApplied && leg.amount > 0;
      if (applied && payment_ids.contains(payment))
        out.push_back({leg.leg_id, settled_kind(leg.kind), leg.account, leg.amount});
    }
    if (page->size() < banks::kLegsPageMax) co_return out;
    after = page->back().leg_id;
    read += page->size();
  }
  co_return fail(
      ErrorKind::kUnavailable, "BANK_UNAVAILABLE",
      "more than " + std::to_string(kReconcileLegsReadMax) + " leg records to read for one cycle");
}

std::set<std::string> payments_of(const ledger::CycleLegs& legs) {
  std::set<std::string> ids;
  for (const auto& [bank, list] : legs) {
    for (const auto& leg : list) ids.insert(payment_of(leg.leg_id));
  }
  return ids;
}

}  // namespace upi::settlement
