#include "sagas/payment_saga.h"

#include "common/run_blocking.h"
#include "sagas/saga_test_harness.h"

namespace upi::sagas {
namespace {

using banks::FaultAction;
using banks::Operation;
using testing::Harness;
using testing::rule;
using Types = std::vector<std::string>;

TEST(PaymentSaga, CompletesAndMovesMoneyOnce) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis"), bob = h.balance("bob@ybl");
  const auto id = h.pay("alice@okaxis", "bob@ybl", 1500'00);
  h.settle({id});
  const PaymentState s = h.state(id);
  EXPECT_EQ(s.status, "COMPLETED");
  EXPECT_EQ(s.rail, "IMPS");
  EXPECT_EQ(h.types(id), (Types{"PaymentRequested", "PayerResolved", "PayeeResolved",
                                "RailSelected", "DebitRequested", "DebitSucceeded",
                                "CreditRequested", "CreditSucceeded", "PaymentCompleted"}));
  EXPECT_EQ(h.balance("alice@okaxis"), alice - 1500'00);
  EXPECT_EQ(h.balance("bob@ybl"), bob + 1500'00);
}

TEST(PaymentSaga, BeginWritesTheRequestAndEveryLocalStepAheadOfTheFirstBankCall) {
  Harness h;
  // The debit goes unanswered; the event loop only runs inside run_on, so after begin()
  // returns the saga is waiting for the bank with the debit already in the ledger.
  h.fault("HDFC", {rule(Operation::kDebit, FaultAction::kTimeout)});
  const std::string id = h.ids.next();
  PaymentRequest request{"alice@okaxis", "bob@ybl", 20'00, "ahead", ""};
  auto begun = run_on(h.io, h.engine.begin(id, payment_requested_event(id, request, "node-0")));
  ASSERT_TRUE(begun.has_value()) << begun.error().message;
  EXPECT_EQ(h.types(id), (Types{"PaymentRequested", "PayerResolved", "PayeeResolved",
                                "RailSelected", "DebitRequested"}));
  h.settle({id});  // the unanswered debit is settled by status checks: never seen, so it failed
  EXPECT_EQ(h.state(id).status, "FAILED");
  EXPECT_EQ(h.state(id).reason->code, "DEBIT_TIMEOUT");
}

TEST(PaymentSaga, ChoosesTheRailByAmount) {
  Harness h;
  const std::pair<Paise, const char*> cases[] = {
      {50000'00, "IMPS"}, {50000'01, "NEFT"}, {200000'00, "NEFT"}, {200000'01, "RTGS"}};
  for (const auto& [amount, rail] : cases) {
    const auto id = h.pay("dev@okhdfc", "alice@okaxis", amount);
    h.settle({id});
    EXPECT_EQ(h.state(id).rail, rail) << amount;
    EXPECT_EQ(h.state(id).status, "COMPLETED");
  }
}

TEST(PaymentSaga, FailsOnDebitDeclineInsufficientFundsUnknownVpaAndUnsupportedRail) {
  Harness h;
  const Paise total = h.total_balance();
  h.fault("HDFC", {rule(Operation::kDebit, FaultAction::kFail)});
  const auto declined = h.pay("alice@okaxis", "bob@ybl", 10'00);
  const auto poor = h.pay("gita@paytm", "bob@ybl", 10'00);
  const auto unknown = h.pay("alice@okaxis", "nobody@ybl", 10'00);
  const auto no_rtgs = h.pay("alice@okaxis", "esha@ybl", 300000'00);
  h.settle({declined, poor, unknown, no_rtgs});
  EXPECT_EQ(h.state(declined).reason->code, "DEBIT_DECLINED");
  EXPECT_EQ(h.state(declined).reason->upi_code, "U30");
  EXPECT_EQ(h.state(poor).reason->code, "INSUFFICIENT_FUNDS");
  EXPECT_EQ(h.state(poor).reason->upi_code, "Z9");
  EXPECT_EQ(h.state(unknown).reason->code, "VPA_NOT_FOUND");
  EXPECT_EQ(h.state(no_rtgs).reason->code, "RAIL_NOT_SUPPORTED");
  EXPECT_EQ(h.state(no_rtgs).reason->message,
            "COOP does not support RTGS, which an amount of 300000.00 needs");
  for (const auto& id : {declined, poor, unknown, no_rtgs}) EXPECT_EQ(h.state(id).status, "FAILED");
  EXPECT_EQ(h.total_balance(), total);
  EXPECT_EQ(h.balance("gita@paytm"), 0);
}

TEST(PaymentSaga, ReversesTheDebitWhenTheCreditIsDeclined) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis");
  h.fault("ICICI", {rule(Operation::kCredit, FaultAction::kFail)});
  const auto id = h.pay("alice@okaxis", "bob@ybl", 700'00);
  h.settle({id});
  EXPECT_EQ(h.state(id).status, "REVERSED");
  EXPECT_EQ(h.state(id).reason->code, "CREDIT_DECLINED");
  EXPECT_EQ(h.types(id).back(), "PaymentReversed");
  EXPECT_EQ(h.balance("alice@okaxis"), alice);
}

TEST(PaymentSaga, DebitLostResponseIsResolvedByStatusCheckAndCompletes) {
  Harness h;
  const Paise total = h.total_balance();
  h.fault("HDFC", {rule(Operation::kDebit, FaultAction::kLostResponse)});
  const auto id = h.pay("alice@okaxis", "bob@ybl", 100'00);
  h.settle({id});
  EXPECT_EQ(h.state(id).status, "COMPLETED");
  const Types types = h.types(id);
  EXPECT_NE(std::find(types.begin(), types.end(), "DebitOutcomeUnknown"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "StatusChecked"), types.end());
  EXPECT_EQ(h.total_balance(), total);
}

TEST(PaymentSaga, DebitTimeoutFailsWithNothingMoved) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis");
  h.fault("HDFC", {rule(Operation::kDebit, FaultAction::kTimeout)});
  const auto id = h.pay("alice@okaxis", "bob@ybl", 100'00);
  h.settle({id});
  EXPECT_EQ(h.state(id).status, "FAILED");
  EXPECT_EQ(h.state(id).reason->code, "DEBIT_TIMEOUT");
  EXPECT_EQ(h.balance("alice@okaxis"), alice);
}

TEST(PaymentSaga, CreditThatHappenedIsNeverReversed) {
  Harness h;
  const Paise bob = h.balance("bob@ybl");
  // The credit applies but its answer is lost, and the first status checks fail too.
  h.fault("ICICI", {rule(Operation::kCredit, FaultAction::kLostResponse),
                    rule(Operation::kStatus, FaultAction::kFail, 5)});
  const auto id = h.pay("alice@okaxis", "bob@ybl", 100'00);
  h.settle({id});
  EXPECT_EQ(h.state(id).status, "COMPLETED");
  const Types types = h.types(id);
  EXPECT_EQ(std::find(types.begin(), types.end(), "ReversalRequested"), types.end());
  EXPECT_GE(std::count(types.begin(), types.end(), "StatusChecked"), 6);
  EXPECT_EQ(h.balance("bob@ybl"), bob + 100'00);
}

TEST(PaymentSaga, CreditTimeoutIsReversed) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis"), bob = h.balance("bob@ybl");
  h.fault("ICICI", {rule(Operation::kCredit, FaultAction::kTimeout)});
  const auto id = h.pay("alice@okaxis", "bob@ybl", 100'00);
  h.settle({id});
  EXPECT_EQ(h.state(id).status, "REVERSED");
  EXPECT_EQ(h.state(id).reason->code, "CREDIT_TIMEOUT");
  EXPECT_EQ(h.balance("alice@okaxis"), alice);
  EXPECT_EQ(h.balance("bob@ybl"), bob);
}

TEST(PaymentSaga, ReversalIsRetriedUntilItSucceeds) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis");
  h.fault("ICICI", {rule(Operation::kCredit, FaultAction::kFail)});
  h.fault("HDFC", {rule(Operation::kReversal, FaultAction::kFail, 40),
                   rule(Operation::kReversal, FaultAction::kLostResponse, 1)});
  const auto id = h.pay("alice@okaxis", "bob@ybl", 100'00);
  h.settle({id});  // 40 refusals cross steps_per_drive_max: the saga parks and resumes
  EXPECT_EQ(h.state(id).status, "REVERSED");
  const Types types = h.types(id);
  EXPECT_EQ(std::count(types.begin(), types.end(), "ReversalFailed"), 41);
  EXPECT_EQ(h.balance("alice@okaxis"), alice);
}

// A precautionary reversal that applied but whose answer was lost is asked again under the same
// leg id, so the bank answers what it did. A new leg would find the debit already reversed, the
// answer the bank gives for a debit that never applied, and the payment would end FAILED
// "nothing moved" although its debit and reversal both happened.
TEST(PaymentSaga, AReversalWhoseAnswerWasLostIsAskedAgainUnderTheSameLeg) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis");
  h.fault("HDFC", {rule(Operation::kDebit, FaultAction::kLostResponse),
                   rule(Operation::kStatus, FaultAction::kTimeout, 3),
                   rule(Operation::kReversal, FaultAction::kLostResponse, 1)});
  const auto id = h.pay("alice@okaxis", "bob@ybl", 100'00);
  h.settle({id});
  EXPECT_EQ(h.state(id).status, "REVERSED");
  EXPECT_EQ(h.state(id).reason->code, "DEBIT_OUTCOME_UNKNOWN");
  EXPECT_EQ(h.balance("alice@okaxis"), alice);
  std::set<std::string> reversal_legs;
  for (const auto& e : h.store.read_stream_now(ledger::events::payment_stream(id), 1, 100)) {
    if (e.type == "ReversalRequested") reversal_legs.insert(string_or_empty(e.data, "leg_id"));
  }
  EXPECT_EQ(reversal_legs.size(), 1u);
}

TEST(PaymentSaga, DebitStillUnknownAfterChecksIsReversedAsAPrecaution) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis");
  h.fault("HDFC", {rule(Operation::kDebit, FaultAction::kLostResponse),
                   rule(Operation::kStatus, FaultAction::kTimeout, 3)});
  const auto applied = h.pay("alice@okaxis", "bob@ybl", 100'00);
  h.settle({applied});
  EXPECT_EQ(h.state(applied).status, "REVERSED");
  EXPECT_EQ(h.state(applied).reason->code, "DEBIT_OUTCOME_UNKNOWN");
  EXPECT_EQ(h.balance("alice@okaxis"), alice);

  h.fault("HDFC", {rule(Operation::kDebit, FaultAction::kTimeout),
                   rule(Operation::kStatus, FaultAction::kTimeout, 3)});
  const auto never = h.pay("alice@okaxis", "bob@ybl", 100'00);
  h.settle({never});
  EXPECT_EQ(h.state(never).status, "FAILED");
  EXPECT_EQ(h.state(never).reason->code, "DEBIT_TIMEOUT");
  EXPECT_EQ(h.balance("alice@okaxis"), alice);
}

TEST(PaymentSaga, ResumesAfterACrashBetweenRequestAndOutcome) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis");
  // A crashed node wrote DebitRequested, the bank applied the debit, and no outcome was written.
  const std::string id = h.ids.next();
  PaymentRequest request{"alice@okaxis", "bob@ybl", 250'00, "", ""};
  namespace ev = ledger::events;
  ASSERT_TRUE(
      h.store
          .append_now(
              ev::payment_stream(id), ledger::kNoStream,
              {payment_requested_event(id, request, "dead"),
               ev::to_new_event(ev::PayerResolved{{{"alice@okaxis", "Alice", "HDFC",
                                                    "50100012345678", "okaxis"}}},
                                {}),
               ev::to_new_event(
                   ev::PayeeResolved{{{"bob@ybl", "Bob", "ICICI", "000401234567", "ybl"}}}, {}),
               ev::to_new_event(ev::RailSelected{"IMPS"}, {}),
               ev::to_new_event(
                   ev::DebitRequested{{banks::make_leg_id(id, banks::LegKind::kDebit, 1), "HDFC",
                                       "50100012345678", 250'00}},
                   {})})
          .has_value());
  h.banks->mock("HDFC")->debit(banks::make_leg_id(id, banks::LegKind::kDebit, 1), "50100012345678",
                               250'00);
  h.engine.drive(id);
  h.settle({id});
  EXPECT_EQ(h.state(id).status, "COMPLETED");
  EXPECT_EQ(h.balance("alice@okaxis"), alice - 250'00);
  EXPECT_EQ(h.banks->mock("HDFC")->legs().size(), 1u);
}

TEST(PaymentSaga, TwoDriversOfOnePaymentNeverApplyAStepTwice) {
  Harness h;
  const Paise alice = h.balance("alice@okaxis");
  // A second engine on the same store and banks, as a second node would be.
  PaymentSagaEngine other(h.io, h.store, h.registry, *h.banks, h.scheme, h.clock,
                          testing::fast_config());
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(h.pay("alice@okaxis", "bob@ybl", 10'00));
    other.drive(ids.back());
  }
  h.settle(ids);
  for (const auto& id : ids) {
    EXPECT_EQ(h.state(id).status, "COMPLETED");
    const Types types = h.types(id);
    EXPECT_EQ(std::count(types.begin(), types.end(), "DebitRequested"), 1);
  }
  EXPECT_EQ(h.balance("alice@okaxis"), alice - 20 * 10'00);
  other.stop();
}

// The demo world in simulated time: waits for a NEFT batch take no real time.
struct SimulatedHarness : Harness {
  SimulatedHarness()
      : Harness(testing::fast_config(), 1, parse_world(demo_world_json()).value(),
                testing::Time::kSimulated) {}
};

// Runs the loop until the payment's phase is the one named (or the deadline passes).
bool run_until_phase(Harness& h, const std::string& id, Phase phase) {
  const auto deadline = MonotonicClock::now() + std::chrono::seconds(20);
  while (h.state(id).phase != phase && MonotonicClock::now() < deadline) {
    for (int i = 0; i < 20; ++i) h.step();
  }
  return h.state(id).phase == phase;
}

std::int64_t recorded_at_ms(Harness& h, const std::string& id, std::string_view type) {
  for (const auto& e : h.store.read_stream_now(ledger::events::payment_stream(id), 1, 1000)) {
    if (e.type == type) return e.recorded_at_ms;
  }
  return -1;
}

TEST(PaymentSaga, NeftIsDebitedAtOnceAndCreditedInTheNextBatch) {
  SimulatedHarness h;
  const Paise dev = h.balance("dev@okhdfc"), alice = h.balance("alice@okaxis");
  const auto id = h.pay("dev@okhdfc", "alice@okaxis", 60000'00);
  ASSERT_TRUE(run_until_phase(h, id, Phase::kAwaitingBatch));
  const PaymentState waiting = h.state(id);
  EXPECT_EQ(waiting.rail, "NEFT");
  EXPECT_EQ(pending_stage(waiting), "AWAITING_NEFT_BATCH");
  const std::int64_t debited_at_ms = recorded_at_ms(h, id, ledger::events::kDebitSucceeded);
  EXPECT_EQ(waiting.credit_at_ms, next_neft_batch_ms(debited_at_ms, 1));
  EXPECT_EQ(waiting.credit_at_ms % 1'000, 0);
  const auto events = h.store.read_stream_now(ledger::events::payment_stream(id), 1, 1000);
  const auto deferred =
      std::get<ledger::events::CreditDeferred>(*ledger::events::decode(events.back()));
  EXPECT_EQ(deferred.batch, ledger::events::neft_batch_id(waiting.credit_at_ms));
  EXPECT_EQ(deferred.batch.substr(0, 5), "NEFT-");
  EXPECT_EQ(h.types(id).back(), "CreditDeferred");
  EXPECT_EQ(h.engine.awaiting_batch(), 1u);
  EXPECT_EQ(h.balance("dev@okhdfc"), dev - 60000'00);  // debited at once
  EXPECT_EQ(h.balance("alice@okaxis"), alice);         // credited only in the batch

  h.settle({id});
  EXPECT_EQ(h.state(id).status, "COMPLETED");
  EXPECT_EQ(h.types(id),
            (Types{"PaymentRequested", "PayerResolved", "PayeeResolved", "RailSelected",
                   "DebitRequested", "DebitSucceeded", "CreditDeferred", "CreditRequested",
                   "CreditSucceeded", "PaymentCompleted"}));
  EXPECT_GE(recorded_at_ms(h, id, ledger::events::kCreditRequested), waiting.credit_at_ms);
  EXPECT_EQ(h.balance("alice@okaxis"), alice + 60000'00);
  EXPECT_EQ(h.engine.awaiting_batch(), 0u);
}

TEST(PaymentSaga, NoNewPaymentIsAdmittedWhileAsManyAsTheBoundWaitForABatch) {
  SagaConfig config = testing::fast_config();
  config.awaiting_batch_max = 1;
  Harness h(config, 1, parse_world(demo_world_json()).value(), testing::Time::kSimulated);
  EXPECT_TRUE(h.engine.has_capacity());
  const auto id = h.pay("dev@okhdfc", "alice@okaxis", 60000'00);
  ASSERT_TRUE(run_until_phase(h, id, Phase::kAwaitingBatch));
  EXPECT_FALSE(h.engine.has_capacity());
  h.settle({id});
  EXPECT_TRUE(h.engine.has_capacity());
}

TEST(PaymentSaga, ANeftCreditRefusedInItsBatchIsReversed) {
  SimulatedHarness h;
  const Paise alice = h.balance("alice@okaxis"), bob = h.balance("bob@ybl");
  const auto id = h.pay("alice@okaxis", "bob@ybl", 75000'00);
  ASSERT_TRUE(run_until_phase(h, id, Phase::kAwaitingBatch));
  h.fault("ICICI", {rule(Operation::kCredit, FaultAction::kFail)});  // set while it waits
  h.settle({id});
  const PaymentState s = h.state(id);
  EXPECT_EQ(s.status, "REVERSED");
  EXPECT_EQ(s.reason->code, "CREDIT_DECLINED");
  const Types types = h.types(id);
  const Types tail(types.begin() + 5, types.end());
  EXPECT_EQ(tail, (Types{"DebitSucceeded", "CreditDeferred", "CreditRequested", "CreditFailed",
                         "ReversalRequested", "ReversalSucceeded", "PaymentReversed"}));
  EXPECT_EQ(h.balance("alice@okaxis"), alice);
  EXPECT_EQ(h.balance("bob@ybl"), bob);
}

TEST(PaymentSaga, ANeftPaymentTakenOverWhileItWaitsStillWaitsForItsBatch) {
  SimulatedHarness h;
  const Paise alice = h.balance("alice@okaxis");
  const auto id = h.pay("dev@okhdfc", "alice@okaxis", 60000'00);
  ASSERT_TRUE(run_until_phase(h, id, Phase::kAwaitingBatch));
  const std::int64_t credit_at_ms = h.state(id).credit_at_ms;
  h.engine.stop();  // this node goes away; another takes the payment over at once
  PaymentSagaEngine other(h.io, h.store, h.registry, *h.banks, h.scheme, h.clock,
                          testing::fast_config());
  other.start();
  other.resume(id, "node-0");
  auto resumed = [&] {
    const Types types = h.types(id);
    return std::find(types.begin(), types.end(), "SagaResumed") != types.end();
  };
  const auto deadline = MonotonicClock::now() + std::chrono::seconds(20);
  while (!resumed() && MonotonicClock::now() < deadline) h.step();
  ASSERT_TRUE(resumed());
  for (int i = 0; i < 20; ++i) h.step();  // time for the new driver to send a credit, if it would
  ASSERT_LT(h.clock.now_ms(), credit_at_ms) << "the batch ran already: the test shows nothing";
  EXPECT_EQ(h.types(id).back(), "SagaResumed") << "the credit went out before its batch";
  EXPECT_EQ(other.awaiting_batch(), 1u);
  h.settle({id});
  EXPECT_EQ(h.state(id).status, "COMPLETED");
  EXPECT_GE(recorded_at_ms(h, id, ledger::events::kCreditRequested), credit_at_ms);
  EXPECT_EQ(h.balance("alice@okaxis"), alice + 60000'00);
  other.stop();
  bool joined = false;
  asio::co_spawn(
      h.io,
      [](PaymentSagaEngine& e, bool& done) -> asio::awaitable<void> {
        co_await e.join();
        done = true;
      }(other, joined),
      asio::detached);
  while (!joined) h.step();
}

}  // namespace
}  // namespace upi::sagas
