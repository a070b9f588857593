#include "banks/mock_bank.h"

#include <gtest/gtest.h>

namespace upi::banks {
namespace {

MockBank make_bank() {
  BankSpec spec{"HDFC", "HDFC Bank", {Rail::kImps}, ""};
  std::vector<AccountSpec> accounts{
      {{"alice", "ok"}, "Alice", "HDFC", "111111", 100'00},
      {{"bob", "ok"}, "Bob", "HDFC", "222222", 0},
      {{"carol", "ok"}, "Carol", "SBI", "333333", 500'00},  // another bank's: ignored
  };
  return MockBank(spec, accounts, 1);
}

TEST(MockBank, DebitIsIdempotentByLegId) {
  MockBank bank = make_bank();
  auto first = bank.debit("p1:debit:1", "111111", 30'00);
  EXPECT_EQ(first.outcome, LegOutcome::kApplied);
  auto again = bank.debit("p1:debit:1", "111111", 30'00);
  EXPECT_EQ(again.outcome, LegOutcome::kApplied);
  EXPECT_EQ(again.bank_reference, first.bank_reference);
  EXPECT_EQ(bank.balance("111111").value(), 70'00);
  EXPECT_EQ(bank.legs().size(), 1u);
}

TEST(MockBank, InsufficientFundsIsADeclineThatStaysDeclined) {
  MockBank bank = make_bank();
  auto answer = bank.debit("p1:debit:1", "111111", 100'01);
  EXPECT_EQ(answer.outcome, LegOutcome::kDeclined);
  EXPECT_EQ(answer.code, "INSUFFICIENT_FUNDS");
  EXPECT_EQ(answer.upi_code, "Z9");
  EXPECT_EQ(bank.debit("p1:debit:1", "111111", 1).code, "INSUFFICIENT_FUNDS");
  EXPECT_EQ(bank.balance("111111").value(), 100'00);
}

TEST(MockBank, CreditAddsOnceAndUnknownAccountsDecline) {
  MockBank bank = make_bank();
  EXPECT_EQ(bank.credit("p1:credit:1", "222222", 5'00).outcome, LegOutcome::kApplied);
  EXPECT_EQ(bank.credit("p1:credit:1", "222222", 5'00).outcome, LegOutcome::kApplied);
  EXPECT_EQ(bank.balance("222222").value(), 5'00);
  EXPECT_EQ(bank.credit("p2:credit:1", "333333", 5'00).code, "ACCOUNT_NOT_FOUND");
  EXPECT_EQ(bank.balance("333333").error().code, "ACCOUNT_NOT_FOUND");
}

TEST(MockBank, ReversalUndoesADebitExactlyOnce) {
  MockBank bank = make_bank();
  bank.debit("p1:debit:1", "111111", 40'00);
  auto r1 = bank.reverse("p1:reversal:1", "p1:debit:1");
  EXPECT_EQ(r1.outcome, LegOutcome::kApplied);
  EXPECT_FALSE(r1.nothing_to_reverse);
  auto r2 = bank.reverse("p1:reversal:2", "p1:debit:1");
  EXPECT_EQ(r2.outcome, LegOutcome::kApplied);
  EXPECT_TRUE(r2.nothing_to_reverse);
  EXPECT_EQ(bank.reverse("p1:reversal:1", "p1:debit:1").bank_reference, r1.bank_reference);
  EXPECT_EQ(bank.balance("111111").value(), 100'00);
}

TEST(MockBank, ReversalOfAnUnseenDebitClosesIt) {
  MockBank bank = make_bank();
  auto r = bank.reverse("p1:reversal:1", "p1:debit:1");
  EXPECT_TRUE(r.nothing_to_reverse);
  auto late = bank.debit("p1:debit:1", "111111", 40'00);
  EXPECT_EQ(late.outcome, LegOutcome::kDeclined);
  EXPECT_EQ(late.code, "LEG_CLOSED");
  EXPECT_EQ(bank.balance("111111").value(), 100'00);
}

TEST(MockBank, StatusReportsLegsAndClosesUnseenOnes) {
  MockBank bank = make_bank();
  bank.debit("p1:debit:1", "111111", 1'00);
  bank.debit("p2:debit:1", "111111", 1000'00);
  EXPECT_EQ(bank.status("p1:debit:1").state, LegState::kApplied);
  auto declined = bank.status("p2:debit:1");
  EXPECT_EQ(declined.state, LegState::kDeclined);
  EXPECT_EQ(declined.answer.code, "INSUFFICIENT_FUNDS");
  EXPECT_EQ(bank.status("p3:credit:1").state, LegState::kNotFound);
  EXPECT_EQ(bank.credit("p3:credit:1", "222222", 1'00).code, "LEG_CLOSED");
  EXPECT_EQ(bank.status("p3:credit:1").state, LegState::kNotFound);
  EXPECT_EQ(bank.balance("222222").value(), 0);
}

TEST(MockBank, DeclineRecordsTheLegUnlessKnown) {
  MockBank bank = make_bank();
  EXPECT_EQ(bank.decline(LegKind::kDebit, "p1:debit:1", "111111", 1'00).code, "DEBIT_DECLINED");
  EXPECT_EQ(bank.debit("p1:debit:1", "111111", 1'00).code, "DEBIT_DECLINED");
  bank.credit("p2:credit:1", "222222", 1'00);
  EXPECT_EQ(bank.decline(LegKind::kCredit, "p2:credit:1", "222222", 1'00).outcome,
            LegOutcome::kApplied);
  EXPECT_EQ(bank.total_balance(), 101'00);
}

}  // namespace
}  // namespace upi::banks
