#include "sagas/payment_state.h"

#include <gtest/gtest.h>

#include "ledger/payment_events.h"

namespace upi::sagas {
namespace {
namespace ev = ledger::events;

PaymentState requested() {
  PaymentState s;
  PaymentRequest request{"alice@okaxis", "bob@ybl", 100'00, "", "k"};
  apply(s, ev::kPaymentRequested, payment_requested_event("pay_1", request, "n").data);
  return s;
}

TEST(PaymentState, DecidesEachStepFromTheFold) {
  PaymentState s = requested();
  EXPECT_EQ(decide(s), Step::kResolve);
  apply(s, ev::kPayerResolved, {{"bank", "HDFC"}});
  EXPECT_EQ(decide(s), Step::kResolve);
  apply(s, ev::kPayeeResolved, {{"bank", "ICICI"}});
  EXPECT_EQ(decide(s), Step::kSelectRail);
  apply(s, ev::kRailSelected, {{"rail", "IMPS"}});
  EXPECT_EQ(decide(s), Step::kDebit);
  apply(s, ev::kDebitRequested, {{"leg_id", "pay_1:debit:1"}});
  EXPECT_EQ(decide(s), Step::kCheckDebit);  // after a crash: ask the bank
  apply(s, ev::kDebitOutcomeUnknown, {});
  EXPECT_EQ(decide(s), Step::kCheckDebit);
  apply(s, ev::kStatusChecked, {{"result", "APPLIED"}});
  apply(s, ev::kDebitSucceeded, {});
  EXPECT_EQ(decide(s), Step::kCredit);
  apply(s, ev::kCreditRequested, {{"leg_id", "pay_1:credit:1"}});
  EXPECT_EQ(decide(s), Step::kCheckCredit);
  EXPECT_EQ(s.status_checks, 0);
  apply(s, ev::kCreditFailed, {{"code", "CREDIT_DECLINED"}});
  EXPECT_EQ(decide(s), Step::kRequestReversal);
  apply(s, ev::kReversalRequested, {{"cause", "CREDIT_FAILED"}});
  EXPECT_EQ(decide(s), Step::kReverse);
  apply(s, ev::kReversalFailed, {});
  EXPECT_EQ(decide(s), Step::kRequestReversal);
  apply(s, ev::kReversalRequested, {{"cause", "CREDIT_FAILED"}});
  EXPECT_EQ(s.reversal_attempts, 2);
  apply(s, ev::kReversalSucceeded, {});
  apply(s, ev::kPaymentReversed, {{"code", "CREDIT_DECLINED"}});
  EXPECT_EQ(decide(s), Step::kNone);
  EXPECT_EQ(s.status, "REVERSED");
  EXPECT_EQ(s.reason->code, "CREDIT_DECLINED");
  EXPECT_EQ(s.version, 15);
}

TEST(PaymentState, RequestHashIgnoresTheKeyButNotTheMeaning) {
  PaymentRequest a{"alice@okaxis", "bob@ybl", 100'00, "rent", "k1"};
  PaymentRequest b = a;
  b.idempotency_key = "k2";
  EXPECT_EQ(request_hash(a), request_hash(b));
  b.amount = 100'01;
  EXPECT_NE(request_hash(a), request_hash(b));
}

}  // namespace
}  // namespace upi::sagas
