// The leg rules every BankCore keeps (the memory books and the PostgreSQL books), as one
// parameterised GoogleTest suite, so the two implementations cannot drift. A core's test file
// instantiates it with a factory (mock_bank_test.cpp, postgres_bank_pgtest.cpp).
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "banks/bank_core.h"
#include "common/run_blocking.h"

namespace upi::banks {

// The bank under test, HDFC with accounts 111111 (100.00) and 222222 (0.00), and the event loop
// it lives on.
struct BankCoreFixture {
  virtual ~BankCoreFixture() = default;
  virtual BankCore& core() = 0;
  virtual asio::io_context& io() = 0;
};

// Null when the core cannot be had here (the suite then skips, saying why); a factory that
// failed has reported it, and the suite then fails.
using BankCoreFactory = std::function<std::unique_ptr<BankCoreFixture>()>;

// The world every contract fixture books: HDFC with 111111 (100.00) and 222222 (0.00).
World bank_contract_world();

class BankCoreContract : public ::testing::TestWithParam<BankCoreFactory> {};

}  // namespace upi::banks
