// Refunds: a payee's PSP gives back part or all of a COMPLETED payment (idempotent by key, any
// node); both PSPs of the payment read its refunds. A refund is a saga of its own
// (sagas/payment_state.h); the ledger's counters keep the refunds that have not failed within
// the payment's amount, however many nodes take them at once.
#pragma once

#include "switch/handler.h"

#include "common/scheme.h"
#include "ledger/event_store.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"
#include "sagas/payment_saga.h"

namespace upi::api {

class RefundsApi {
 public:
  RefundsApi(sagas::PaymentSagaEngine& engine, ledger::EventStore& store, ledger::ViewStore& views,
             ledger::Projector& projector, const Scheme& scheme);
  void add_routes(http::Router& router);

 private:
  asio::awaitable<Response> create_refund(const Request& req, const Params& params,
                                          const Principal& caller);
  asio::awaitable<Response> list_refunds(const Request& req, const Params& params,
                                         const Principal& caller);
  asio::awaitable<Response> get_refund(const Request& req, const Params& params,
                                       const Principal& caller);
  asio::awaitable<Response> refund_events(const Request& req, const Params& params,
                                          const Principal& caller);
  // The answer to a create whose refund is already in the ledger: a replay of the same request,
  // or IDEMPOTENCY_KEY_REUSED.
  asio::awaitable<Response> replay(const std::string& refund_id, const std::string& request_hash,
                                   std::optional<int> wait_seconds);
  // The payment that a caller may refund, or why not (404, 403, 409).
  asio::awaitable<Result<sagas::PaymentState>> refundable_payment(const std::string& payment_id,
                                                                  const Principal& caller);
  asio::awaitable<Response> refund_response(const std::string& refund_id, http::Status status,
                                            std::optional<int> wait_seconds, bool replayed);

  sagas::PaymentSagaEngine& engine_;
  ledger::EventStore& store_;
  ledger::ViewStore& views_;
  ledger::Projector& projector_;
  const Scheme& scheme_;
};

}  // namespace upi::api
