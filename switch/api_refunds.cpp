#include "switch/api_refunds.h"

#include "common/ids.h"
#include "ledger/payment_events.h"
#include "switch/api_payments.h"
#include "switch/payment_request.h"
#include "switch/query.h"

namespace upi::api {
namespace ev = ledger::events;
using http::Status;

namespace {

Error refund_not_found(const std::string& id) {
  return Error{ErrorKind::kNotFound, "REFUND_NOT_FOUND", "no refund " + id};
}

// A PSP sees a payment or refund only when its payer or payee is its customer.
Error refund_exceeds(const sagas::PaymentState& payment) {
  return Error{ErrorKind::kConflict, "REFUND_EXCEEDS_PAYMENT",
               "refunds of " + payment.id + " that have not failed would total more than its " +
                   format_money(payment.amount) + "; nothing was refunded"};
}

// What the ledger's refusal of a refund's counters means to the caller.
Error refund_refused(const Error& error, const sagas::PaymentState& payment) {
  if (error.code != "LIMIT_EXCEEDED") return error;
  if (error.message.find(ev::refund_count_counter(payment.id)) != std::string::npos) {
    return Error{ErrorKind::kConflict, "TOO_MANY_REFUNDS",
                 "payment " + payment.id + " has had " + std::to_string(ev::kRefundsPerPaymentMax) +
                     " refunds requested, the most it may have"};
  }
  return refund_exceeds(payment);
}

}  // namespace

RefundsApi::RefundsApi(sagas::PaymentSagaEngine& engine, ledger::EventStore& store,
                       ledger::ViewStore& views, ledger::Projector& projector, const Scheme& scheme)
    : engine_(engine), store_(store), views_(views), projector_(projector), scheme_(scheme) {}

void RefundsApi::add_routes(http::Router& router) {
  auto on = member_routes(router, this);
  on("POST", "/v1/payments/{id}/refunds", kPsps, &RefundsApi::create_refund);
  on("GET", "/v1/payments/{id}/refunds", kEveryRole, &RefundsApi::list_refunds);
  on("GET", "/v1/refunds/{id}", kEveryRole, &RefundsApi::get_refund);
  on("GET", "/v1/refunds/{id}/events", kEveryRole, &RefundsApi::refund_events);
}

asio::awaitable<Result<sagas::PaymentState>> RefundsApi::refundable_payment(
    const std::string& payment_id, const Principal& caller) {
  if (!is_payment_id(payment_id)) co_return std::unexpected(payment_not_found(payment_id));
  auto payment = co_await saga_state(engine_, store_, payment_id, std::nullopt);
  if (!payment) co_return std::unexpected(payment.error());
  if (payment->version == 0) co_return std::unexpected(payment_not_found(payment_id));
  if (!caller.owns_vpa(payment->payee_vpa)) {
    co_return fail(ErrorKind::kForbidden, "REFUND_NOT_ALLOWED",
                   "only the payee's PSP may refund a payment, and " + payment->payee_vpa +
                       " is not under handle @" + caller.psp);
  }
  if (payment->status != "COMPLETED") {
    co_return fail(ErrorKind::kConflict, "PAYMENT_NOT_REFUNDABLE",
                   "payment " + payment_id + " is " + payment->status +
                       "; only a COMPLETED payment can be refunded");
  }
  co_return std::move(*payment);
}

asio::awaitable<Response> RefundsApi::create_refund(const Request& req, const Params& params,
                                                    const Principal& caller) {
  const auto key_header = req.find("Idempotency-Key");
  auto key = check_idempotency_key(key_header == req.end() ? "" : key_header->value(),
                                   key_header != req.end());
  if (!key) co_return http::problem(key.error());
  auto body = parse_refund_body(req.body(), scheme_);
  if (!body) co_return http::problem(body.error());
  const std::string& payment_id = params.at("id");
  const auto wait = prefer_wait_seconds(req[http::beast_http::field::prefer]);
  const std::string refund_id = derived_id(kRefundIdPrefix, caller.id, *key);
  const std::string hash = sagas::refund_request_hash(payment_id, body->amount, body->note);
  auto existing = co_await store_.read_stream(ev::saga_stream(refund_id), 1, 1);
  if (!existing) co_return http::problem(existing.error());
  if (!existing->empty()) co_return co_await replay(refund_id, hash, wait);
  auto payment = co_await refundable_payment(payment_id, caller);
  if (!payment) co_return http::problem(payment.error());
  if (body->amount > payment->amount) {
    co_return http::problem(
        refund_refused(Error{ErrorKind::kConflict, "LIMIT_EXCEEDED", ""}, *payment));
  }
  if (!engine_.has_capacity()) {
    Response busy = http::problem(
        Error{ErrorKind::kBusy, "SWITCH_BUSY", "too many payments in flight; retry shortly"});
    busy.set(http::beast_http::field::retry_after, "1");
    co_return busy;
  }
  auto events =
      sagas::refund_requested_events(*payment, refund_id, body->amount, body->note, caller.id);
  auto begun = co_await engine_.begin_refund(refund_id, std::move(events));
  // Another request with this key got there first (here or on another node): answer as it did.
  if (!begun && begun.error().code == "VERSION_CONFLICT")
    co_return co_await replay(refund_id, hash, wait);
  if (!begun) co_return http::problem(refund_refused(begun.error(), *payment));
  co_return co_await refund_response(refund_id, Status::created, wait, false);
}

asio::awaitable<Response> RefundsApi::replay(const std::string& refund_id,
                                             const std::string& request_hash,
                                             std::optional<int> wait_seconds) {
  auto state = co_await saga_state(engine_, store_, refund_id, std::nullopt);
  if (!state) co_return http::problem(state.error());
  if (state->request_hash != request_hash) {
    co_return http::problem(Error{ErrorKind::kInvalid, "IDEMPOTENCY_KEY_REUSED",
                                  "this Idempotency-Key was used with a different refund"});
  }
  co_return co_await refund_response(refund_id, Status::ok, wait_seconds, true);
}

asio::awaitable<Response> RefundsApi::refund_response(const std::string& refund_id, Status status,
                                                      std::optional<int> wait_seconds,
                                                      bool replayed) {
  auto state = co_await saga_state(engine_, store_, refund_id, wait_seconds);
  if (!state) co_return http::problem(state.error());
  co_return saga_response(status, sagas::refund_to_json(*state), "/v1/refunds/" + refund_id,
                          replayed, wait_seconds);
}

asio::awaitable<Response> RefundsApi::get_refund(const Request&, const Params& params,
                                                 const Principal& caller) {
  const std::string& id = params.at("id");
  if (!is_refund_id(id)) co_return http::problem(refund_not_found(id));
  auto state = co_await saga_state(engine_, store_, id, std::nullopt);
  if (!state) co_return http::problem(state.error());
  if (state->version == 0 || !visible_to(caller, *state))
    co_return http::problem(refund_not_found(id));
  co_return saga_response(Status::ok, sagas::refund_to_json(*state), "/v1/refunds/" + id, false,
                          std::nullopt);
}

asio::awaitable<Response> RefundsApi::refund_events(const Request&, const Params& params,
                                                    const Principal& caller) {
  const std::string& id = params.at("id");
  if (!is_refund_id(id)) co_return http::problem(refund_not_found(id));
  auto stream = co_await ledger::read_whole_stream(store_, ev::saga_stream(id));
  if (!stream) co_return http::problem(stream.error());
  if (stream->empty() || !visible_to(caller, sagas::fold(*stream)))
    co_return http::problem(refund_not_found(id));
  json::array events;
  for (const auto& e : *stream) events.push_back(ledger::event_to_json(e));
  co_return http::json_response(Status::ok,
                                json::object{{"refund_id", id}, {"events", std::move(events)}});
}

asio::awaitable<Response> RefundsApi::list_refunds(const Request& req, const Params& params,
                                                   const Principal& caller) {
  const std::string& id = params.at("id");
  auto target = parse_target(req.target());
  if (!target) co_return http::problem(target.error());
  if (auto ok = only_known(target->query, {"min_position"}); !ok)
    co_return http::problem(ok.error());
  if (!is_payment_id(id)) co_return http::problem(payment_not_found(id));
  auto payment = co_await saga_state(engine_, store_, id, std::nullopt);
  if (!payment) co_return http::problem(payment.error());
  if (payment->version == 0 || !visible_to(caller, *payment))
    co_return http::problem(payment_not_found(id));
  auto fresh = co_await views_at_least(projector_, target->query);
  if (!fresh) co_return http::problem(fresh.error());
  const std::int64_t view_position = projector_.checkpoint();
  auto refunds = co_await views_.refunds(id);
  if (!refunds) co_return http::problem(refunds.error());
  json::array items;
  for (const auto& r : *refunds) items.push_back(ledger::refund_summary_to_json(r));
  co_return http::json_response(
      Status::ok, json::object{{"payment_id", id},
                               {"amount", format_money(payment->amount)},
                               {"refunded_amount", format_money(refunded_total(*refunds))},
                               {"items", std::move(items)},
                               {"view_position", view_position}});
}

}  // namespace upi::api
