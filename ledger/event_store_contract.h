// The behaviour every EventStore must show, as a parameterised GoogleTest suite. A store's
// test file instantiates it with a factory (memory_store_test.cpp, postgres_store_pgtest.cpp).
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <functional>
#include <memory>

#include "ledger/event_store.h"

namespace upi::ledger {

// A store and the event loop it lives on.
struct StoreFixture {
  virtual ~StoreFixture() = default;
  virtual EventStore& store() = 0;
  virtual asio::io_context& io() = 0;
};

// Null when the store cannot be had here (the suite then skips, saying why).
using StoreFactory = std::function<std::unique_ptr<StoreFixture>()>;

// Runs op on io until it finishes (io may have other work that never ends).
template <typename T>
T run_on(asio::io_context& io, asio::awaitable<T> op) {
  auto future = asio::co_spawn(io, std::move(op), asio::use_future);
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    io.run_one_for(std::chrono::milliseconds(100));
    if (io.stopped()) io.restart();
  }
  return future.get();
}

class EventStoreContract : public ::testing::TestWithParam<StoreFactory> {};

}  // namespace upi::ledger
