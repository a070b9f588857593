// Keeps a ViewStore caught up with an EventStore: woken after each commit, it re-reads the log
// from its own cursor and hands each batch to the views (which skip what another node already
// folded in). Readers can wait until the views reach a position (read-your-writes).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "common/async.h"
#include "common/waiters.h"
#include "ledger/event_store.h"
#include "ledger/view_store.h"

namespace upi::ledger {

// "N events in S s (R events/s)": how fast a fold went, for the start-up fold and
// --rebuild-views.
std::string describe_fold(std::int64_t events, std::chrono::nanoseconds elapsed);

class Projector {
 public:
  Projector(asio::io_context& io, EventStore& store, ViewStore& views);

  // Folds in everything the log holds now (before serving, so that views are complete).
  asio::awaitable<Result<void>> catch_up_now();
  // Subscribes to commits and catches up from the views' checkpoint.
  void start();
  // Ends the catch-up in progress (at its next wait); join() returns once it has.
  void stop();
  asio::awaitable<void> join();
  // True once the views have folded in position (at once if they already have); false when
  // the timeout passes first.
  asio::awaitable<bool> wait_for(std::int64_t position, std::chrono::milliseconds timeout);
  // The position up to which the views are known to hold every event.
  std::int64_t checkpoint() const { return checkpoint_; }
  // Called for each event after it is folded in (idempotency keys, notifications).
  void on_event(std::function<void(const RecordedEvent&)> listener) { listener_ = listener; }

 private:
  void wake();
  asio::awaitable<void> catch_up();

  asio::io_context& io_;
  EventStore& store_;
  ViewStore& views_;
  std::int64_t checkpoint_ = 0;
  bool running_ = false;
  bool dirty_ = false;
  Waiters<std::int64_t> waiters_;
  std::function<void(const RecordedEvent&)> listener_;
  TaskGroup tasks_;
};

}  // namespace upi::ledger
