#include "switch/backend.h"

#include "banks/postgres_bank.h"
#include "common/bearer.h"
#include "common/run_blocking.h"
#include "common/scheme.h"
#include "common/tls.h"
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

// The key the switch presents to remote banks (upi-bank checks it), from --bank-key-file.
Result<void> present_bank_key(const Options& options, banks::BankNetwork& banks) {
  if (!banks.has_remote()) return {};
  if (options.bank_key_path.empty()) {
    return fail(ErrorKind::kInvalid, "USAGE",
                "the world has remote banks: pass --bank-key-file FILE, the key they expect "
                "(upi-bank --switch-key-sha256)");
  }
  auto text = read_file(options.bank_key_path, 4096);
  if (!text) return std::unexpected(text.error());
  std::string key = *text;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
    key.pop_back();
  if (key.empty() || key.size() > http::kApiKeyBytesMax ||
      key.find_first_of(" \t\r\n") != std::string::npos) {
    return fail(ErrorKind::kInvalid, "USAGE",
                options.bank_key_path + " must hold one key of 1-256 visible characters");
  }
  banks.present_key(key);
  if (banks.has_https()) {
    auto context = tls::client_context(options.bank_ca_path);
    if (!context) return std::unexpected(context.error());
    banks.use_tls(*context);
  }
  return {};
}

}  // namespace

Result<Backend> open_backend(asio::io_context& io, const Options& options, const World& world,
                             const Clock& wall_clock) {
  auto backend = options.database_url.empty() ? memory_backend(io, options, world, wall_clock)
                                              : durable_backend(io, options, world, wall_clock);
  if (!backend) return backend;
  if (auto ok = present_bank_key(options, *backend->banks); !ok) return std::unexpected(ok.error());
  return backend;
}

}  // namespace upi::api
