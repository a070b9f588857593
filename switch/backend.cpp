#include "switch/backend.h"

#include "banks/postgres_bank.h"
#include "common/run_blocking.h"
#include "ledger/memory_store.h"
#include "ledger/postgres_store.h"
#include "ledger/postgres_views.h"
#include "sagas/node_lease.h"
#include "switch/migrations.h"

namespace upi::api {
namespace {

constexpr std::size_t kConnectionsMax = 12;  // banks' books, views and the lease
constexpr int kDatabaseTimeoutMs = 10'000;

Result<Backend> memory_backend(asio::io_context& io, const Options& options, const World& world,
                               const Clock& wall_clock) {
  auto banks = banks::BankNetwork::create(world, options.fault_seed, &io);
  if (!banks) return std::unexpected(banks.error());
  Backend b;
  b.store_kind = "memory";
  b.store = std::make_unique<ledger::MemoryStore>(wall_clock);
  b.views = std::make_unique<ledger::MemoryViewStore>();
  b.lease = std::make_unique<sagas::SoleNodeLease>(node_name(options));
  b.banks = std::move(*banks);
  b.probe = []() -> asio::awaitable<Result<void>> { co_return Result<void>{}; };
  return b;
}

Result<Backend> durable_backend(asio::io_context& io, const Options& options, const World& world,
                                const Clock& wall_clock) {
  ledger::PostgresConfig config{.conninfo = options.database_url,
                                .schema = options.database_schema,
                                .migrations = switch_migrations()};
  auto store = run_on(io, ledger::PostgresStore::open(io, wall_clock, config));
  if (!store) return std::unexpected(store.error());
  Backend b;
  b.store_kind = "postgres";
  b.pool = std::make_unique<pg::Pool>(options.database_url, options.database_schema,
                                      kConnectionsMax, kDatabaseTimeoutMs);
  if (auto ok = run_on(io, banks::prepare_postgres_banks(*b.pool, world)); !ok)
    return std::unexpected(ok.error());
  auto banks = banks::BankNetwork::create_durable(world, options.fault_seed, *b.pool, &io);
  if (!banks) return std::unexpected(banks.error());
  b.store = std::move(*store);
  auto views = std::make_unique<ledger::PostgresViews>(*b.pool);
  b.rebuildable_views = views.get();
  b.views = std::move(views);
  b.lease = std::make_unique<sagas::NodeLease>(io, *b.pool, node_name(options), options.lease_ms);
  b.banks = std::move(*banks);
  b.probe = [pool = b.pool.get()]() -> asio::awaitable<Result<void>> {
    auto alive = co_await pool->query("SELECT 1", {});
    if (!alive)
      co_return std::unexpected(
          pg::to_error(alive.error(), "STORE_UNAVAILABLE", "the database does not answer"));
    co_return Result<void>{};
  };
  return b;
}

}  // namespace

Result<Backend> open_backend(asio::io_context& io, const Options& options, const World& world,
                             const Clock& wall_clock) {
  if (options.database_url.empty()) return memory_backend(io, options, world, wall_clock);
  return durable_backend(io, options, world, wall_clock);
}

}  // namespace upi::api
