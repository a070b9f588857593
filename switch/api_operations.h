// Operations: liveness, readiness, Prometheus metrics, and who the caller is.
#pragma once

#include "switch/handler.h"

#include <functional>

#include "banks/bank_network.h"
#include "common/world.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"
#include "sagas/payment_saga.h"
#include "switch/backend.h"
#include "switch/metrics.h"

namespace upi::api {

class OperationsApi {
 public:
  OperationsApi(const bool& ready, bool authenticating, Backend& backend,
                ledger::Projector& projector, const HttpMetrics& http_metrics, const World& world,
                const sagas::PaymentSagaEngine& engine);
  void add_routes(http::Router& router);
  asio::awaitable<Response> metrics(const Request& req, const Params& params, const Principal&);

 private:
  asio::awaitable<Response> healthz(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> readyz(const Request& req, const Params& params, const Principal&);
  // The caller as the gate knows it: id, role and PSP handle (the console signs in with it).
  asio::awaitable<Response> me(const Request& req, const Params& params, const Principal& caller);

  const bool& ready_;
  bool authenticating_;
  Backend& backend_;
  ledger::Projector& projector_;
  const HttpMetrics& http_metrics_;
  const World& world_;
  const sagas::PaymentSagaEngine& engine_;
};

}  // namespace upi::api
