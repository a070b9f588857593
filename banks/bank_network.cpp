#include "banks/bank_network.h"

#include "banks/postgres_bank.h"

#include <functional>

namespace upi::banks {

namespace {

// Each bank's fault RNG is seeded from the run's seed and its code, so a run replays.
std::uint64_t bank_seed(std::uint64_t fault_seed, const std::string& code) {
  return fault_seed ^ std::hash<std::string>{}(code);
}

}  // namespace

Result<void> BankNetwork::add_remote(BankNetwork& network, const BankSpec& spec,
                                     asio::io_context* io) {
  if (io == nullptr) {
    return fail(ErrorKind::kInvalid, "UNSUPPORTED_BANK",
                "bank " + spec.code +
                    " has an endpoint; this program "
                    "only drives in-process banks");
  }
  auto host_port = parse_endpoint(spec.endpoint);
  if (!host_port) return std::unexpected(host_port.error());
  Entry entry{spec, nullptr, nullptr, nullptr, nullptr};
  auto gateway =
      std::make_unique<HttpBankGateway>(*io, spec.code, host_port->first, host_port->second);
  entry.remote = gateway.get();
  entry.gateway = std::move(gateway);
  network.banks_.emplace(spec.code, std::move(entry));
  return {};
}

Result<std::unique_ptr<BankNetwork>> BankNetwork::create(const World& world,
                                                         std::uint64_t fault_seed,
                                                         asio::io_context* io) {
  auto network = std::make_unique<BankNetwork>();
  for (const auto& spec : world.banks) {
    if (!spec.endpoint.empty()) {
      if (auto ok = add_remote(*network, spec, io); !ok) return std::unexpected(ok.error());
      continue;
    }
    Entry entry{spec, nullptr, nullptr, nullptr, nullptr};
    entry.mock = std::make_unique<MockBank>(spec, world.accounts, bank_seed(fault_seed, spec.code));
    entry.core = std::make_unique<MemoryBankCore>(*entry.mock);
    entry.gateway = std::make_unique<SimulatedGateway>(*entry.core, entry.mock->faults());
    network->banks_.emplace(spec.code, std::move(entry));
  }
  return network;
}

BankNetwork::BankNetwork() = default;
BankNetwork::~BankNetwork() = default;

Result<std::unique_ptr<BankNetwork>> BankNetwork::create_durable(const World& world,
                                                                 std::uint64_t fault_seed,
                                                                 pg::Pool& pool,
                                                                 asio::io_context* io) {
  auto network = std::make_unique<BankNetwork>();
  network->durable_ = true;
  network->leg_batcher_ = std::make_unique<LegBatcher>(pool);
  for (const auto& spec : world.banks) {
    if (!spec.endpoint.empty()) {
      if (auto ok = add_remote(*network, spec, io); !ok) return std::unexpected(ok.error());
      continue;
    }
    Entry entry{spec, nullptr, nullptr, nullptr, nullptr};
    entry.faults = std::make_unique<FaultPlan>(bank_seed(fault_seed, spec.code));
    entry.core = std::make_unique<PostgresBankCore>(spec, pool, network->leg_batcher_.get());
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
  if (it == banks_.end() || it->second.remote != nullptr) return nullptr;
  return it->second.faults ? it->second.faults.get() : &it->second.mock->faults();
}

bool BankNetwork::has_remote() const {
  for (const auto& [code, entry] : banks_)
    if (entry.remote != nullptr) return true;
  return false;
}

void BankNetwork::present_key(const std::string& key) {
  for (auto& [code, entry] : banks_)
    if (entry.remote != nullptr) entry.remote->present_key(key);
}

bool BankNetwork::has_https() const {
  for (const auto& [code, entry] : banks_)
    if (entry.remote != nullptr && entry.spec.endpoint.starts_with("https://")) return true;
  return false;
}

void BankNetwork::use_tls(const std::shared_ptr<boost::asio::ssl::context>& context) {
  for (auto& [code, entry] : banks_)
    if (entry.remote != nullptr && entry.spec.endpoint.starts_with("https://"))
      entry.remote->use_tls(context);
}

HttpBankGateway* BankNetwork::remote(const std::string& code) {
  auto it = banks_.find(code);
  return it == banks_.end() ? nullptr : it->second.remote;
}

bool BankNetwork::available(const std::string& code) const {
  auto it = banks_.find(code);
  if (it == banks_.end()) return false;
  return it->second.remote == nullptr || it->second.remote->health().available();
}

void BankNetwork::start() {
  for (auto& [code, entry] : banks_) {
    if (entry.remote != nullptr) entry.remote->start();
  }
}

void BankNetwork::stop() {
  for (auto& [code, entry] : banks_) {
    if (entry.remote != nullptr) entry.remote->stop();
  }
}

asio::awaitable<void> BankNetwork::join() {
  for (auto& [code, entry] : banks_) {
    if (entry.remote != nullptr) co_await entry.remote->join();
  }
}

std::vector<std::string> BankNetwork::codes() const {
  std::vector<std::string> out;
  for (const auto& [code, entry] : banks_) out.push_back(code);
  return out;
}

}  // namespace upi::banks
