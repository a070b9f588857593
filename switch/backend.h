// The composition root's one choice: where the switch keeps its state. Built once, in memory
// (embedded) or in PostgreSQL (durable); everything built on top is the same code for both.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "banks/bank_network.h"
#include "common/clock.h"
#include "common/pg.h"
#include "common/world.h"
#include "ledger/event_store.h"
#include "ledger/view_store.h"
#include "sagas/lease.h"
#include "switch/options.h"

namespace upi::ledger {
class PostgresViews;
}

namespace upi::api {

namespace asio = boost::asio;

struct Backend {
  std::string store_kind;          // "memory" or "postgres", as /healthz shows it
  std::unique_ptr<pg::Pool> pool;  // durable only; declared first so it outlives its users
  std::unique_ptr<ledger::EventStore> store;
  std::unique_ptr<ledger::ViewStore> views;
  std::unique_ptr<sagas::Lease> lease;  // always present: held for good in memory mode
  std::unique_ptr<banks::BankNetwork> banks;
  ledger::PostgresViews* rebuildable_views = nullptr;  // durable only (--rebuild-views)
  // Answers while the store can take writes (durable: SELECT 1 within the pool's deadline).
  std::function<asio::awaitable<Result<void>>()> probe;
};

// Builds the backend that options ask for (--database-url: PostgreSQL, creating the schema;
// otherwise memory). Error codes: STORE_UNAVAILABLE, BANKS_UNAVAILABLE, UNSUPPORTED_BANK.
Result<Backend> open_backend(asio::io_context& io, const Options& options, const World& world,
                             const Clock& wall_clock);

}  // namespace upi::api
