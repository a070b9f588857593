// Recovery: which pending payments this node takes up, at start and then every half lease.
// A payment is this node's when it owns it and no saga here drives it, or when its owner's
// lease has lapsed; the engine's SagaResumed append then fences the previous owner.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>

#include "common/async.h"
#include "common/clock.h"
#include "ledger/view_store.h"
#include "sagas/lease.h"
#include "sagas/payment_saga.h"

namespace upi::sagas {

class Recovery {
 public:
  Recovery(PaymentSagaEngine& engine, ledger::ViewStore& views, Lease& lease, const Clock& clock);
  // One pass: resumes the pending payments this node may take. Its own payments updated less
  // than two intervals ago are left alone unless at_start (their first drive may still be on
  // its way). Returns how many it resumed. Error code: STORE_UNAVAILABLE.
  asio::awaitable<Result<std::size_t>> pass(bool at_start);
  // Repeats pass(false) every interval_ms() in group until the group stops.
  void start(TaskGroup& group);
  int interval_ms() const { return lease_.lease_ms() / 2; }

 private:
  asio::awaitable<void> periodic_pass();

  PaymentSagaEngine& engine_;
  ledger::ViewStore& views_;
  Lease& lease_;
  const Clock& clock_;
  PeriodicTask periodic_;
};

}  // namespace upi::sagas
