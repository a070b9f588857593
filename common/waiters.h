// Coroutines that wait, with a deadline, for something keyed to happen.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>

#include "common/timer.h"

namespace upi {

// Single-threaded: use from the io_context's thread only.
template <typename Key, typename Compare = std::less<Key>>
class Waiters {
 public:
  // Suspends until notify(key) or notify_up_to(k >= key) is called, or the deadline passes.
  boost::asio::awaitable<void> wait(Key key, Deadline deadline) {
    Timer timer(co_await boost::asio::this_coro::executor, deadline);
    auto it = waiting_.emplace(std::move(key), &timer);
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    waiting_.erase(it);
  }

  // Wakes every waiter on key.
  void notify(const Key& key) {
    auto [first, last] = waiting_.equal_range(key);
    for (auto it = first; it != last; ++it) it->second->cancel();
  }

  // Wakes every waiter whose key is <= key.
  void notify_up_to(const Key& key) {
    for (auto it = waiting_.begin(); it != waiting_.end() && !compare_(key, it->first); ++it) {
      it->second->cancel();
    }
  }

  // Wakes everybody (shutdown).
  void notify_all() {
    for (auto& [key, timer] : waiting_) timer->cancel();
  }

 private:
  std::multimap<Key, Timer*, Compare> waiting_;
  Compare compare_;
};

}  // namespace upi
