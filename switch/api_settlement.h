// Settlement: the cycles and their reports (auditors and admins), and closing the open cycle
// now (admins). PSPs see none of it: settlement is between the switch and the banks.
#pragma once

#include "switch/handler.h"

#include "banks/bank_network.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"
#include "settlement/cycle_closer.h"

namespace upi::api {

class SettlementApi {
 public:
  SettlementApi(ledger::EventStore& store, ledger::ViewStore& views, ledger::Projector& projector,
                settlement::CycleCloser& closer, banks::BankNetwork& banks);
  void add_routes(http::Router& router);

 private:
  asio::awaitable<Response> list_cycles(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> current_cycle(const Request& req, const Params& params,
                                          const Principal&);
  asio::awaitable<Response> get_cycle(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> cycle_csv(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> close_cycle(const Request& req, const Params& params,
                                        const Principal& caller);
  asio::awaitable<Response> leg_proof(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> reconciliation(const Request& req, const Params& params,
                                           const Principal&);
  // The cycle's report, refused unless the cycle is closed. Error codes: CYCLE_NOT_FOUND,
  // CYCLE_NOT_CLOSED.
  asio::awaitable<Result<ledger::CycleReport>> closed_report(const std::string& id);
  // The Merkle roots a closed cycle's SettlementCycleClosed published; none before the close.
  // Error code: STORE_UNAVAILABLE.
  asio::awaitable<Result<std::vector<ledger::events::BankLegRoot>>> leg_roots(
      const ledger::CycleSummary& cycle);
  // The cycle's report as the views hold it. Error code: CYCLE_NOT_FOUND.
  asio::awaitable<Result<ledger::CycleReport>> report(std::int64_t cycle);
  // The same for a cycle id from a path ("3"). Error code: CYCLE_NOT_FOUND.
  asio::awaitable<Result<ledger::CycleReport>> report(const std::string& id);

  ledger::EventStore& store_;
  ledger::ViewStore& views_;
  ledger::Projector& projector_;
  settlement::CycleCloser& closer_;
  banks::BankNetwork& banks_;
};

// A cycle's report as the API shows it: the summary, each bank's rails and net, the net total.
json::object cycle_report_to_json(const ledger::CycleReport& report);

}  // namespace upi::api
