#include "common/async.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace upi {
namespace {

using namespace std::chrono_literals;

// Runs io in simulated time until done() or 60 simulated seconds pass.
template <typename Done>
bool run_until(asio::io_context& io, SimulatedTime& time, Done done) {
  const auto until = MonotonicClock::now() + 60s;
  while (!done() && MonotonicClock::now() < until) {
    if (io.poll() == 0) time.advance(1ms);
    if (io.stopped()) io.restart();
  }
  return done();
}

// Joins group, running io until the join returns.
bool joined(asio::io_context& io, SimulatedTime& time, TaskGroup& group) {
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await group.join();
        done = true;
      },
      asio::detached);
  return run_until(io, time, [&] { return done; });
}

asio::awaitable<void> sleep_for(MonotonicClock::duration d) {
  Timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

TEST(Async, AOneShotEventWakesEveryWaiterOnceSetAndLaterOnesAtOnce) {
  SimulatedTime time;
  asio::io_context io;
  OneShotEvent event(io.get_executor());
  int woken = 0;
  auto waiter = [&]() -> asio::awaitable<void> {
    co_await event.wait();
    ++woken;
  };
  asio::co_spawn(io, waiter(), asio::detached);
  asio::co_spawn(io, waiter(), asio::detached);
  io.poll();
  EXPECT_EQ(woken, 0);
  event.set();
  ASSERT_TRUE(run_until(io, time, [&] { return woken == 2; }));
  asio::co_spawn(io, waiter(), asio::detached);
  ASSERT_TRUE(run_until(io, time, [&] { return woken == 3; }));
}

TEST(Async, ASemaphoreBoundsHoldersServesInOrderAndGivesUpAtTheDeadline) {
  SimulatedTime time;
  asio::io_context io;
  Semaphore permits(2);
  std::vector<int> order;
  int holding = 0, holding_max = 0, refused = 0;
  auto user = [&](int id, MonotonicClock::duration patience) -> asio::awaitable<void> {
    if (!co_await permits.acquire(MonotonicClock::now() + patience)) {
      ++refused;
      co_return;
    }
    order.push_back(id);
    holding_max = std::max(holding_max, ++holding);
    co_await sleep_for(10ms);
    --holding;
    permits.release();
  };
  for (int id = 0; id < 5; ++id) asio::co_spawn(io, user(id, 1s), asio::detached);
  asio::co_spawn(io, user(99, 5ms), asio::detached);  // cannot wait long enough
  ASSERT_TRUE(run_until(io, time, [&] { return order.size() == 5 && holding == 0; }));
  EXPECT_EQ(holding_max, 2);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(permits.available(), 2u);
}

TEST(Async, ATaskGroupStopsAndJoinsWhatItSpawned) {
  SimulatedTime time;
  asio::io_context io;
  TaskGroup group(io.get_executor());
  int finished = 0, done_calls = 0;
  auto task = [&](MonotonicClock::duration d) -> asio::awaitable<void> {
    co_await sleep_for(d);
    ++finished;
  };
  group.spawn(task(5ms), [&](std::exception_ptr) { ++done_calls; });
  group.spawn(task(1h));  // only a stop ends it in time
  ASSERT_TRUE(run_until(io, time, [&] { return finished == 1; }));
  EXPECT_EQ(group.size(), 1u);
  group.stop();
  ASSERT_TRUE(joined(io, time, group));
  EXPECT_EQ(finished, 2);  // the cancelled sleep returned early
  EXPECT_EQ(done_calls, 1);
  group.spawn(task(1ms), [&](std::exception_ptr) { ++done_calls; });  // stopped: never runs
  EXPECT_EQ(done_calls, 2);
  EXPECT_EQ(group.size(), 0u);
}

TEST(Async, APeriodicTaskTicksEveryPeriodUntilItsGroupStops) {
  SimulatedTime time;
  asio::io_context io;
  TaskGroup group(io.get_executor());
  int ticks = 0;
  PeriodicTask periodic("test", 10ms, [&]() -> asio::awaitable<void> {
    ++ticks;
    co_return;
  });
  const auto started = MonotonicClock::now();
  periodic.start(group);
  ASSERT_TRUE(run_until(io, time, [&] { return ticks == 3; }));
  EXPECT_GE(MonotonicClock::now() - started, 30ms);
  group.stop();
  ASSERT_TRUE(joined(io, time, group));
  const int at_stop = ticks;
  time.advance(100ms);
  io.poll();
  EXPECT_EQ(ticks, at_stop);
}

}  // namespace
}  // namespace upi
