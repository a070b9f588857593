#include "sagas/payment_state.h"

#include <gtest/gtest.h>

#include "ledger/payment_events.h"

namespace upi::sagas {
namespace {
namespace ev = ledger::events;

PaymentState requested() {
  PaymentState s;
  PaymentRequest request{"alice@okaxis", "bob@ybl", 100'00, "", "k"};
  const auto first = payment_requested_event("pay_1", request, "n");
  fold_event(s, ev::decode(first.type, first.data).value());
  return s;
}

TEST(PaymentState, DecidesEachStepFromTheFold) {
  PaymentState s = requested();
  EXPECT_EQ(decide(s), Step::kResolve);
  fold_event(s, ev::PayerResolved{{{"alice@okaxis", "Alice", "HDFC", "1001", "okaxis"}}});
  EXPECT_EQ(decide(s), Step::kResolve);
  fold_event(s, ev::PayeeResolved{{{"bob@ybl", "Bob", "ICICI", "2001", "ybl"}}});
  EXPECT_EQ(decide(s), Step::kSelectRail);
  fold_event(s, ev::RailSelected{"IMPS"});
  EXPECT_EQ(decide(s), Step::kDebit);
  fold_event(s, ev::DebitRequested{{"pay_1:debit:1", "HDFC", "1001", 100'00}});
  EXPECT_EQ(decide(s), Step::kCheckDebit);  // after a crash: ask the bank
  fold_event(s, ev::DebitOutcomeUnknown{{"pay_1:debit:1", "no answer"}});
  EXPECT_EQ(decide(s), Step::kCheckDebit);
  fold_event(s, ev::StatusChecked{"pay_1:debit:1", 1, "APPLIED", ""});
  fold_event(s, ev::DebitSucceeded{{"pay_1:debit:1", "ref-1"}});
  EXPECT_EQ(decide(s), Step::kCredit);
  fold_event(s, ev::CreditRequested{{"pay_1:credit:1", "ICICI", "2001", 100'00}});
  EXPECT_EQ(decide(s), Step::kCheckCredit);
  EXPECT_EQ(s.status_checks, 0);
  const Reason declined{"CREDIT_DECLINED", "U31", "no"};
  fold_event(s, ev::CreditFailed{{"pay_1:credit:1", declined}});
  EXPECT_EQ(decide(s), Step::kRequestReversal);
  fold_event(s, ev::ReversalRequested{"pay_1:reversal:1", "pay_1:debit:1", "HDFC", 1,
                                      "CREDIT_FAILED", declined});
  EXPECT_EQ(decide(s), Step::kReverse);
  fold_event(s, ev::ReversalFailed{"pay_1:reversal:1", "REVERSAL_DECLINED", "later"});
  EXPECT_EQ(decide(s), Step::kRequestReversal);
  fold_event(s, ev::ReversalRequested{"pay_1:reversal:2", "pay_1:debit:1", "HDFC", 2,
                                      "CREDIT_FAILED", declined});
  EXPECT_EQ(s.reversal_attempts, 2);
  fold_event(s, ev::ReversalSucceeded{"pay_1:reversal:2", "ref-2", true});
  fold_event(s, ev::PaymentReversed{{declined}});
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
