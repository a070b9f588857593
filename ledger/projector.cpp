#include "ledger/projector.h"
#include "common/timer.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>
#include <cstdio>

namespace upi::ledger {

namespace {
constexpr std::size_t kCatchUpBatch = 1000;
constexpr int kRetryPauseMs = 500;
}  // namespace

std::string describe_fold(std::int64_t events, std::chrono::nanoseconds elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  char text[128];
  std::snprintf(text, sizeof text, "%lld events in %.3f s (%.0f events/s)",
                static_cast<long long>(events), seconds,
                seconds > 0 ? static_cast<double>(events) / seconds : 0.0);
  return text;
}

Projector::Projector(asio::io_context& io, EventStore& store, ViewStore& views)
    : io_(io), store_(store), views_(views), tasks_(io.get_executor()) {}

asio::awaitable<Result<void>> Projector::catch_up_now() {
  for (;;) {
    auto batch = co_await store_.read_all(checkpoint_, kCatchUpBatch);
    if (!batch) co_return std::unexpected(batch.error());
    if (batch->empty()) co_return Result<void>{};
    assert(batch->front().position == checkpoint_ + 1 && "the log has no gaps");
    auto applied = co_await views_.apply(*batch);
    if (!applied) co_return std::unexpected(applied.error());
    for (const auto& event : *batch) {
      if (listener_) listener_(event);
    }
    checkpoint_ = batch->back().position;
    waiters_.notify_up_to(checkpoint_);
    if (batch->size() < kCatchUpBatch) co_return Result<void>{};
    // A memory store answers at once: let the event loop serve others between batches, so
    // catching up on a long log is many short slices, not one stall.
    co_await asio::post(io_, asio::use_awaitable);
  }
}

void Projector::start() {
  store_.on_commit([this](std::int64_t) { asio::post(io_, [this] { wake(); }); });
  wake();
}

void Projector::wake() {
  if (running_) {
    dirty_ = true;  // the running catch-up reads again before it stops
    return;
  }
  if (tasks_.stopped()) return;
  running_ = true;
  tasks_.spawn(catch_up());
}

void Projector::stop() {
  tasks_.stop();
}

asio::awaitable<void> Projector::join() {
  co_await tasks_.join();
}

asio::awaitable<void> Projector::catch_up() {
  do {
    dirty_ = false;
    auto caught_up = co_await catch_up_now();
    if (!caught_up) {
      // The views may be in a database that is restarting: try again, without waiting for
      // a commit that may never come.
      spdlog::error("projector cannot fold the log: {}", caught_up.error().message);
      Timer pause(io_, std::chrono::milliseconds(kRetryPauseMs));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      dirty_ = true;
    }
  } while (dirty_);
  running_ = false;
}

asio::awaitable<bool> Projector::wait_for(std::int64_t position,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = MonotonicClock::now() + timeout;
  while (checkpoint_ < position && MonotonicClock::now() < deadline) {
    co_await waiters_.wait(position, deadline);
  }
  co_return checkpoint_ >= position;
}

}  // namespace upi::ledger
