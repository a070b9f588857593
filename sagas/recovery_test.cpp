#include "sagas/recovery.h"

#include "common/run_blocking.h"
#include "ledger/projector.h"
#include "sagas/saga_test_harness.h"

namespace upi::sagas {
namespace {

using testing::Harness;

// Appends a payment's first event as node_id wrote it, and nothing else: pending, not driven.
std::string requested_by_node(Harness& h, const std::string& node_id) {
  const std::string id = h.ids.next();
  PaymentRequest request{"alice@okaxis", "bob@ybl", 1'00, "", "", "test-psp"};
  EXPECT_TRUE(h.store
                  .append_now(ledger::events::payment_stream(id), ledger::kNoStream,
                              {payment_requested_event(id, request, node_id)})
                  .has_value());
  return id;
}

// More of this node's payments than a page holds, all in flight lately (so a pass leaves them
// to the drive on their way), stand in front of one whose owner died: the pass reads on, page
// by page, and resumes that one.
TEST(Recovery, PaymentsOfALiveNodeThatFillAPageDoNotHideADeadNodesPayment) {
  Harness h;
  for (std::size_t i = 0; i < ledger::kPendingPageMax + 200; ++i) requested_by_node(h, "node-0");
  const std::string orphan = requested_by_node(h, "node-9");  // no lease: dead
  ledger::MemoryViewStore views;
  ledger::Projector projector(h.io, h.store, views);
  ASSERT_TRUE(run_on(h.io, projector.catch_up_now()).has_value());
  SoleNodeLease lease("node-0");
  Recovery recovery(h.engine, views, lease, h.clock);
  auto resumed = run_on(h.io, recovery.pass(false));
  ASSERT_TRUE(resumed.has_value()) << resumed.error().message;
  EXPECT_EQ(*resumed, 1u);
  h.settle({orphan});
  EXPECT_EQ(h.state(orphan).status, "COMPLETED");
  EXPECT_EQ(h.types(orphan)[1], "SagaResumed");
}

}  // namespace
}  // namespace upi::sagas
