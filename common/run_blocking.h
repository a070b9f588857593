// Runs one coroutine to completion on a private event loop, for tools and tests.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <vector>

namespace upi {

template <typename T>
T run_blocking(boost::asio::awaitable<T> operation) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(operation), boost::asio::use_future);
  io.run();
  return future.get();
}

// Runs operation on io until it finishes, even when io has other work that never ends.
template <typename T>
T run_on(boost::asio::io_context& io, boost::asio::awaitable<T> operation) {
  auto future = boost::asio::co_spawn(io, std::move(operation), boost::asio::use_future);
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    io.run_one_for(std::chrono::milliseconds(100));
    if (io.stopped()) io.restart();
  }
  return future.get();
}

// Runs io until every future is ready; false when timeout passes first (a test's deadline).
template <typename T>
bool run_until_ready(boost::asio::io_context& io, std::vector<std::future<T>>& futures,
                     std::chrono::steady_clock::duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& f : futures) {
    while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_one_for(std::chrono::milliseconds(50));
      if (io.stopped()) io.restart();
    }
  }
  return true;
}

}  // namespace upi
