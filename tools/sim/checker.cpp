#include "tools/sim/checker.h"

#include <set>

namespace upi::sim {
namespace {

constexpr int kOffendersShown = 5;

// Records up to kOffendersShown offenders in the check's detail.
void offend(Check& check, int& count, const std::string& what) {
  check.ok = false;
  if (count++ < kOffendersShown) check.detail += (check.detail.empty() ? "" : "; ") + what;
}

bool moved_money(const banks::LegRecord& leg) {
  return leg.answer.outcome == banks::LegOutcome::kApplied && !leg.closed_unseen && leg.amount > 0;
}

Paise signed_amount(const banks::LegRecord& leg) {
  return leg.kind == banks::LegKind::kDebit ? -leg.amount : leg.amount;
}

Check check_terminal(const std::map<std::string, PaymentOutcome>& payments) {
  Check c{"terminal"};
  int n = 0;
  for (const auto& [id, p] : payments) {
    if (p.status == "PENDING" || p.status.empty()) offend(c, n, id + " is " + p.status);
    if ((p.status == "FAILED" || p.status == "REVERSED") && p.reason.empty())
      offend(c, n, id + " is " + p.status + " without a reason");
  }
  return c;
}

Check check_conserved(const std::vector<BankBooks>& banks) {
  Check c{"conserved"};
  Paise before = 0, after = 0;
  for (const auto& b : banks) {
    for (const auto& [account, balance] : b.opening) before += balance;
    for (const auto& [account, balance] : b.balances) after += balance;
  }
  if (before != after) {
    c.ok = false;
    c.detail = "balances summed to " + format_money(before) + " before and " + format_money(after) +
               " after";
  }
  return c;
}

Check check_non_negative(const std::vector<BankBooks>& banks) {
  Check c{"non_negative"};
  int n = 0;
  for (const auto& b : banks) {
    for (const auto& [account, balance] : b.balances) {
      if (balance < 0) offend(c, n, b.code + "/" + account + " holds " + format_money(balance));
    }
  }
  return c;
}

Check check_books(const std::vector<BankBooks>& banks) {
  Check c{"books"};
  int n = 0;
  for (const auto& b : banks) {
    std::map<std::string, Paise> expected = b.opening;
    for (const auto& leg : b.legs) {
      if (moved_money(leg)) expected[leg.account] += signed_amount(leg);
    }
    for (const auto& [account, balance] : expected) {
      auto it = b.balances.find(account);
      const Paise actual = it == b.balances.end() ? 0 : it->second;
      if (actual != balance) {
        offend(c, n,
               b.code + "/" + account + " holds " + format_money(actual) + " but its legs say " +
                   format_money(balance));
      }
    }
  }
  return c;
}

Check check_balances(const std::vector<BankBooks>& banks,
                     const std::map<std::string, PaymentOutcome>& payments) {
  Check c{"balances"};
  int n = 0;
  std::map<AccountRef, Paise> expected;
  for (const auto& b : banks) {
    for (const auto& [account, balance] : b.opening) expected[{b.code, account}] = balance;
  }
  for (const auto& [id, p] : payments) {
    if (p.status != "COMPLETED") continue;
    expected[p.payer] -= p.amount;
    expected[p.payee] += p.amount;
  }
  for (const auto& b : banks) {
    for (const auto& [account, balance] : b.balances) {
      auto it = expected.find({b.code, account});
      const Paise want = it == expected.end() ? 0 : it->second;
      if (balance != want) {
        offend(c, n,
               b.code + "/" + account + " holds " + format_money(balance) +
                   " but the statuses say " + format_money(want));
      }
    }
  }
  return c;
}

// The money-moving legs of each payment, by kind; offends for a leg on the wrong account or
// amount, and for money moved for a payment nobody asked for.
std::map<std::string, std::map<banks::LegKind, int>> legs_by_payment(
    const std::vector<BankBooks>& banks, const std::map<std::string, PaymentOutcome>& payments,
    Check& c, int& n) {
  std::map<std::string, std::map<banks::LegKind, int>> moved;
  for (const auto& b : banks) {
    for (const auto& leg : b.legs) {
      if (!moved_money(leg)) continue;
      const std::string id = banks::payment_of_leg(leg.leg_id);
      auto p = payments.find(id);
      if (p == payments.end()) {
        offend(c, n, b.code + " moved money for unknown " + leg.leg_id);
        continue;
      }
      ++moved[id][leg.kind];
      const AccountRef& party =
          leg.kind == banks::LegKind::kCredit ? p->second.payee : p->second.payer;
      if (AccountRef{b.code, leg.account} != party || leg.amount != p->second.amount) {
        offend(c, n,
               leg.leg_id + " moved " + format_money(leg.amount) + " at " + b.code + "/" +
                   leg.account + ", not " + format_money(p->second.amount) + " at " + party.bank +
                   "/" + party.account);
      }
    }
  }
  return moved;
}

Check check_legs(const std::vector<BankBooks>& banks,
                 const std::map<std::string, PaymentOutcome>& payments) {
  Check c{"legs"};
  int n = 0;
  auto moved = legs_by_payment(banks, payments, c, n);
  for (const auto& [id, p] : payments) {
    auto& m = moved[id];
    const int debits = m[banks::LegKind::kDebit], credits = m[banks::LegKind::kCredit],
              reversals = m[banks::LegKind::kReversal];
    bool ok = false;
    if (p.status == "COMPLETED") ok = debits == 1 && credits == 1 && reversals == 0;
    if (p.status == "REVERSED") ok = debits == 1 && credits == 0 && reversals == 1;
    if (p.status == "FAILED") {
      ok = failed_reason_moves_nothing(p.reason)
               ? debits == 0 && credits == 0 && reversals == 0
               : credits == 0 && debits <= 1 && debits == reversals;
    }
    if (p.status == "PENDING") ok = true;  // reported by "terminal"
    if (!ok) {
      offend(c, n,
             id + " " + p.status + (p.reason.empty() ? "" : " (" + p.reason + ")") + " with " +
                 std::to_string(debits) + " debit(s), " + std::to_string(credits) + " credit(s), " +
                 std::to_string(reversals) + " reversal(s)");
    }
  }
  return c;
}

Check check_sent_once(const std::vector<BankBooks>& banks) {
  Check c{"sent_once"};
  int n = 0;
  for (const auto& b : banks) {
    for (const char* kind : {"repeated.debit", "repeated.credit"}) {
      auto it = b.activity.find(kind);
      if (it != b.activity.end() && it->second > 0)
        offend(c, n, b.code + " " + kind + " " + std::to_string(it->second));
    }
  }
  return c;
}

Check check_positions(const std::vector<BankBooks>& banks,
                      const std::map<std::string, Paise>& switch_net) {
  Check c{"positions"};
  int n = 0;
  Paise total = 0;
  for (const auto& b : banks) {
    Paise net = 0;
    for (const auto& leg : b.legs) {
      if (moved_money(leg)) net += signed_amount(leg);
    }
    total += net;
    auto it = switch_net.find(b.code);
    const Paise theirs = it == switch_net.end() ? 0 : it->second;
    if (net != theirs) {
      offend(c, n,
             b.code + ": legs net " + format_money(net) + ", switch positions " +
                 format_money(theirs));
    }
  }
  if (total != 0) offend(c, n, "bank nets sum to " + format_money(total));
  return c;
}

// Each bank's net from the legs in its own books that moved money.
std::map<std::string, Paise> nets_from_legs(const std::vector<BankBooks>& banks) {
  std::map<std::string, Paise> nets;
  for (const auto& b : banks) {
    for (const auto& leg : b.legs) {
      if (moved_money(leg)) nets[b.code] += signed_amount(leg);
    }
  }
  return nets;
}

}  // namespace

Check check_settlement(const std::vector<BankBooks>& banks,
                       const std::map<std::string, PaymentOutcome>& payments,
                       const std::vector<CycleTotals>& cycles) {
  Check c{"settlement"};
  int n = 0;
  std::map<std::string, std::int64_t> counted, expected;
  std::map<std::string, Paise> nets;
  for (const auto& cycle : cycles) {
    const std::string name = "cycle " + std::to_string(cycle.cycle);
    if (cycle.status != "CLOSED") offend(c, n, name + " is " + cycle.status);
    Paise total = 0;
    for (const auto& [bank, net] : cycle.net) {
      total += net;
      nets[bank] += net;
    }
    if (total != 0) offend(c, n, name + "'s nets sum to " + format_money(total));
    if (!cycle.reconciliation.empty() && cycle.reconciliation != "MATCHED") {
      offend(c, n,
             name + " reconciles " + cycle.reconciliation + ": " + cycle.reconciliation_detail);
    }
    counted["COMPLETED"] += cycle.completed;
    counted["REVERSED"] += cycle.reversed;
  }
  for (const auto& [id, p] : payments) {
    if (p.status == "COMPLETED" || p.status == "REVERSED") ++expected[p.status];
  }
  for (const char* status : {"COMPLETED", "REVERSED"}) {
    if (counted[status] != expected[status]) {
      offend(c, n,
             "the cycles count " + std::to_string(counted[status]) + " " + status +
                 " payments, the run " + std::to_string(expected[status]));
    }
  }
  for (const auto& [bank, net] : nets_from_legs(banks)) {
    if (nets[bank] != net) {
      offend(c, n,
             bank + ": cycles net " + format_money(nets[bank]) + ", legs net " + format_money(net));
    }
  }
  return c;
}

std::vector<Check> check_run(const std::vector<BankBooks>& banks,
                             const std::map<std::string, PaymentOutcome>& payments,
                             const std::map<std::string, Paise>& switch_net) {
  return {check_terminal(payments),        check_conserved(banks),
          check_non_negative(banks),       check_books(banks),
          check_balances(banks, payments), check_legs(banks, payments),
          check_sent_once(banks),          check_positions(banks, switch_net)};
}

bool failed_reason_moves_nothing(const std::string& reason) {
  static const std::set<std::string> kNothingMoved{
      "VPA_NOT_FOUND",      "RAIL_NOT_SUPPORTED",    "AMOUNT_ABOVE_LIMIT", "BANK_UNAVAILABLE",
      "INSUFFICIENT_FUNDS", "DEBIT_DECLINED",        "ACCOUNT_NOT_FOUND",  "LEG_CLOSED",
      "DEBIT_TIMEOUT",      "NET_DEBIT_CAP_EXCEEDED"};
  return kNothingMoved.contains(reason);
}

std::optional<AccountRef> account_of(const World& world, const std::string& vpa) {
  for (const auto& a : world.accounts) {
    if (a.vpa.str() == vpa) return AccountRef{a.bank, a.account};
  }
  return std::nullopt;
}

std::vector<std::string> failed_names(const std::vector<Check>& checks) {
  std::vector<std::string> out;
  for (const auto& c : checks) {
    if (!c.ok) out.push_back(c.name);
  }
  return out;
}

std::string describe_failures(const std::vector<Check>& checks) {
  std::string out;
  for (const auto& c : checks) {
    if (!c.ok) out += c.name + ": " + c.detail + "\n";
  }
  return out;
}

bool all_ok(const std::vector<Check>& checks) {
  for (const auto& c : checks) {
    if (!c.ok) return false;
  }
  return true;
}

}  // namespace upi::sim
