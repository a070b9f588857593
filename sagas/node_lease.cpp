#include "sagas/node_lease.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>
#include <random>

namespace upi::sagas {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

constexpr char kLeaseTable[] = R"sql(
CREATE TABLE IF NOT EXISTS switch_nodes (
  node_id text PRIMARY KEY,
  epoch text NOT NULL,
  lease_expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now()))sql";

Error unavailable(const pg::PgError& e) {
  return pg::to_error(e, "STORE_UNAVAILABLE", "PostgreSQL");
}

std::string new_epoch() {
  std::random_device entropy;
  return std::to_string(::getpid()) + "-" + std::to_string(entropy()) + std::to_string(entropy());
}

}  // namespace

std::vector<pg::Migration> node_lease_migrations() {
  return {{"sagas/1", kLeaseTable}};
}

NodeLease::NodeLease(asio::io_context& io, pg::Pool& pool, std::string node_id, int lease_ms)
    : io_(io),
      pool_(pool),
      node_id_(std::move(node_id)),
      lease_ms_(lease_ms),
      epoch_(new_epoch()),
      timer_(io),
      renewals_("lease renewals", std::chrono::milliseconds(lease_ms / 3),
                [this] { return renew_once(); }) {
  assert(lease_ms_ >= kLeaseMsMin && lease_ms_ <= kLeaseMsMax);
}

asio::awaitable<Result<bool>> NodeLease::extend(std::string sql) {
  const auto started = MonotonicClock::now();
  std::vector<pg::Param> params{node_id_, epoch_, std::to_string(lease_ms_)};
  auto rows = co_await pool_.query(std::move(sql), std::move(params));
  if (!rows) co_return std::unexpected(unavailable(rows.error()));
  if (rows->size() == 1) renewed_at_ = started;  // the lease runs from before we asked
  co_return rows->size() == 1;
}

asio::awaitable<Result<bool>> NodeLease::try_take() {
  co_return co_await extend(
      "INSERT INTO switch_nodes (node_id, epoch, lease_expires_at) "
      "VALUES ($1, $2, now() + $3::int * interval '1 millisecond') "
      "ON CONFLICT (node_id) DO UPDATE SET epoch = excluded.epoch, "
      "lease_expires_at = excluded.lease_expires_at, acquired_at = now() "
      "WHERE switch_nodes.lease_expires_at < now() OR switch_nodes.epoch = excluded.epoch "
      "RETURNING 1");
}

asio::awaitable<Result<void>> NodeLease::acquire() {
  const auto deadline = deadline_after_ms(2 * lease_ms_);
  bool announced = false;
  for (;;) {
    auto taken = co_await try_take();
    if (!taken) co_return std::unexpected(taken.error());
    if (*taken) co_return Result<void>{};
    if (MonotonicClock::now() >= deadline) {
      co_return fail(ErrorKind::kConflict, "NODE_ID_IN_USE",
                     "another running process holds the lease of " + node_id_);
    }
    if (!announced) {
      spdlog::info("waiting for the previous lease of {} to lapse", node_id_);
      announced = true;
    }
    timer_.expires_after(std::chrono::milliseconds(lease_ms_ / 10));
    co_await timer_.async_wait(kTuple);
  }
}

asio::awaitable<Result<bool>> NodeLease::renew() {
  co_return co_await extend(
      "UPDATE switch_nodes SET lease_expires_at = now() + $3::int * interval '1 millisecond' "
      "WHERE node_id = $1 AND epoch = $2 RETURNING 1");
}

void NodeLease::start(TaskGroup& group) {
  renewals_.start(group);
}

bool NodeLease::held() const {
  return MonotonicClock::now() < renewed_at_ + std::chrono::milliseconds(lease_ms_ * 3 / 4);
}

asio::awaitable<void> NodeLease::renew_once() {
  const bool was_held = held();
  auto renewed = co_await renew();
  if (renewed && !*renewed) renewed = co_await try_take();  // another process took our id
  if (!renewed) {
    spdlog::warn("cannot renew the lease of {}: {}", node_id_, renewed.error().message);
  } else if (!*renewed) {
    spdlog::warn("the lease of {} is held by another process", node_id_);
  }
  if (was_held && !held()) spdlog::error("lost the lease of {}: sagas stop here", node_id_);
  if (!was_held && held()) spdlog::info("took the lease of {} again", node_id_);
}

asio::awaitable<Result<std::set<std::string>>> NodeLease::live_nodes() {
  auto rows =
      co_await pool_.query("SELECT node_id FROM switch_nodes WHERE lease_expires_at >= now()", {});
  if (!rows) co_return std::unexpected(unavailable(rows.error()));
  std::set<std::string> live;
  for (int i = 0; i < rows->size(); ++i) live.insert(rows->text(i, 0));
  co_return live;
}

}  // namespace upi::sagas
