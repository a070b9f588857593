#include "banks/bank_network.h"

#include <functional>

namespace upi::banks {

Result<std::unique_ptr<BankNetwork>> BankNetwork::create(const World& world,
                                                         std::uint64_t fault_seed) {
  auto network = std::make_unique<BankNetwork>();
  for (const auto& spec : world.banks) {
    if (!spec.endpoint.empty()) {
      return fail("UNSUPPORTED_BANK",
                  "bank " + spec.code + " has an endpoint; remote banks are not supported yet");
    }
    const std::uint64_t seed = fault_seed ^ std::hash<std::string>{}(spec.code);
    auto mock = std::make_unique<MockBank>(spec, world.accounts, seed);
    auto core = std::make_unique<MemoryBankCore>(*mock);
    auto gateway = std::make_unique<SimulatedGateway>(*core, mock->faults());
    network->banks_.emplace(spec.code, Entry{std::move(mock), std::move(core), std::move(gateway)});
  }
  return network;
}

const BankSpec* BankNetwork::spec(const std::string& code) const {
  auto it = banks_.find(code);
  return it == banks_.end() ? nullptr : &it->second.mock->spec();
}

BankGateway* BankNetwork::gateway(const std::string& code) {
  auto it = banks_.find(code);
  return it == banks_.end() ? nullptr : it->second.gateway.get();
}

MockBank* BankNetwork::mock(const std::string& code) {
  auto it = banks_.find(code);
  return it == banks_.end() ? nullptr : it->second.mock.get();
}

std::vector<std::string> BankNetwork::codes() const {
  std::vector<std::string> out;
  for (const auto& [code, entry] : banks_) out.push_back(code);
  return out;
}

}  // namespace upi::banks
