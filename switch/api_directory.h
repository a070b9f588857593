// The directory: VPAs (resolution, balance), banks and their positions, and bank fault rules.
#pragma once

#include "switch/handler.h"

#include "banks/bank_network.h"
#include "common/world.h"
#include "ledger/event_store.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"
#include "psp/registry.h"

namespace upi::api {

class DirectoryApi {
 public:
  DirectoryApi(const World& world, const psp::Registry& registry, banks::BankNetwork& banks,
               ledger::EventStore& store, ledger::ViewStore& views, ledger::Projector& projector,
               std::string node_id);
  void add_routes(http::Router& router);

 private:
  asio::awaitable<Response> resolve_vpa(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> vpa_balance(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> list_banks(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> bank_positions(const Request& req, const Params& params,
                                           const Principal&);
  asio::awaitable<Response> get_faults(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> put_faults(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> delete_faults(const Request& req, const Params& params,
                                          const Principal&);
  // A remote bank keeps its own fault rules: the switch passes the call on.
  asio::awaitable<Response> forward_faults(const Request& req, const std::string& code);
  // Sets (or with no rules, clears) a bank's fault rules after the ledger has recorded who
  // asked: nothing changes that the ledger does not show.
  asio::awaitable<Response> change_faults(const Request& req, const std::string& code,
                                          std::vector<banks::FaultRule> rules,
                                          const Principal& caller);

  const World& world_;
  const psp::Registry& registry_;
  banks::BankNetwork& banks_;
  ledger::EventStore& store_;
  ledger::ViewStore& views_;
  ledger::Projector& projector_;
  std::string node_id_;
};

}  // namespace upi::api
