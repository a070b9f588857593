#include <gtest/gtest.h>

#include "banks/bank_gateway.h"
#include "common/run_blocking.h"

namespace upi::banks {
namespace {

Deadline in_ms(int ms) {
  return deadline_after_ms(ms);
}

struct GatewayTest : ::testing::Test {
  MockBank bank{BankSpec{"SBI", "SBI", {Rail::kImps}, ""},
                {{{"alice", "ok"}, "Alice", "SBI", "111111", 100'00}},
                3};
  MemoryBankCore core{bank};
  SimulatedGateway gateway{core, bank.faults()};
  void fault(Operation op, FaultAction action, std::int64_t delay_ms = 0) {
    bank.faults().set({FaultRule{op, action, 1.0, 1, delay_ms}});
  }
};

TEST_F(GatewayTest, AnswersWithoutFaults) {
  auto call = run_blocking(gateway.debit("p:debit:1", "111111", 10'00, in_ms(1000)));
  EXPECT_EQ(call.outcome, CallOutcome::kAnswered);
  EXPECT_EQ(call.answer.outcome, LegOutcome::kApplied);
}

TEST_F(GatewayTest, FailDeclines) {
  fault(Operation::kCredit, FaultAction::kFail);
  auto call = run_blocking(gateway.credit("p:credit:1", "111111", 10'00, in_ms(1000)));
  EXPECT_EQ(call.answer.code, "CREDIT_DECLINED");
  EXPECT_EQ(bank.balance("111111").value(), 100'00);
}

TEST_F(GatewayTest, TimeoutNeverAppliesAndNeverAnswers) {
  fault(Operation::kDebit, FaultAction::kTimeout);
  auto call = run_blocking(gateway.debit("p:debit:1", "111111", 10'00, in_ms(30)));
  EXPECT_EQ(call.outcome, CallOutcome::kUnknown);
  EXPECT_EQ(bank.balance("111111").value(), 100'00);
  EXPECT_EQ(run_blocking(gateway.status("p:debit:1", in_ms(1000))).answer.state,
            LegState::kNotFound);
}

TEST_F(GatewayTest, LostResponseAppliesButDoesNotAnswer) {
  fault(Operation::kDebit, FaultAction::kLostResponse);
  auto call = run_blocking(gateway.debit("p:debit:1", "111111", 10'00, in_ms(30)));
  EXPECT_EQ(call.outcome, CallOutcome::kUnknown);
  EXPECT_EQ(bank.balance("111111").value(), 90'00);
  EXPECT_EQ(run_blocking(gateway.status("p:debit:1", in_ms(1000))).answer.state,
            LegState::kApplied);
}

TEST_F(GatewayTest, DelayAnswersLateOrTimesOut) {
  fault(Operation::kDebit, FaultAction::kDelay, 20);
  EXPECT_EQ(run_blocking(gateway.debit("p:debit:1", "111111", 1'00, in_ms(2000))).outcome,
            CallOutcome::kAnswered);
  fault(Operation::kDebit, FaultAction::kDelay, 500);
  EXPECT_EQ(run_blocking(gateway.debit("p:debit:2", "111111", 1'00, in_ms(20))).outcome,
            CallOutcome::kUnknown);
  EXPECT_EQ(bank.balance("111111").value(), 98'00);
}

TEST_F(GatewayTest, StatusFaultsLeaveTheAnswerUnknown) {
  fault(Operation::kStatus, FaultAction::kFail);
  EXPECT_EQ(run_blocking(gateway.status("p:debit:1", in_ms(1000))).outcome, CallOutcome::kUnknown);
  EXPECT_EQ(run_blocking(gateway.status("p:debit:1", in_ms(1000))).outcome, CallOutcome::kAnswered);
}

}  // namespace
}  // namespace upi::banks
