// The independent checker passes a consistent run and fails each kind of corrupted bank record.
#include "tools/sim/checker.h"

#include <gtest/gtest.h>

namespace upi::sim {
namespace {

using banks::LegKind;
using banks::LegOutcome;
using banks::LegRecord;

LegRecord applied(std::string leg_id, LegKind kind, std::string account, Paise amount) {
  LegRecord leg{std::move(leg_id), kind, std::move(account), amount, "", false, false, {}};
  leg.answer.bank_reference = "REF";
  return leg;
}

// A run of three payments: p1 completed (HDFC a -> ICICI b, 100.00), p2 reversed (HDFC a,
// 50.00), p3 failed with nothing moved.
struct SampleRun {
  std::vector<BankBooks> banks{
      BankBooks{"HDFC",
                {{"a", 1000'00}},
                {{"a", 900'00}},
                {applied("p1:debit:1", LegKind::kDebit, "a", 100'00),
                 applied("p2:debit:1", LegKind::kDebit, "a", 50'00),
                 applied("p2:reversal:1", LegKind::kReversal, "a", 50'00)}},
      BankBooks{"ICICI",
                {{"b", 10'00}},
                {{"b", 110'00}},
                {applied("p1:credit:1", LegKind::kCredit, "b", 100'00)}}};
  std::map<std::string, PaymentOutcome> payments{{"p1", {"COMPLETED", ""}},
                                                 {"p2", {"REVERSED", "CREDIT_DECLINED"}},
                                                 {"p3", {"FAILED", "DEBIT_DECLINED"}}};
  std::map<std::string, Paise> switch_net{{"HDFC", -100'00}, {"ICICI", 100'00}};

  std::vector<std::string> failed_checks() const {
    std::vector<std::string> out;
    for (const auto& c : check_run(banks, payments, switch_net)) {
      if (!c.ok) out.push_back(c.name);
    }
    return out;
  }
};

using Names = std::vector<std::string>;

TEST(Checker, PassesAConsistentRun) {
  SampleRun run;
  EXPECT_EQ(run.failed_checks(), Names{});
}

TEST(Checker, FailsACreditRecordedTwice) {
  SampleRun run;
  run.banks[1].legs.push_back(applied("p1:credit:2", LegKind::kCredit, "b", 100'00));
  run.banks[1].balances["b"] += 100'00;  // the bank's books agree with its records
  EXPECT_EQ(run.failed_checks(), (Names{"conserved", "legs", "positions"}));
}

TEST(Checker, FailsARecordWhoseAmountDisagreesWithTheBalance) {
  SampleRun run;
  run.banks[0].legs[0].amount = 90'00;  // corrupted: the balance moved by 100.00
  EXPECT_EQ(run.failed_checks(), (Names{"books", "positions"}));
}

TEST(Checker, FailsAMissingReversalAndMoneyForAnUnknownPayment) {
  SampleRun run;
  run.banks[0].legs.pop_back();  // p2's reversal lost from the records
  run.banks[0].balances["a"] -= 50'00;
  EXPECT_EQ(run.failed_checks(), (Names{"conserved", "legs", "positions"}));
  SampleRun stray;
  stray.banks[1].legs.push_back(applied("p9:credit:1", LegKind::kCredit, "b", 1'00));
  stray.banks[1].balances["b"] += 1'00;
  stray.switch_net["ICICI"] += 1'00;
  EXPECT_EQ(stray.failed_checks(), (Names{"conserved", "legs", "positions"}));
}

TEST(Checker, FailsPendingPaymentsAndNegativeBalances) {
  SampleRun run;
  run.payments["p4"] = PaymentOutcome{"PENDING", ""};
  run.banks[0].opening["z"] = 0;
  run.banks[0].balances["z"] = -1;
  run.banks[0].legs.push_back(applied("p4:debit:1", LegKind::kDebit, "z", 1));
  const auto failed = run.failed_checks();
  EXPECT_EQ(failed, (Names{"terminal", "conserved", "non_negative", "legs", "positions"}));
}

}  // namespace
}  // namespace upi::sim
