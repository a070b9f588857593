// Collect requests: the payee's PSP asks a payer for money; the payer's PSP lists what is
// pending for its VPAs and approves (which makes the payment, exactly once) or declines; what is
// not answered in time expires. Both PSPs read a request; to anyone else it does not exist.
#pragma once

#include "switch/handler.h"

#include "common/scheme.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"
#include "psp/registry.h"
#include "sagas/collect_request.h"

namespace upi::api {

class CollectsApi {
 public:
  CollectsApi(sagas::CollectService& collects, sagas::PaymentSagaEngine& engine,
              ledger::EventStore& store, ledger::ViewStore& views, ledger::Projector& projector,
              const psp::Registry& registry, const Scheme& scheme, const Clock& clock);
  void add_routes(http::Router& router);

 private:
  asio::awaitable<Response> create(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> list(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> get(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> approve(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> decline(const Request& req, const Params& params, const Principal&);
  // The request, if the caller may see it (else COLLECT_NOT_FOUND).
  asio::awaitable<Result<sagas::CollectRequest>> visible(const std::string& id,
                                                         const Principal& caller);
  // The request, if the caller may answer it: an Idempotency-Key, and the payer's PSP.
  asio::awaitable<Result<sagas::CollectRequest>> answerable(const Request& req,
                                                            const std::string& id,
                                                            const Principal& caller);
  // The request with, once approved, its payment (after waiting up to wait_seconds for it).
  asio::awaitable<Response> respond(const sagas::CollectRequest& request, http::Status status,
                                    std::optional<int> wait_seconds, bool replayed);

  sagas::CollectService& collects_;
  sagas::PaymentSagaEngine& engine_;
  ledger::EventStore& store_;
  ledger::ViewStore& views_;
  ledger::Projector& projector_;
  const psp::Registry& registry_;
  const Scheme& scheme_;
  const Clock& clock_;
};

}  // namespace upi::api
