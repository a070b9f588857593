// Recovery: which pending payments this node takes up, at start and then every half lease.
// A payment is this node's when it owns it and no saga here drives it, or when its owner's
// lease has lapsed; the engine's SagaResumed append then fences the previous owner.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

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
  // its way). Reads the pending payments page by page, at most kPagesPerPassMax pages, and the
  // next pass reads on from where this one stopped: payments that wait long (NEFT batches)
  // cannot hide the ones behind them. Returns how many it resumed. Error code:
  // STORE_UNAVAILABLE.
  asio::awaitable<Result<std::size_t>> pass(bool at_start);
  // Repeats pass(false) every interval_ms() in group until the group stops.
  void start(TaskGroup& group);
  int interval_ms() const { return lease_.lease_ms() / 2; }

 private:
  static constexpr std::size_t kPagesPerPassMax = 8;

  asio::awaitable<void> periodic_pass();
  // Resumes those of one page of pending payments that this node may take.
  std::size_t resume_page(const std::vector<ledger::PendingPayment>& page,
                          const std::set<std::string>& live, bool at_start);

  PaymentSagaEngine& engine_;
  ledger::ViewStore& views_;
  Lease& lease_;
  const Clock& clock_;
  PeriodicTask periodic_;
  std::string read_after_;  // where the next page starts ("": from the first pending payment)
};

}  // namespace upi::sagas
