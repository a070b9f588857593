// The independent checker passes a consistent run and fails each kind of corruption: a credit
// applied twice or re-sent, money to the wrong account, a wrong amount on both legs, a FAILED
// payment that moved money, a lost reversal, money for an unknown payment, a pending payment and
// a negative balance.
#include "tools/sim/checker.h"

#include <gtest/gtest.h>

namespace upi::sim {
namespace {

using banks::LegKind;
using banks::LegRecord;

LegRecord applied(std::string leg_id, LegKind kind, std::string account, Paise amount) {
  LegRecord leg{std::move(leg_id), kind, std::move(account), amount, "", false, false, {}};
  leg.answer.bank_reference = "REF";
  return leg;
}

// Leg ids as the saga makes them.
std::string leg(const std::string& payment, const std::string& kind, int attempt = 1) {
  return banks::make_leg_id(payment, banks::parse_leg_kind(kind).value(), attempt);
}

const AccountRef kA{"HDFC", "a"}, kB{"ICICI", "b"}, kC{"ICICI", "c"};

// A run of three payments: p1 completed (HDFC a -> ICICI b, 100.00), p2 reversed (HDFC a ->
// ICICI b, 50.00, credit declined), p3 failed with nothing moved (debit declined).
struct SampleRun {
  std::vector<BankBooks> banks{
      BankBooks{"HDFC",
                {{"a", 1000'00}},
                {{"a", 900'00}},
                {applied(leg("p1", "debit"), LegKind::kDebit, "a", 100'00),
                 applied(leg("p2", "debit"), LegKind::kDebit, "a", 50'00),
                 applied(leg("p2", "reversal"), LegKind::kReversal, "a", 50'00)},
                {}},
      BankBooks{"ICICI",
                {{"b", 10'00}, {"c", 0}},
                {{"b", 110'00}, {"c", 0}},
                {applied(leg("p1", "credit"), LegKind::kCredit, "b", 100'00)},
                {}}};
  std::map<std::string, PaymentOutcome> payments{
      {"p1", {"COMPLETED", "", kA, kB, 100'00}},
      {"p2", {"REVERSED", "CREDIT_DECLINED", kA, kB, 50'00}},
      {"p3", {"FAILED", "DEBIT_DECLINED", kA, kB, 20'00}}};
  std::map<std::string, Paise> switch_net{{"HDFC", -100'00}, {"ICICI", 100'00}};

  std::vector<std::string> failed_checks() const {
    return failed_names(check_run(banks, payments, switch_net));
  }
};

using Names = std::vector<std::string>;

TEST(Checker, PassesAConsistentRun) {
  SampleRun run;
  EXPECT_EQ(run.failed_checks(), Names{});
}

TEST(Checker, FailsACreditAppliedTwiceByABankThatDidNotDeduplicate) {
  SampleRun run;
  run.banks[1].legs.push_back(applied(leg("p1", "credit"), LegKind::kCredit, "b", 100'00));
  run.banks[1].balances["b"] += 100'00;  // the bank's books agree with its records
  EXPECT_EQ(run.failed_checks(), (Names{"conserved", "balances", "legs", "positions"}));
}

TEST(Checker, FailsALegReSentUnderTheSameLegId) {
  SampleRun run;  // the bank de-duplicated it, so no money moved twice; still a saga bug
  run.banks[1].activity["repeated.credit"] = 1;
  EXPECT_EQ(run.failed_checks(), (Names{"sent_once"}));
}

TEST(Checker, FailsACreditToTheWrongAccount) {
  SampleRun run;
  run.banks[1].legs[0].account = "c";
  run.banks[1].balances = {{"b", 10'00}, {"c", 100'00}};
  EXPECT_EQ(run.failed_checks(), (Names{"balances", "legs"}));
}

TEST(Checker, FailsAWrongAmountThatMatchesOnBothLegs) {
  SampleRun run;
  run.banks[0].legs[0].amount = 90'00;
  run.banks[0].balances["a"] += 10'00;
  run.banks[1].legs[0].amount = 90'00;
  run.banks[1].balances["b"] -= 10'00;
  run.switch_net = {{"HDFC", -90'00}, {"ICICI", 90'00}};
  EXPECT_EQ(run.failed_checks(), (Names{"balances", "legs"}));
}

TEST(Checker, FailsAFailedPaymentWhoseReasonPromisesNothingMovedButHadADebitReversed) {
  SampleRun run;
  run.payments["p3"].reason = "BANK_UNAVAILABLE";
  run.banks[0].legs.push_back(applied(leg("p3", "debit"), LegKind::kDebit, "a", 20'00));
  run.banks[0].legs.push_back(applied(leg("p3", "reversal"), LegKind::kReversal, "a", 20'00));
  EXPECT_EQ(run.failed_checks(), (Names{"legs"}));
  // A reason that does not promise it allows a debit and its reversal.
  run.payments["p3"].reason = "A_FUTURE_REASON";
  EXPECT_FALSE(failed_reason_moves_nothing("A_FUTURE_REASON"));
  EXPECT_EQ(run.failed_checks(), Names{});
  // Without its reversal that debit is money lost.
  run.banks[0].legs.pop_back();
  run.banks[0].balances["a"] -= 20'00;
  EXPECT_EQ(run.failed_checks(), (Names{"conserved", "balances", "legs", "positions"}));
}

TEST(Checker, FailsATerminalPaymentWithoutAReason) {
  SampleRun run;
  run.payments["p2"].reason = "";
  EXPECT_EQ(run.failed_checks(), (Names{"terminal"}));
}

TEST(Checker, FailsARecordWhoseAmountDisagreesWithTheBalance) {
  SampleRun run;
  run.banks[0].legs[0].amount = 90'00;  // corrupted: the balance moved by 100.00
  EXPECT_EQ(run.failed_checks(), (Names{"books", "legs", "positions"}));
}

TEST(Checker, FailsAMissingReversalAndMoneyForAnUnknownPayment) {
  SampleRun run;
  run.banks[0].legs.pop_back();  // p2's reversal lost from the records
  run.banks[0].balances["a"] -= 50'00;
  EXPECT_EQ(run.failed_checks(), (Names{"conserved", "balances", "legs", "positions"}));
  SampleRun stray;
  stray.banks[1].legs.push_back(applied(leg("p9", "credit"), LegKind::kCredit, "b", 1'00));
  stray.banks[1].balances["b"] += 1'00;
  stray.switch_net["ICICI"] += 1'00;
  EXPECT_EQ(stray.failed_checks(), (Names{"conserved", "balances", "legs", "positions"}));
}

TEST(Checker, FailsPendingPaymentsAndNegativeBalances) {
  SampleRun run;
  const AccountRef z{"HDFC", "z"};
  run.payments["p4"] = PaymentOutcome{"PENDING", "", z, kB, 1};
  run.banks[0].opening["z"] = 0;
  run.banks[0].balances["z"] = -1;
  run.banks[0].legs.push_back(applied(leg("p4", "debit"), LegKind::kDebit, "z", 1));
  EXPECT_EQ(run.failed_checks(),
            (Names{"terminal", "conserved", "non_negative", "balances", "positions"}));
}

}  // namespace
}  // namespace upi::sim

namespace upi::sim {
namespace {

// The sample run's payments in two cycles: p2 reversed in cycle 1, p1 completed in cycle 2.
std::vector<CycleTotals> sample_cycles() {
  return {CycleTotals{1, "CLOSED", 0, 1, {}},
          CycleTotals{2, "CLOSED", 1, 0, {{"HDFC", -100'00}, {"ICICI", 100'00}}}};
}

std::string settlement_detail(const std::vector<CycleTotals>& cycles) {
  SampleRun run;
  const Check c = check_settlement(run.banks, run.payments, cycles);
  return c.ok ? "" : c.detail;
}

TEST(Checker, SettlementPassesCyclesThatHoldEveryPaymentOnce) {
  EXPECT_EQ(settlement_detail(sample_cycles()), "");
}

TEST(Checker, SettlementFailsACycleCountedTwiceALostNetAndAnUnclosedCycle) {
  auto twice = sample_cycles();
  twice[0].completed = 1;
  twice[0].net = {{"HDFC", -100'00}, {"ICICI", 100'00}};
  EXPECT_EQ(settlement_detail(twice),
            "the cycles count 2 COMPLETED payments, the run 1; HDFC: cycles net -200.00, legs net "
            "-100.00; ICICI: cycles net 200.00, legs net 100.00");
  auto unbalanced = sample_cycles();
  unbalanced[1].net["ICICI"] = 90'00;
  EXPECT_EQ(settlement_detail(unbalanced),
            "cycle 2's nets sum to -10.00; ICICI: cycles net 90.00, legs net 100.00");
  auto cut = sample_cycles();
  cut[1].status = "CUT_OFF";
  EXPECT_EQ(settlement_detail(cut), "cycle 2 is CUT_OFF");
}

TEST(Checker, SettlementFailsACycleTheSwitchDoesNotReconcileWithTheBanks) {
  auto cycles = sample_cycles();
  cycles[0].reconciliation = "MATCHED";
  cycles[1].reconciliation = "MISMATCHED";
  cycles[1].reconciliation_detail = "{...}";
  EXPECT_EQ(settlement_detail(cycles), "cycle 2 reconciles MISMATCHED: {...}");
}

}  // namespace
}  // namespace upi::sim
