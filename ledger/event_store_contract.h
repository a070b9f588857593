// The behaviour every EventStore must show, as a parameterised GoogleTest suite. A store's
// test file instantiates it with a factory (memory_store_test.cpp, postgres_store_pgtest.cpp).
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <functional>
#include <memory>

#include "common/run_blocking.h"
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

using upi::run_on;

class EventStoreContract : public ::testing::TestWithParam<StoreFactory> {};

// Makes the store under test as `fixture`. Skips when the store cannot be had here, but when
// making it failed (the factory has reported why) the test fails and stops: CTest reads any
// "[  SKIPPED ]" as a skip, so a failure must never also skip.
#define UPI_CONTRACT_FIXTURE()          \
  auto fixture = GetParam()();          \
  if (!fixture && HasFailure()) return; \
  if (!fixture) GTEST_SKIP() << "this store is not available here";

}  // namespace upi::ledger
