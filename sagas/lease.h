// Which payments this node may drive. Every mode has a lease: one that is always held (a single
// embedded node) or a NodeLease in PostgreSQL (node_lease.h: several nodes share the ledger).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <set>
#include <string>

#include "common/async.h"
#include "common/error.h"

namespace upi::sagas {

namespace asio = boost::asio;

class Lease {
 public:
  virtual ~Lease() = default;
  // Takes this node's lease. Error codes: NODE_ID_IN_USE, STORE_UNAVAILABLE.
  virtual asio::awaitable<Result<void>> acquire() = 0;
  // Keeps the lease (renewals) in group until the group stops.
  virtual void start(TaskGroup& group) = 0;
  // True while the lease is surely valid: sagas stop at their next step once it is not.
  virtual bool held() const = 0;
  // The nodes whose leases have not lapsed (this one included while held).
  virtual asio::awaitable<Result<std::set<std::string>>> live_nodes() = 0;
  virtual const std::string& node_id() const = 0;
  // How long a lease lasts; recovery runs every half of it.
  virtual int lease_ms() const = 0;
};

// The lease of the only node there is: always held.
class SoleNodeLease final : public Lease {
 public:
  explicit SoleNodeLease(std::string node_id) : node_id_(std::move(node_id)) {}
  asio::awaitable<Result<void>> acquire() override { co_return Result<void>{}; }
  void start(TaskGroup&) override {}
  bool held() const override { return true; }
  asio::awaitable<Result<std::set<std::string>>> live_nodes() override {
    co_return std::set<std::string>{node_id_};
  }
  const std::string& node_id() const override { return node_id_; }
  int lease_ms() const override { return 2'000; }

 private:
  std::string node_id_;
};

}  // namespace upi::sagas
