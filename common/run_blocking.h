// Runs one coroutine to completion on a private event loop, for tools and tests.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace upi {

template <typename T>
T run_blocking(boost::asio::awaitable<T> operation) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(operation), boost::asio::use_future);
  io.run();
  return future.get();
}

}  // namespace upi
