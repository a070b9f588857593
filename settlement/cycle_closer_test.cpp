#include "settlement/cycle_closer.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "common/run_blocking.h"
#include "ledger/memory_store.h"
#include "ledger/payment_events.h"
#include "ledger/settlement_events.h"

namespace upi::settlement {
namespace {
namespace ev = ledger::events;

ManualClock test_clock(1'790'000'000'000);

// A switch's settlement parts over one memory ledger: its views, projector and closer.
struct Node {
  asio::io_context io;
  ledger::MemoryStore store{test_clock};
  ledger::MemoryViewStore views;
  ledger::Projector projector{io, store, views};
  CycleCloser closer{store, views, projector, "node-1"};

  Node() { projector.start(); }

  // A payment from payer_bank to payee_bank that completes (or is reversed).
  void payment(const std::string& id, const std::string& payer_bank, const std::string& payee_bank,
               Paise amount, bool completes = true) {
    ev::PaymentRequested requested;
    requested.payment_id = id;
    requested.payer_vpa = "a@" + payer_bank;
    requested.payee_vpa = "b@" + payee_bank;
    requested.amount = amount;
    std::vector<ledger::NewEvent> events{ev::to_new_event(requested, {}),
                                         ev::to_new_event(ev::RailSelected{"IMPS"}, {})};
    if (completes) {
      ev::PaymentCompleted completed;
      completed.settlement = {{payer_bank, "IMPS", "w", "debit", amount},
                              {payee_bank, "IMPS", "w", "credit", amount}};
      events.push_back(ev::to_new_event(completed, {}));
    } else {
      events.push_back(ev::to_new_event(ev::PaymentReversed{{{"CREDIT_DECLINED", "U31", ""}}}, {}));
    }
    ASSERT_TRUE(store.append_now(ev::payment_stream(id), ledger::kNoStream, events).has_value());
  }
  Result<CloseOutcome> close(CloseRequest request) { return run_on(io, closer.close(request)); }
  ledger::CycleReport cycle(std::int64_t n) {
    auto settled = run_on(io, projector.wait_for(store.head_position(), std::chrono::seconds(5)));
    EXPECT_TRUE(settled);
    return views.views().cycle(n).value();
  }
  std::vector<ledger::RecordedEvent> settlement_stream() {
    return run_on(io, ledger::read_whole_stream(store, std::string(ev::kSettlementStream))).value();
  }
};

TEST(CycleCloser, ClosesTheOpenCycleWithTheTotalsOfThePaymentsThatEndedBeforeItsCutOff) {
  Node node;
  node.payment("p1", "HDFC", "ICICI", 100);
  node.payment("p2", "ICICI", "HDFC", 30);
  node.payment("p3", "HDFC", "SBI", 5, false);
  auto closed = node.close({kCauseAdmin, "admin-1", 1'000, 0});
  ASSERT_TRUE(closed.has_value()) << closed.error().message;
  EXPECT_EQ(closed->cycle, 1);
  EXPECT_TRUE(closed->cut_off_here);
  node.payment("p4", "SBI", "HDFC", 7);

  const auto one = node.cycle(1);
  EXPECT_EQ(one.summary.status, ledger::kCycleClosed);
  EXPECT_EQ(one.summary.completed, 2);
  EXPECT_EQ(one.summary.reversed, 1);
  EXPECT_EQ(one.summary.volume, 130);
  Paise net_total = 0;
  for (const auto& row : one.rows) net_total += row.net();
  EXPECT_EQ(net_total, 0);
  ASSERT_EQ(one.rows.size(), 2u);
  EXPECT_EQ(one.rows[0].bank, "HDFC");
  EXPECT_EQ(one.rows[0].net(), -70);
  EXPECT_EQ(one.rows[0].debit_count, 1);
  EXPECT_EQ(one.rows[0].credit_count, 1);
  const auto two = node.cycle(2);
  EXPECT_EQ(two.summary.status, ledger::kCycleOpen);
  EXPECT_EQ(two.summary.completed, 1);

  // The ledger holds the cut-off and the close, whose totals are the views'.
  const auto stream = node.settlement_stream();
  ASSERT_EQ(stream.size(), 2u);
  auto cut = ev::decode_settlement(stream[0]);
  auto close = ev::decode_settlement(stream[1]);
  ASSERT_TRUE(cut && close);
  EXPECT_EQ(std::get<ev::SettlementCutOff>(*cut).requested_by, "admin-1");
  const auto& totals = std::get<ev::SettlementCycleClosed>(*close);
  EXPECT_EQ(totals.cutoff_position, stream[0].position);
  EXPECT_EQ(totals.volume, 130);
  EXPECT_EQ(totals.banks.size(), 2u);
  EXPECT_EQ(ev::encode(ev::SettlementEvent{totals}).at("banks"),
            ev::encode(ev::SettlementEvent{ev::SettlementCycleClosed{1, 0, 0, 0, 0, one.rows}})
                .at("banks"));
}

TEST(CycleCloser, ARetryNamingACycleAlreadyClosedClosesNothingMore) {
  Node node;
  node.payment("p1", "HDFC", "ICICI", 100);
  ASSERT_EQ(node.close({kCauseAdmin, "admin-1", 1'000, 1}).value().cycle, 1);
  auto again = node.close({kCauseAdmin, "admin-1", 1'001, 1});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->cycle, 1);
  EXPECT_FALSE(again->cut_off_here);
  EXPECT_EQ(node.settlement_stream().size(), 2u);
  auto ahead = node.close({kCauseAdmin, "admin-1", 1'002, 5});
  ASSERT_FALSE(ahead.has_value());
  EXPECT_EQ(ahead.error().code, "CYCLE_NOT_OPEN");
  EXPECT_EQ(node.settlement_stream().size(), 2u);
}

TEST(CycleCloser, AScheduledCutOffIsServedOnceWhateverNodeComesFirst) {
  Node node;
  CycleCloser other(node.store, node.views, node.projector, "node-2");
  ASSERT_TRUE(node.close({kCauseSchedule, "", 5'000, 0}).value().cut_off_here);
  auto late = run_on(node.io, other.close({kCauseSchedule, "", 5'000, 0}));
  ASSERT_TRUE(late.has_value());
  EXPECT_FALSE(late->cut_off_here);
  EXPECT_EQ(node.settlement_stream().size(), 2u);
  EXPECT_TRUE(node.close({kCauseSchedule, "", 6'000, 0}).value().cut_off_here);
  EXPECT_EQ(node.settlement_stream().size(), 4u);
}

TEST(CycleCloser, ACycleCutOffByAStoppedCloserIsClosedByTheNext) {
  Node node;
  node.payment("p1", "HDFC", "ICICI", 100);
  std::vector<ledger::NewEvent> cut{ev::to_new_event(
      ev::SettlementEvent{ev::SettlementCutOff{1, 1'000, "SCHEDULE", ""}}, "gone")};
  ASSERT_TRUE(node.store.append_now(std::string(ev::kSettlementStream), ledger::kNoStream, cut)
                  .has_value());
  node.payment("p2", "HDFC", "ICICI", 50);
  EXPECT_EQ(node.cycle(1).summary.status, ledger::kCycleCutOff);
  ASSERT_TRUE(run_on(node.io, node.closer.finish_cut_off()).has_value());
  EXPECT_EQ(node.cycle(1).summary.status, ledger::kCycleClosed);
  EXPECT_EQ(node.cycle(1).summary.volume, 100);
  EXPECT_EQ(node.cycle(2).summary.volume, 50);
  // An admin's close finishes it too before cutting the next one off.
  ASSERT_EQ(node.close({kCauseAdmin, "admin-1", 2'000, 0}).value().cycle, 2);
  EXPECT_EQ(node.cycle(2).summary.status, ledger::kCycleClosed);
  EXPECT_EQ(node.settlement_stream().size(), 4u);
}

}  // namespace
}  // namespace upi::settlement
