// The banks of a world, each with its gateway.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "banks/bank_gateway.h"
#include "banks/mock_bank.h"
#include "common/pg.h"
#include "common/world.h"

namespace upi::banks {

class BankNetwork {
 public:
  // Builds an in-process MockBank per world bank; fault RNGs are seeded from fault_seed and
  // the bank code, so a run replays. Error code: UNSUPPORTED_BANK for remote endpoints.
  static Result<std::unique_ptr<BankNetwork>> create(const World& world, std::uint64_t fault_seed);
  // The same, with every bank's books in PostgreSQL (see postgres_bank.h; prepare them first).
  static Result<std::unique_ptr<BankNetwork>> create_durable(const World& world,
                                                             std::uint64_t fault_seed,
                                                             pg::Pool& pool);

  const BankSpec* spec(const std::string& code) const;
  BankGateway* gateway(const std::string& code);
  MockBank* mock(const std::string& code);  // null unless the books are in memory
  FaultPlan* faults(const std::string& code);
  bool durable() const { return durable_; }
  std::vector<std::string> codes() const;

 private:
  struct Entry {
    BankSpec spec;
    std::unique_ptr<FaultPlan> faults;
    std::unique_ptr<MockBank> mock;
    std::unique_ptr<BankCore> core;
    std::unique_ptr<BankGateway> gateway;
  };
  std::map<std::string, Entry> banks_;
  bool durable_ = false;
};

}  // namespace upi::banks
