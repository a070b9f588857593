// A switch node's lease in PostgreSQL: while it holds an unexpired lease, the sagas it owns
// are its own; once the lease lapses, any other node may take them over (recovery), and the
// SagaResumed event it appends with the expected stream version fences the old owner.
//
// The lease is renewed every lease_ms / 3. held() is judged by this process's clock with a
// margin of lease_ms / 4, so a node stops driving before the database lets another node in.
#pragma once

#include <boost/asio/io_context.hpp>
#include <set>
#include <string>

#include "common/async.h"
#include "common/error.h"
#include "common/pg.h"
#include "common/timer.h"
#include "sagas/lease.h"

namespace upi::sagas {

namespace asio = boost::asio;

inline constexpr int kLeaseMsMin = 300;
inline constexpr int kLeaseMsMax = 60'000;

// The lease table: migration "sagas/1" (applied by pg::migrate).
std::vector<pg::Migration> node_lease_migrations();

class NodeLease final : public Lease {
 public:
  NodeLease(asio::io_context& io, pg::Pool& pool, std::string node_id, int lease_ms);

  // Takes this node's lease, waiting (up to two lease periods) for an earlier process with the
  // same node id to lapse (the migrations must have run). Error codes: NODE_ID_IN_USE,
  // STORE_UNAVAILABLE.
  asio::awaitable<Result<void>> acquire() override;
  // Renews the lease every lease_ms / 3 until the group stops; after a lapse it takes the
  // lease again when it can.
  void start(TaskGroup& group) override;
  // True while the lease is surely valid (renewed less than lease_ms * 3/4 ago).
  bool held() const override;
  // The nodes whose leases have not lapsed, by the database's clock.
  asio::awaitable<Result<std::set<std::string>>> live_nodes() override;
  const std::string& node_id() const override { return node_id_; }
  int lease_ms() const override { return lease_ms_; }

 private:
  // Runs a statement on ($1 node id, $2 epoch, $3 lease ms) that returns a row when it took
  // or extended our lease; true then, and the lease counts from before the statement.
  asio::awaitable<Result<bool>> extend(std::string sql);
  // One INSERT ... ON CONFLICT that takes a lapsed (or our own) lease; true when taken.
  asio::awaitable<Result<bool>> try_take();
  asio::awaitable<Result<bool>> renew();
  asio::awaitable<void> renew_once();

  asio::io_context& io_;
  pg::Pool& pool_;
  std::string node_id_;
  int lease_ms_;
  std::string epoch_;  // this process's token: a renewal never extends someone else's lease
  Deadline renewed_at_{};
  Timer timer_;  // acquire()'s waits
  PeriodicTask renewals_;
};

}  // namespace upi::sagas
