// The directory: VPAs (resolution, balance), banks and their positions, and bank fault rules.
#pragma once

#include "switch/handler.h"

#include "banks/bank_network.h"
#include "common/world.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"
#include "psp/registry.h"

namespace upi::api {

class DirectoryApi {
 public:
  DirectoryApi(const World& world, const psp::Registry& registry, banks::BankNetwork& banks,
               ledger::ViewStore& views, ledger::Projector& projector);
  void add_routes(http::Router& router);

 private:
  asio::awaitable<Response> resolve_vpa(const Request& req, const Params& params);
  asio::awaitable<Response> vpa_balance(const Request& req, const Params& params);
  asio::awaitable<Response> list_banks(const Request& req, const Params& params);
  asio::awaitable<Response> bank_positions(const Request& req, const Params& params);
  asio::awaitable<Response> get_faults(const Request& req, const Params& params);
  asio::awaitable<Response> put_faults(const Request& req, const Params& params);
  asio::awaitable<Response> delete_faults(const Request& req, const Params& params);
  // A remote bank keeps its own fault rules: the switch passes the call on.
  asio::awaitable<Response> forward_faults(const Request& req, const std::string& code);

  const World& world_;
  const psp::Registry& registry_;
  banks::BankNetwork& banks_;
  ledger::ViewStore& views_;
  ledger::Projector& projector_;
};

}  // namespace upi::api
