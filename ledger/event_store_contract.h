// The behaviour every EventStore must show, as a parameterised GoogleTest suite. A store's
// test file instantiates it with a factory (see memory_store_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "ledger/event_store.h"

namespace upi::ledger {

using StoreFactory = std::function<std::unique_ptr<EventStore>()>;

class EventStoreContract : public ::testing::TestWithParam<StoreFactory> {};

}  // namespace upi::ledger
