#include "banks/bank_core_contract.h"

namespace upi::banks {

World bank_contract_world() {
  return parse_world(R"({"banks":[{"code":"HDFC","name":"HDFC","rails":["IMPS"]}],
    "psps":[{"handle":"ok","name":"P","partner_bank":"HDFC"}],
    "accounts":[{"vpa":"alice@ok","name":"A","bank":"HDFC","account":"111111","balance":"100.00"},
                {"vpa":"bob@ok","name":"B","bank":"HDFC","account":"222222","balance":"0.00"}]})")
      .value();
}

namespace {

#define UPI_BANK_FIXTURE()                                         \
  auto fixture = GetParam()();                                     \
  if (!fixture && HasFailure()) return;                            \
  if (!fixture) GTEST_SKIP() << "this core is not available here"; \
  BankCore& core = fixture->core();                                \
  auto run = [&](auto op) { return run_on(fixture->io(), std::move(op)); }

TEST_P(BankCoreContract, ADebitIsIdempotentByLegIdAndAnswersTheSame) {
  UPI_BANK_FIXTURE();
  const LegAnswer first = run(core.debit("p1:debit:1", "111111", 30'00)).value();
  EXPECT_EQ(first.outcome, LegOutcome::kApplied);
  EXPECT_FALSE(first.bank_reference.empty());
  const LegAnswer again = run(core.debit("p1:debit:1", "111111", 30'00)).value();
  EXPECT_EQ(again.outcome, LegOutcome::kApplied);
  EXPECT_EQ(again.bank_reference, first.bank_reference);
  EXPECT_EQ(run(core.balance("111111")).value(), 70'00);
}

TEST_P(BankCoreContract, InsufficientFundsIsZ9AndStaysDeclined) {
  UPI_BANK_FIXTURE();
  const LegAnswer declined = run(core.debit("p1:debit:1", "111111", 100'01)).value();
  EXPECT_EQ(declined.outcome, LegOutcome::kDeclined);
  EXPECT_EQ(declined.code, "INSUFFICIENT_FUNDS");
  EXPECT_EQ(declined.upi_code, "Z9");
  EXPECT_EQ(run(core.debit("p1:debit:1", "111111", 1)).value().code, "INSUFFICIENT_FUNDS");
  EXPECT_EQ(run(core.balance("111111")).value(), 100'00);
}

TEST_P(BankCoreContract, ACreditAddsOnceAndUnknownAccountsDeclineWithTheirCodes) {
  UPI_BANK_FIXTURE();
  EXPECT_EQ(run(core.credit("p1:credit:1", "222222", 5'00)).value().outcome, LegOutcome::kApplied);
  EXPECT_EQ(run(core.credit("p1:credit:1", "222222", 5'00)).value().outcome, LegOutcome::kApplied);
  EXPECT_EQ(run(core.balance("222222")).value(), 5'00);
  const LegAnswer credit = run(core.credit("p2:credit:1", "999999", 5'00)).value();
  EXPECT_EQ(credit.code, "ACCOUNT_NOT_FOUND");
  EXPECT_EQ(credit.upi_code, "U31");
  const LegAnswer debit = run(core.debit("p3:debit:1", "999999", 5'00)).value();
  EXPECT_EQ(debit.code, "ACCOUNT_NOT_FOUND");
  EXPECT_EQ(debit.upi_code, "U30");
  EXPECT_EQ(run(core.balance("999999")).error().code, "ACCOUNT_NOT_FOUND");
}

TEST_P(BankCoreContract, AReversalUndoesADebitOnceWhateverItsLegId) {
  UPI_BANK_FIXTURE();
  ASSERT_EQ(run(core.debit("p1:debit:1", "111111", 40'00)).value().outcome, LegOutcome::kApplied);
  const LegAnswer first = run(core.reverse("p1:reversal:1", "p1:debit:1")).value();
  EXPECT_EQ(first.outcome, LegOutcome::kApplied);
  EXPECT_FALSE(first.nothing_to_reverse);
  const LegAnswer second = run(core.reverse("p1:reversal:2", "p1:debit:1")).value();
  EXPECT_EQ(second.outcome, LegOutcome::kApplied);
  EXPECT_TRUE(second.nothing_to_reverse);
  EXPECT_EQ(run(core.reverse("p1:reversal:1", "p1:debit:1")).value().bank_reference,
            first.bank_reference);
  EXPECT_EQ(run(core.balance("111111")).value(), 100'00);
}

TEST_P(BankCoreContract, AReversalOfAnUnseenDebitClosesIt) {
  UPI_BANK_FIXTURE();
  const LegAnswer reversal = run(core.reverse("p1:reversal:1", "p1:debit:1")).value();
  EXPECT_EQ(reversal.outcome, LegOutcome::kApplied);
  EXPECT_TRUE(reversal.nothing_to_reverse);
  const LegAnswer late = run(core.debit("p1:debit:1", "111111", 10'00)).value();
  EXPECT_EQ(late.outcome, LegOutcome::kDeclined);
  EXPECT_EQ(late.code, "LEG_CLOSED");
  EXPECT_EQ(run(core.balance("111111")).value(), 100'00);
}

TEST_P(BankCoreContract, StatusReportsLegsAndClosesUnseenOnes) {
  UPI_BANK_FIXTURE();
  run(core.debit("p1:debit:1", "111111", 10'00)).value();
  run(core.debit("p2:debit:1", "111111", 500'00)).value();
  const StatusAnswer applied = run(core.status("p1:debit:1")).value();
  EXPECT_EQ(applied.state, LegState::kApplied);
  EXPECT_EQ(applied.answer.outcome, LegOutcome::kApplied);
  const StatusAnswer declined = run(core.status("p2:debit:1")).value();
  EXPECT_EQ(declined.state, LegState::kDeclined);
  EXPECT_EQ(declined.answer.code, "INSUFFICIENT_FUNDS");
  EXPECT_EQ(run(core.status("p3:credit:1")).value().state, LegState::kNotFound);
  const LegAnswer late = run(core.credit("p3:credit:1", "222222", 1'00)).value();
  EXPECT_EQ(late.outcome, LegOutcome::kDeclined);
  EXPECT_EQ(late.code, "LEG_CLOSED");
  EXPECT_EQ(run(core.status("p3:credit:1")).value().state, LegState::kNotFound);
  EXPECT_EQ(run(core.balance("222222")).value(), 0);
}

TEST_P(BankCoreContract, ADeclineIsRecordedUnlessTheLegIsKnown) {
  UPI_BANK_FIXTURE();
  const LegAnswer declined =
      run(core.decline(LegKind::kCredit, "p1:credit:1", "222222", 1'00)).value();
  EXPECT_EQ(declined.code, "CREDIT_DECLINED");
  EXPECT_EQ(declined.upi_code, "U31");
  EXPECT_EQ(run(core.credit("p1:credit:1", "222222", 1'00)).value().code, "CREDIT_DECLINED");
  run(core.debit("p2:debit:1", "111111", 1'00)).value();
  EXPECT_EQ(run(core.decline(LegKind::kDebit, "p2:debit:1", "111111", 1'00)).value().outcome,
            LegOutcome::kApplied);
  EXPECT_EQ(run(core.balance("111111")).value(), 99'00);
  EXPECT_EQ(run(core.balance("222222")).value(), 0);
}

}  // namespace
}  // namespace upi::banks
