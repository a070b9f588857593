// Payments: create (idempotent by key), read (optionally waiting for a terminal status), list
// from the read views, and a payment's ledger events.
#pragma once

#include "switch/handler.h"

#include "common/clock.h"
#include "common/ids.h"
#include "common/scheme.h"
#include "ledger/event_store.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"
#include "sagas/payment_saga.h"
#include "switch/idempotency.h"

namespace upi::api {

// The state of a payment or refund saga, from this node's memory or its stream, after waiting up
// to wait_seconds for a terminal status. Error codes: those of reading a stream.
asio::awaitable<Result<sagas::PaymentState>> saga_state(sagas::PaymentSagaEngine& engine,
                                                        ledger::EventStore& store,
                                                        const std::string& id,
                                                        std::optional<int> wait_seconds);
// A payment or refund as an answer: with Location, and Idempotency-Replayed and
// Preference-Applied when they apply.
Response saga_response(http::Status status, const json::object& body, const std::string& location,
                       bool replayed, std::optional<int> wait_seconds);
// A PSP sees a payment only when its payer or payee is its customer (first: the payment
// stream's first event); to anyone else who may not see it, it does not exist (404, not 403, so
// existence does not leak).
bool visible_to(const Principal& caller, const ledger::RecordedEvent& first);
// The same for a payment's or a refund's state (a refund's parties are its payment's, swapped, so
// both PSPs of a payment see its refunds).
bool visible_to(const Principal& caller, const sagas::PaymentState& state);
// The sum of the COMPLETED refunds among refunds.
Paise refunded_total(const std::vector<ledger::PaymentSummary>& refunds);

class PaymentsApi {
 public:
  PaymentsApi(sagas::PaymentSagaEngine& engine, ledger::EventStore& store, ledger::ViewStore& views,
              ledger::Projector& projector, const Scheme& scheme, std::string node_id,
              PaymentIdGenerator& ids);
  void add_routes(http::Router& router);
  // Learns a PaymentRequested's idempotency key (the projector hands over every event).
  void remember_key(const ledger::RecordedEvent& event);

 private:
  asio::awaitable<Response> create_payment(const Request& req, const Params& params,
                                           const Principal&);
  asio::awaitable<Response> get_payment(const Request& req, const Params& params, const Principal&);
  asio::awaitable<Response> list_payments(const Request& req, const Params& params,
                                          const Principal&);
  asio::awaitable<Response> payment_events(const Request& req, const Params& params,
                                           const Principal&);
  // The payment as a response, after waiting up to wait_seconds for a terminal status.
  asio::awaitable<Response> payment_response(const std::string& id, http::Status status,
                                             std::optional<int> wait_seconds, bool replayed);

  sagas::PaymentSagaEngine& engine_;
  ledger::EventStore& store_;
  ledger::ViewStore& views_;
  ledger::Projector& projector_;
  const Scheme& scheme_;
  std::string node_id_;
  PaymentIdGenerator& ids_;  // shared with the collect requests: one per node
  IdempotencyIndex idempotency_;
};

}  // namespace upi::api
