// Building blocks for coroutines on one io_context thread: a one-shot event, a task group that
// stops and joins what it spawned, and a periodic task. Single-threaded: use each from its
// io_context's thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <cstddef>
#include <exception>
#include <functional>
#include <list>
#include <string>

#include "common/timer.h"

namespace upi {

namespace asio = boost::asio;

// Set once; wait() returns as soon as it is set (at once if it already was). Waiting is not
// interruptible: whoever may end the wait sets the event (a stopped writer fails what it holds).
class OneShotEvent {
 public:
  explicit OneShotEvent(asio::any_io_executor executor);
  void set();
  bool is_set() const { return set_; }
  asio::awaitable<void> wait();

 private:
  bool set_ = false;
  Timer timer_;  // never expires by itself; set() cancels it to wake the waiters
};

// A counting semaphore with a deadline: at most `permits` holders at once; waiters are served
// first come, first served.
class Semaphore {
 public:
  explicit Semaphore(std::size_t permits) : available_(permits) {}
  // Takes a permit, waiting until one is free; false when the deadline passes first.
  asio::awaitable<bool> acquire(Deadline deadline);
  // Gives a permit back and wakes the longest waiter.
  void release();
  std::size_t available() const { return available_; }

 private:
  std::size_t available_;
  std::list<Timer*> waiting_;  // in arrival order
};

// Coroutines that belong to an owner: stop() asks each of them to end (terminal cancellation
// of whatever it is waiting on), join() returns once none is left. The owner joins before it is
// destroyed (or, when a join does not finish in time, shuts the io_context down first, which
// destroys the suspended frames), so no coroutine outlives the object it captured.
class TaskGroup {
 public:
  using OnDone = std::function<void(std::exception_ptr)>;
  explicit TaskGroup(asio::any_io_executor executor);
  ~TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Runs task in the group; on_done (optional) runs when it ends, with its exception if any.
  // After stop(), nothing new starts (on_done runs at once with no exception).
  void spawn(asio::awaitable<void> task, OnDone on_done = {});
  // Cancels every running task.
  void stop();
  // Returns when no task is running.
  asio::awaitable<void> join();
  std::size_t size() const { return running_.size(); }
  bool stopped() const { return stopped_; }

 private:
  asio::any_io_executor executor_;
  std::list<asio::cancellation_signal> running_;
  OneShotEvent* empty_ = nullptr;  // the current join()'s wake-up
  bool stopped_ = false;
};

// Calls tick() every period until stopped (in the group it was started in).
class PeriodicTask {
 public:
  // name is for logs; tick runs on the io_context's thread, one call at a time.
  PeriodicTask(std::string name, MonotonicClock::duration period,
               std::function<asio::awaitable<void>()> tick);
  void start(TaskGroup& group);

 private:
  asio::awaitable<void> loop();
  std::string name_;
  MonotonicClock::duration period_;
  std::function<asio::awaitable<void>()> tick_;
};

}  // namespace upi
