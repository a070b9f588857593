#include "banks/bank_network.h"

#include "banks/postgres_bank.h"

#include <functional>

namespace upi::banks {

namespace {

Result<void> check_in_process(const World& world) {
  for (const auto& spec : world.banks) {
    if (!spec.endpoint.empty()) {
      return fail("UNSUPPORTED_BANK",
                  "bank " + spec.code + " has an endpoint; remote banks are not supported yet");
    }
  }
  return {};
}

// Each bank's fault RNG is seeded from the run's seed and its code, so a run replays.
std::uint64_t bank_seed(std::uint64_t fault_seed, const std::string& code) {
  return fault_seed ^ std::hash<std::string>{}(code);
}

}  // namespace

Result<std::unique_ptr<BankNetwork>> BankNetwork::create(const World& world,
                                                         std::uint64_t fault_seed) {
  if (auto ok = check_in_process(world); !ok) return std::unexpected(ok.error());
  auto network = std::make_unique<BankNetwork>();
  for (const auto& spec : world.banks) {
    Entry entry{spec, nullptr, nullptr, nullptr, nullptr};
    entry.mock = std::make_unique<MockBank>(spec, world.accounts, bank_seed(fault_seed, spec.code));
    entry.core = std::make_unique<MemoryBankCore>(*entry.mock);
    entry.gateway = std::make_unique<SimulatedGateway>(*entry.core, entry.mock->faults());
    network->banks_.emplace(spec.code, std::move(entry));
  }
  return network;
}

Result<std::unique_ptr<BankNetwork>> BankNetwork::create_durable(const World& world,
                                                                 std::uint64_t fault_seed,
                                                                 pg::Pool& pool) {
  if (auto ok = check_in_process(world); !ok) return std::unexpected(ok.error());
  auto network = std::make_unique<BankNetwork>();
  network->durable_ = true;
  for (const auto& spec : world.banks) {
    Entry entry{spec, nullptr, nullptr, nullptr, nullptr};
    entry.faults = std::make_unique<FaultPlan>(bank_seed(fault_seed, spec.code));
    entry.core = std::make_unique<PostgresBankCore>(spec, pool);
    entry.gateway = std::make_unique<SimulatedGateway>(*entry.core, *entry.faults);
    network->banks_.emplace(spec.code, std::move(entry));
  }
  return network;
}

const BankSpec* BankNetwork::spec(const std::string& code) const {
  auto it = banks_.find(code);
  return it == banks_.end() ? nullptr : &it->second.spec;
}

BankGateway* BankNetwork::gateway(const std::string& code) {
  auto it = banks_.find(code);
  return it == banks_.end() ? nullptr : it->second.gateway.get();
}

MockBank* BankNetwork::mock(const std::string& code) {
  auto it = banks_.find(code);
  return it == banks_.end() ? nullptr : it->second.mock.get();
}

FaultPlan* BankNetwork::faults(const std::string& code) {
  auto it = banks_.find(code);
  if (it == banks_.end()) return nullptr;
  return it->second.faults ? it->second.faults.get() : &it->second.mock->faults();
}

std::vector<std::string> BankNetwork::codes() const {
  std::vector<std::string> out;
  for (const auto& [code, entry] : banks_) out.push_back(code);
  return out;
}

}  // namespace upi::banks
