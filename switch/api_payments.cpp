// Payments endpoints.
#include <boost/asio/steady_timer.hpp>
#include <cassert>
#include <charconv>

#include "common/timer.h"
#include "ledger/payment_events.h"
#include "switch/api_payments.h"
#include "switch/payment_request.h"
#include "switch/query.h"

namespace upi::api {
namespace ev = ledger::events;
using http::Status;

namespace {

// A wait for a terminal status re-reads at least this often, so a missed wake-up costs little.
constexpr auto kWaitSlice = std::chrono::milliseconds(250);

Result<ledger::ListQuery> list_query(const std::map<std::string, std::string>& q) {
  if (auto ok = only_known(q, {"vpa", "status", "rail", "limit", "cursor", "min_position"}); !ok) {
    return std::unexpected(ok.error());
  }
  ledger::ListQuery query;
  if (auto it = q.find("vpa"); it != q.end()) {
    auto vpa = parse_vpa(it->second);
    if (!vpa) return fail(ErrorKind::kInvalid, "INVALID_QUERY", "vpa: " + vpa.error().message);
    query.vpa = vpa->str();
  }
  if (auto it = q.find("status"); it != q.end()) {
    const auto& s = it->second;
    if (s != "PENDING" && s != "COMPLETED" && s != "FAILED" && s != "REVERSED") {
      return fail(ErrorKind::kInvalid, "INVALID_QUERY",
                  "status must be PENDING, COMPLETED, FAILED or REVERSED");
    }
    query.status = s;
  }
  if (auto it = q.find("rail"); it != q.end()) {
    if (!parse_rail(it->second))
      return fail(ErrorKind::kInvalid, "INVALID_QUERY", "rail must be IMPS, NEFT or RTGS");
    query.rail = it->second;
  }
  auto limit = query_int(q, "limit", 20, 1, ledger::kListLimitMax);
  if (!limit) return std::unexpected(limit.error());
  query.limit = static_cast<std::size_t>(*limit);
  if (auto it = q.find("cursor"); it != q.end()) {
    if (!is_payment_id(it->second))
      return fail(ErrorKind::kInvalid, "INVALID_QUERY", "cursor must be a payment id");
    query.cursor = it->second;
  }
  return query;
}

// Idempotency keys are per principal.
std::string scoped_key(const std::string& principal_id, const std::string& key) {
  return principal_id + '\n' + key;
}

}  // namespace

bool visible_to(const Principal& caller, const sagas::PaymentState& state) {
  return caller.sees_all() || caller.owns_vpa(state.payer_vpa) || caller.owns_vpa(state.payee_vpa);
}

bool visible_to(const Principal& caller, const ledger::RecordedEvent& first) {
  if (caller.sees_all()) return true;
  auto decoded = ev::decode(first);
  assert(decoded && "a payment stream begins with a PaymentRequested");
  const auto* requested = decoded ? std::get_if<ev::PaymentRequested>(&*decoded) : nullptr;
  return requested != nullptr &&
         (caller.owns_vpa(requested->payer_vpa) || caller.owns_vpa(requested->payee_vpa));
}

Response saga_response(Status status, const json::object& body, const std::string& location,
                       bool replayed, std::optional<int> wait_seconds) {
  Response res = http::json_response(status, body);
  res.set(http::beast_http::field::location, location);
  if (replayed) res.set("Idempotency-Replayed", "true");
  if (wait_seconds) res.set("Preference-Applied", "wait=" + std::to_string(*wait_seconds));
  return res;
}

Paise refunded_total(const std::vector<ledger::PaymentSummary>& refunds) {
  Paise total = 0;
  for (const auto& r : refunds) total += r.status == "COMPLETED" ? r.amount : 0;
  return total;
}

PaymentsApi::PaymentsApi(sagas::PaymentSagaEngine& engine, ledger::EventStore& store,
                         ledger::ViewStore& views, ledger::Projector& projector,
                         const Scheme& scheme, std::string node_id, PaymentIdGenerator& ids)
    : engine_(engine),
      store_(store),
      views_(views),
      projector_(projector),
      scheme_(scheme),
      node_id_(std::move(node_id)),
      ids_(ids) {}

void PaymentsApi::add_routes(http::Router& router) {
  auto on = member_routes(router, this);
  on("POST", "/v1/payments", kPayers, &PaymentsApi::create_payment);
  on("GET", "/v1/payments", kEveryRole, &PaymentsApi::list_payments);
  on("GET", "/v1/payments/{id}", kEveryRole, &PaymentsApi::get_payment);
  on("GET", "/v1/payments/{id}/events", kEveryRole, &PaymentsApi::payment_events);
}

void PaymentsApi::remember_key(const ledger::RecordedEvent& e) {
  if (e.type != ledger::events::kPaymentRequested || e.metadata.idempotency_key.empty()) return;
  auto decoded = ledger::events::decode(e);
  assert(decoded.has_value() && "the switch reads every event it writes");
  if (!decoded) return;
  const auto& requested = std::get<ledger::events::PaymentRequested>(*decoded);
  idempotency_.remember(scoped_key(requested.requested_by, e.metadata.idempotency_key),
                        requested.request_hash, requested.payment_id);
}

asio::awaitable<Response> PaymentsApi::create_payment(const Request& req, const Params&,
                                                      const Principal& caller) {
  const auto key_header = req.find("Idempotency-Key");
  auto checked_key = check_idempotency_key(key_header == req.end() ? "" : key_header->value(),
                                           key_header != req.end());
  if (!checked_key) co_return http::problem(checked_key.error());
  auto request = parse_payment_request(req.body(), scheme_);
  if (!request) co_return http::problem(request.error());
  if (caller.role == Role::kPsp && !caller.owns_vpa(request->payer_vpa)) {
    co_return http::problem(Error{ErrorKind::kForbidden, "PAYER_NOT_OWNED",
                                  "payer_vpa " + request->payer_vpa + " is not under handle @" +
                                      caller.psp + ": a PSP debits only its own customers"});
  }
  request->idempotency_key = *checked_key;
  request->requested_by = caller.id;
  // Keys are the caller's own: two PSPs using one key make two payments.
  const std::string key = scoped_key(caller.id, *checked_key);
  const auto wait = prefer_wait_seconds(req[http::beast_http::field::prefer]);
  std::string existing;
  switch (idempotency_.check(key, sagas::request_hash(*request), &existing)) {
    case KeyCheck::kBodyMismatch:
      co_return http::problem(Error{ErrorKind::kInvalid, "IDEMPOTENCY_KEY_REUSED",
                                    "this Idempotency-Key was used with a different request body"});
    case KeyCheck::kInProgress:
      co_return http::problem(
          Error{ErrorKind::kConflict, "REQUEST_IN_PROGRESS",
                "the first request with this Idempotency-Key is still being accepted"});
    case KeyCheck::kFull:
      co_return http::problem(
          Error{ErrorKind::kBusy, "SWITCH_BUSY", "no room for new idempotency keys"});
    case KeyCheck::kReplay:
      co_return co_await payment_response(existing, Status::ok, wait, true);
    case KeyCheck::kNew:
      break;
  }
  if (!engine_.has_capacity()) {
    idempotency_.release(key);
    Response busy = http::problem(
        Error{ErrorKind::kBusy, "SWITCH_BUSY", "too many payments in flight; retry shortly"});
    busy.set(http::beast_http::field::retry_after, "1");
    co_return busy;
  }
  const std::string id = ids_.next();
  auto requested = sagas::payment_requested_event(id, *request, node_id_);
  auto begun = co_await engine_.begin(id, std::move(requested));
  if (!begun) {
    idempotency_.release(key);
    co_return http::problem(begun.error());
  }
  idempotency_.accept(key, id);
  co_return co_await payment_response(id, Status::created, wait, false);
}

asio::awaitable<Result<sagas::PaymentState>> saga_state(sagas::PaymentSagaEngine& engine,
                                                        ledger::EventStore& store,
                                                        const std::string& id,
                                                        std::optional<int> wait_seconds) {
  const auto deadline = MonotonicClock::now() + std::chrono::seconds(wait_seconds.value_or(0));
  // A saga this node drives and that has not ended tells its waiters when it ends: a request
  // that waits need not read the stream before then.
  if (wait_seconds.value_or(0) > 0 && engine.knows(id) && engine.ended_state(id) == nullptr) {
    co_await engine.wait_terminal(id, std::min(deadline, MonotonicClock::now() + kWaitSlice));
  }
  for (;;) {
    if (const sagas::PaymentState* ended = engine.ended_state(id)) co_return *ended;
    auto stream = co_await ledger::read_whole_stream(store, ev::saga_stream(id));
    if (!stream) co_return std::unexpected(stream.error());
    sagas::PaymentState state = sagas::fold(*stream);
    if (state.terminal() || MonotonicClock::now() >= deadline || engine.stopped()) co_return state;
    co_await engine.wait_terminal(id, std::min(deadline, MonotonicClock::now() + kWaitSlice));
  }
}

asio::awaitable<Response> PaymentsApi::payment_response(const std::string& id, Status status,
                                                        std::optional<int> wait_seconds,
                                                        bool replayed) {
  auto state = co_await saga_state(engine_, store_, id, wait_seconds);
  if (!state) co_return http::problem(state.error());
  json::object body = sagas::payment_to_json(*state);
  // A payment just created has no refunds; any other that completed reads them from the views.
  Paise refunded = 0;
  if (state->status == "COMPLETED" && status != Status::created) {
    auto refunds = co_await views_.refunds(id);
    if (!refunds) co_return http::problem(refunds.error());
    refunded = refunded_total(*refunds);
  }
  body["refunded_amount"] = format_money(refunded);
  co_return saga_response(status, body, "/v1/payments/" + id, replayed, wait_seconds);
}

asio::awaitable<Response> PaymentsApi::get_payment(const Request&, const Params& params,
                                                   const Principal& caller) {
  const std::string& id = params.at("id");
  if (!is_payment_id(id)) {
    co_return http::problem(payment_not_found(id));
  }
  auto stream = co_await store_.read_stream(ev::payment_stream(id), 1, 1);
  if (stream && (stream->empty() || !visible_to(caller, stream->front()))) {
    co_return http::problem(payment_not_found(id));
  }
  co_return co_await payment_response(id, Status::ok, std::nullopt, false);
}

asio::awaitable<Response> PaymentsApi::list_payments(const Request& req, const Params&,
                                                     const Principal& caller) {
  co_return co_await list_response(
      req, caller, projector_, list_query,
      [this](ledger::ListQuery query) { return views_.list_payments(std::move(query)); },
      ledger::summary_to_json);
}

asio::awaitable<Response> PaymentsApi::payment_events(const Request&, const Params& params,
                                                      const Principal& caller) {
  const std::string& id = params.at("id");
  auto stream = co_await ledger::read_whole_stream(store_, ev::payment_stream(id));
  if (!stream) co_return http::problem(stream.error());
  if (stream->empty() || !visible_to(caller, stream->front()))
    co_return http::problem(payment_not_found(id));
  json::array events;
  for (const auto& e : *stream) events.push_back(ledger::event_to_json(e));
  co_return http::json_response(Status::ok,
                                json::object{{"payment_id", id}, {"events", std::move(events)}});
}

}  // namespace upi::api
