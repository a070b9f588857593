// Node leases against a real PostgreSQL: one live holder per node id, lapse after the holder
// stops renewing, and the live-node list that recovery relies on.
#include "sagas/node_lease.h"

#include <gtest/gtest.h>

#include "common/run_blocking.h"

namespace upi::sagas {
namespace {

const char* database_url() {
  const char* url = std::getenv("UPI_TEST_DATABASE_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

TEST(NodeLease, OneLiveHolderPerNodeIdAndTheLeaseLapsesWhenRenewalsStop) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "lease" + std::to_string(::getpid());
  asio::io_context io;
  pg::Pool pool(database_url(), schema, 4, 10'000);
  ASSERT_TRUE(run_on(io, [&]() -> asio::awaitable<bool> {
    auto conn = co_await pool.connect();
    if (!conn) co_return false;
    auto made = co_await pg::migrate(**conn, schema, node_lease_migrations(), "", pool.deadline());
    co_return made.has_value();
  }()));
  // Generous: renewals (every third of it) must keep up on a loaded 2-core machine under ASan.
  constexpr int kLeaseMs = 1500;
  NodeLease first(io, pool, "node-1", kLeaseMs);
  ASSERT_TRUE(run_on(io, first.acquire()).has_value());
  TaskGroup renewals(io.get_executor());
  first.start(renewals);
  EXPECT_TRUE(first.held());

  // A second process with the same node id waits two lease periods, then gives up, because
  // the first keeps renewing.
  NodeLease impostor(io, pool, "node-1", kLeaseMs);
  auto refused = run_on(io, impostor.acquire());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "NODE_ID_IN_USE");
  EXPECT_TRUE(first.held()) << "renewals kept the first lease while the impostor waited";

  NodeLease other(io, pool, "node-2", kLeaseMs);
  ASSERT_TRUE(run_on(io, other.acquire()).has_value());
  auto live = run_on(io, other.live_nodes());
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(*live, (std::set<std::string>{"node-1", "node-2"}));

  // The first stops renewing (as a crashed or paused process would): it no longer holds its
  // lease by its own clock, the database lets it lapse, and a restart takes it.
  renewals.stop();
  run_on(io, renewals.join());
  NodeLease restarted(io, pool, "node-1", kLeaseMs);
  ASSERT_TRUE(run_on(io, restarted.acquire()).has_value());
  EXPECT_FALSE(first.held());
  EXPECT_TRUE(restarted.held());
}

}  // namespace
}  // namespace upi::sagas
