// The banks of a world, each with its gateway.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "banks/bank_gateway.h"
#include "banks/http_gateway.h"
#include "banks/mock_bank.h"
#include "common/pg.h"
#include "common/world.h"

namespace upi::banks {

class LegBatcher;

class BankNetwork {
 public:
  BankNetwork();
  ~BankNetwork();  // out of line: LegBatcher is only declared here
  // Builds an in-process MockBank per world bank, and an HTTP gateway for each bank with an
  // endpoint (a upi-bank process; needs io). Fault RNGs are seeded from fault_seed and the
  // bank code, so a run replays. Error codes: UNSUPPORTED_BANK (an endpoint without io),
  // INVALID_ENDPOINT.
  static Result<std::unique_ptr<BankNetwork>> create(const World& world, std::uint64_t fault_seed,
                                                     asio::io_context* io = nullptr);
  // The same, with the in-process banks' books in PostgreSQL (see postgres_bank.h; prepare
  // them first).
  static Result<std::unique_ptr<BankNetwork>> create_durable(const World& world,
                                                             std::uint64_t fault_seed,
                                                             pg::Pool& pool,
                                                             asio::io_context* io = nullptr);

  const BankSpec* spec(const std::string& code) const;
  BankGateway* gateway(const std::string& code);
  MockBank* mock(const std::string& code);           // null unless the books are in memory
  FaultPlan* faults(const std::string& code);        // null for a remote bank (it keeps its own)
  HttpBankGateway* remote(const std::string& code);  // null for an in-process bank
  // False while a remote bank's circuit is open; in-process banks are always available.
  bool available(const std::string& code) const;
  // True when some bank is a remote process.
  bool has_remote() const;
  // The key every remote bank's gateway presents (Authorization: Bearer).
  void present_key(const std::string& key);
  // True when some remote bank's endpoint is https://.
  bool has_https() const;
  // The TLS client context for the https:// banks (it holds the CA that signed them).
  void use_tls(const std::shared_ptr<boost::asio::ssl::context>& context);
  // Starts and stops the heartbeats of remote banks.
  void start();
  void stop();
  // Returns once every remote bank's heartbeats have ended (after stop()).
  asio::awaitable<void> join();
  bool durable() const { return durable_; }
  std::vector<std::string> codes() const;
  // The group commit of the in-process banks' legs (durable only; else null).
  const LegBatcher* leg_batcher() const { return leg_batcher_.get(); }

 private:
  struct Entry {
    BankSpec spec;
    std::unique_ptr<FaultPlan> faults;
    std::unique_ptr<MockBank> mock;
    std::unique_ptr<BankCore> core;
    std::unique_ptr<BankGateway> gateway;
    HttpBankGateway* remote = nullptr;  // gateway, when the bank is a upi-bank process
  };
  static Result<void> add_remote(BankNetwork& network, const BankSpec& spec, asio::io_context* io);
  std::unique_ptr<LegBatcher> leg_batcher_;  // before banks_: their cores use it
  std::map<std::string, Entry> banks_;
  bool durable_ = false;
};

}  // namespace upi::banks
