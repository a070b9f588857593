#include "common/async.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>

namespace upi {

OneShotEvent::OneShotEvent(asio::any_io_executor executor)
    : timer_(std::move(executor), Timer::time_point::max()) {}

void OneShotEvent::set() {
  set_ = true;
  timer_.cancel();
}

asio::awaitable<void> OneShotEvent::wait() {
  while (!set_) co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<bool> Semaphore::acquire(Deadline deadline) {
  if (available_ > 0 && waiting_.empty()) {
    --available_;
    co_return true;
  }
  Timer timer(co_await asio::this_coro::executor, deadline);
  auto place = waiting_.insert(waiting_.end(), &timer);
  for (;;) {
    // Our turn: first in line with a permit free (release() woke us).
    if (available_ > 0 && waiting_.front() == &timer) break;
    if (MonotonicClock::now() >= deadline) {
      waiting_.erase(place);
      if (available_ > 0 && !waiting_.empty()) waiting_.front()->cancel();  // pass the turn on
      co_return false;
    }
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    timer.expires_at(deadline);
  }
  waiting_.erase(place);
  --available_;
  if (available_ > 0 && !waiting_.empty()) waiting_.front()->cancel();
  co_return true;
}

void Semaphore::release() {
  ++available_;
  if (!waiting_.empty()) waiting_.front()->cancel();
}

TaskGroup::TaskGroup(asio::any_io_executor executor) : executor_(std::move(executor)) {}

// Joined, or its io_context was shut down first (which destroys the suspended frames without
// running their completions, so running_ may still list them: nothing will touch it again).
TaskGroup::~TaskGroup() = default;

void TaskGroup::spawn(asio::awaitable<void> task, OnDone on_done) {
  if (stopped_) {
    if (on_done) on_done(nullptr);
    return;
  }
  auto signal = running_.emplace(running_.end());
  auto finished = [this, signal, on_done = std::move(on_done)](std::exception_ptr error) {
    if (on_done) {
      on_done(error);
    } else if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const boost::system::system_error& e) {
        // The cancellation stop() asked for surfaces as operation_aborted: not a failure.
        if (!(stopped_ && e.code() == asio::error::operation_aborted))
          spdlog::error("a background task failed: {}", e.what());
      } catch (const std::exception& e) {
        spdlog::error("a background task failed: {}", e.what());
      }
    }
    // The signal is still bound to the finishing task here; forget it once that has unwound.
    asio::post(executor_, [this, signal] {
      running_.erase(signal);
      if (running_.empty() && empty_ != nullptr) empty_->set();
    });
  };
  asio::co_spawn(executor_, std::move(task),
                 asio::bind_cancellation_slot(signal->slot(), std::move(finished)));
}

void TaskGroup::stop() {
  stopped_ = true;
  for (auto& signal : running_) signal.emit(asio::cancellation_type::terminal);
}

asio::awaitable<void> TaskGroup::join() {
  while (!running_.empty()) {
    OneShotEvent empty(executor_);
    empty_ = &empty;
    co_await empty.wait();
    empty_ = nullptr;
  }
}

PeriodicTask::PeriodicTask(std::string name, MonotonicClock::duration period,
                           std::function<asio::awaitable<void>()> tick)
    : name_(std::move(name)), period_(period), tick_(std::move(tick)) {}

void PeriodicTask::start(TaskGroup& group) {
  group.spawn(loop());
}

asio::awaitable<void> PeriodicTask::loop() {
  Timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(period_);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) co_return;  // the group stopped
    co_await tick_();
  }
}

}  // namespace upi
