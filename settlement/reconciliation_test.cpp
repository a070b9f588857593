#include "settlement/reconciliation.h"

#include <gtest/gtest.h>

#include "common/run_blocking.h"

namespace upi::settlement {
namespace {

using ledger::SettledLeg;

TEST(Reconciliation, NamesEveryLegThatDiffersAndCountsTheRest) {
  const std::vector<SettledLeg> at_switch{{"pay_1:credit:1", "CREDIT", "2002", 500},
                                          {"pay_1:debit:1", "DEBIT", "1001", 500},
                                          {"pay_2:debit:1", "DEBIT", "1001", 700},
                                          {"pay_3:debit:1", "DEBIT", "1001", 900}};
  const std::vector<SettledLeg> at_bank{{"pay_1:credit:1", "CREDIT", "2002", 500},
                                        {"pay_1:debit:1", "DEBIT", "1001", 500},
                                        {"pay_3:debit:1", "DEBIT", "1001", 9000},
                                        {"pay_4:credit:1", "CREDIT", "2002", 100}};
  const BankReconciliation r = compare_legs("HDFC", at_switch, at_bank);
  EXPECT_EQ(r.status, kMismatched);
  EXPECT_EQ(r.matched, 2);
  ASSERT_EQ(r.missing_at_bank.size(), 1u);
  EXPECT_EQ(r.missing_at_bank[0].leg_id, "pay_2:debit:1");
  ASSERT_EQ(r.missing_at_switch.size(), 1u);
  EXPECT_EQ(r.missing_at_switch[0].leg_id, "pay_4:credit:1");
  ASSERT_EQ(r.mismatched.size(), 1u);
  EXPECT_EQ(r.mismatched[0].at_bank.amount, 9000);
  EXPECT_EQ(compare_legs("HDFC", at_switch, at_switch).status, kReconciled);
}

// The bank's records are read in pages from just before the cycle's first payment to just past
// its last, keeping only applied legs of the cycle's payments.
TEST(Reconciliation, ReadsTheBanksAppliedLegsOfThePaymentsAcrossPages) {
  const BankSpec spec{"HDFC", "H", {Rail::kImps}, "", std::nullopt};
  banks::MockBank bank(spec,
                       {{parse_vpa("alice@okhdfc").value(), "A", "HDFC", "1001", 100'000'000}}, 1);
  banks::MemoryBankCore core(bank);
  banks::SimulatedGateway gateway(core, bank.faults());
  std::set<std::string> cycle;
  char id[32];
  for (int i = 0; i < 2500; ++i) {
    std::snprintf(id, sizeof id, "pay_%05d", i);
    ASSERT_EQ(bank.debit(std::string(id) + ":debit:1", "1001", 100).outcome,
              banks::LegOutcome::kApplied);
    if (i >= 100 && i < 2400 && i % 3 != 0) cycle.insert(id);
  }
  bank.debit("pay_01000:debit:2", "9999", 100);  // declined: no such account
  auto legs =
      run_blocking(bank_legs_for(gateway, cycle, MonotonicClock::now() + std::chrono::seconds(10)));
  ASSERT_TRUE(legs.has_value()) << legs.error().message;
  ASSERT_EQ(legs->size(), cycle.size());
  EXPECT_EQ(legs->front().leg_id, *cycle.begin() + ":debit:1");
  EXPECT_EQ(legs->back().kind, "DEBIT");
  EXPECT_TRUE(std::is_sorted(legs->begin(), legs->end(),
                             [](const auto& a, const auto& b) { return a.leg_id < b.leg_id; }));
}

}  // namespace
}  // namespace upi::settlement
