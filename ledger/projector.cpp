#include "ledger/projector.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

namespace upi::ledger {

namespace {
constexpr std::size_t kCatchUpBatch = 1000;
}

Projector::Projector(asio::io_context& io, EventStore& store, ReadViews& views)
    : io_(io), store_(store), views_(views) {}

asio::awaitable<Result<void>> Projector::catch_up_now() {
  for (;;) {
    auto batch = co_await store_.read_all(views_.checkpoint(), kCatchUpBatch);
    if (!batch) co_return std::unexpected(batch.error());
    for (const auto& event : *batch) {
      views_.apply(event);
      if (listener_) listener_(event);
    }
    waiters_.notify_up_to(views_.checkpoint());
    if (batch->size() < kCatchUpBatch) co_return Result<void>{};
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
  running_ = true;
  asio::co_spawn(io_, catch_up(), asio::detached);
}

asio::awaitable<void> Projector::catch_up() {
  do {
    dirty_ = false;
    auto caught_up = co_await catch_up_now();
    if (!caught_up) {
      spdlog::error("projector cannot read the log: {}", caught_up.error().message);
      break;  // the next commit's wake-up tries again
    }
  } while (dirty_);
  running_ = false;
}

asio::awaitable<bool> Projector::wait_for(std::int64_t position,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (views_.checkpoint() < position && std::chrono::steady_clock::now() < deadline) {
    co_await waiters_.wait(position, deadline);
  }
  co_return views_.checkpoint() >= position;
}

}  // namespace upi::ledger
