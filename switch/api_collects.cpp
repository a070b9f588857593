#include "switch/api_collects.h"

#include "common/ids.h"
#include "common/vpa.h"
#include "switch/api_payments.h"
#include "switch/payment_request.h"
#include "switch/query.h"

namespace upi::api {
namespace ev = ledger::events;
using http::Status;

namespace {

Error collect_not_found(const std::string& id) {
  return Error{ErrorKind::kNotFound, "COLLECT_NOT_FOUND", "no collect request " + id};
}

Result<ledger::CollectQuery> collect_query(const std::map<std::string, std::string>& q) {
  if (auto ok = only_known(q, {"vpa", "status", "limit", "cursor", "min_position"}); !ok)
    return std::unexpected(ok.error());
  ledger::CollectQuery query;
  if (auto it = q.find("vpa"); it != q.end()) {
    auto vpa = parse_vpa(it->second);
    if (!vpa) return fail(ErrorKind::kInvalid, "INVALID_QUERY", "vpa: " + vpa.error().message);
    query.vpa = vpa->str();
  }
  if (auto it = q.find("status"); it != q.end()) {
    const auto& s = it->second;
    if (s != ledger::kCollectPending && s != ledger::kCollectApproved &&
        s != ledger::kCollectDeclined && s != ledger::kCollectExpired) {
      return fail(ErrorKind::kInvalid, "INVALID_QUERY",
                  "status must be PENDING, APPROVED, DECLINED or EXPIRED");
    }
    query.status = s;
  }
  auto limit = query_int(q, "limit", 20, 1, ledger::kListLimitMax);
  if (!limit) return std::unexpected(limit.error());
  query.limit = static_cast<std::size_t>(*limit);
  auto cursor = query_int(q, "cursor", 0, 1, std::numeric_limits<std::int64_t>::max());
  if (!cursor) return std::unexpected(cursor.error());
  query.before_position = *cursor;
  return query;
}

Result<std::string> required_key(const Request& req) {
  const auto header = req.find("Idempotency-Key");
  return check_idempotency_key(header == req.end() ? "" : header->value(), header != req.end());
}

}  // namespace

CollectsApi::CollectsApi(sagas::CollectService& collects, sagas::PaymentSagaEngine& engine,
                         ledger::EventStore& store, ledger::ViewStore& views,
                         ledger::Projector& projector, const psp::Registry& registry,
                         const Scheme& scheme, const Clock& clock)
    : collects_(collects),
      engine_(engine),
      store_(store),
      views_(views),
      projector_(projector),
      registry_(registry),
      scheme_(scheme),
      clock_(clock) {}

void CollectsApi::add_routes(http::Router& router) {
  auto on = member_routes(router, this);
  on("POST", "/v1/collect-requests", kPsps, &CollectsApi::create);
  on("GET", "/v1/collect-requests", kEveryRole, &CollectsApi::list);
  on("GET", "/v1/collect-requests/{id}", kEveryRole, &CollectsApi::get);
  on("POST", "/v1/collect-requests/{id}/approve", kPsps, &CollectsApi::approve);
  on("POST", "/v1/collect-requests/{id}/decline", kPsps, &CollectsApi::decline);
}

asio::awaitable<Response> CollectsApi::create(const Request& req, const Params&,
                                              const Principal& caller) {
  auto key = required_key(req);
  if (!key) co_return http::problem(key.error());
  auto body = parse_collect_body(req.body(), scheme_);
  if (!body) co_return http::problem(body.error());
  if (!caller.owns_vpa(body->payee_vpa)) {
    co_return http::problem(Error{ErrorKind::kForbidden, "PAYEE_NOT_OWNED",
                                  "payee_vpa " + body->payee_vpa + " is not under handle @" +
                                      caller.psp + ": a PSP asks only for its own customers"});
  }
  for (const std::string* vpa : {&body->payee_vpa, &body->payer_vpa}) {
    auto resolved = registry_.resolve(parse_vpa(*vpa).value());
    if (!resolved) {
      co_return http::problem(Error{ErrorKind::kInvalid, "VPA_NOT_FOUND",
                                    *vpa + " does not resolve: " + resolved.error().message});
    }
  }
  const std::string id = derived_id(kCollectIdPrefix, caller.id, *key);
  const std::string hash = sagas::collect_request_hash(
      body->payee_vpa, body->payer_vpa, body->amount, body->note, body->expires_in_s);
  auto existing = co_await collects_.read(id);
  if (!existing) co_return http::problem(existing.error());
  if (existing->version == 0) {
    ev::CollectRequested requested{
        id,           body->payee_vpa, body->payer_vpa,
        body->amount, body->note,      clock_.now_ms() + body->expires_in_s * 1000,
        hash,         caller.id};
    auto created = co_await collects_.request(std::move(requested));
    if (created) co_return co_await respond(*created, Status::created, std::nullopt, false);
    if (created.error().code != "VERSION_CONFLICT") co_return http::problem(created.error());
    existing = co_await collects_.read(id);  // a concurrent retry of the key made it
    if (!existing) co_return http::problem(existing.error());
  }
  if (existing->request_hash != hash) {
    co_return http::problem(Error{ErrorKind::kInvalid, "IDEMPOTENCY_KEY_REUSED",
                                  "this Idempotency-Key was used with a different request"});
  }
  co_return co_await respond(*existing, Status::ok, std::nullopt, true);
}

asio::awaitable<Result<sagas::CollectRequest>> CollectsApi::visible(const std::string& id,
                                                                    const Principal& caller) {
  if (!is_collect_id(id)) co_return std::unexpected(collect_not_found(id));
  auto request = co_await collects_.read(id);
  if (!request) co_return request;
  const bool sees = caller.sees_all() || caller.owns_vpa(request->payer_vpa) ||
                    caller.owns_vpa(request->payee_vpa);
  if (request->version == 0 || !sees) co_return std::unexpected(collect_not_found(id));
  co_return request;
}

asio::awaitable<Response> CollectsApi::get(const Request&, const Params& params,
                                           const Principal& caller) {
  auto request = co_await visible(params.at("id"), caller);
  if (!request) co_return http::problem(request.error());
  co_return co_await respond(*request, Status::ok, std::nullopt, false);
}

asio::awaitable<Result<sagas::CollectRequest>> CollectsApi::answerable(const Request& req,
                                                                       const std::string& id,
                                                                       const Principal& caller) {
  auto key = required_key(req);
  if (!key) co_return std::unexpected(key.error());
  auto request = co_await visible(id, caller);
  if (!request) co_return request;
  if (!caller.owns_vpa(request->payer_vpa)) {
    co_return fail(ErrorKind::kForbidden, "COLLECT_NOT_PAYER",
                   "only the payer's PSP may answer a collect request");
  }
  co_return request;
}

asio::awaitable<Response> CollectsApi::approve(const Request& req, const Params& params,
                                               const Principal& caller) {
  auto request = co_await answerable(req, params.at("id"), caller);
  if (!request) co_return http::problem(request.error());
  const bool replayed = !request->pending();
  auto approved = co_await collects_.approve(request->id, caller.id);
  if (!approved) co_return http::problem(approved.error());
  const auto wait = prefer_wait_seconds(req[http::beast_http::field::prefer]);
  co_return co_await respond(*approved, Status::ok, wait, replayed);
}

asio::awaitable<Response> CollectsApi::decline(const Request& req, const Params& params,
                                               const Principal& caller) {
  auto request = co_await answerable(req, params.at("id"), caller);
  if (!request) co_return http::problem(request.error());
  const bool replayed = !request->pending();
  auto declined = co_await collects_.decline(request->id, caller.id);
  if (!declined) co_return http::problem(declined.error());
  co_return co_await respond(*declined, Status::ok, std::nullopt, replayed);
}

asio::awaitable<Response> CollectsApi::respond(const sagas::CollectRequest& request, Status status,
                                               std::optional<int> wait_seconds, bool replayed) {
  json::object body = ledger::collect_request_to_json(request);
  if (!request.payment_id.empty()) {
    auto payment = co_await saga_state(engine_, store_, request.payment_id, wait_seconds);
    if (!payment) co_return http::problem(payment.error());
    body["payment"] = payment->version == 0 ? json::value(nullptr)
                                            : json::value(sagas::payment_to_json(*payment));
  }
  co_return saga_response(status, body, "/v1/collect-requests/" + request.id, replayed,
                          wait_seconds);
}

asio::awaitable<Response> CollectsApi::list(const Request& req, const Params&,
                                            const Principal& caller) {
  co_return co_await list_response(
      req, caller, projector_, collect_query,
      [this](ledger::CollectQuery query) { return views_.collects(std::move(query)); },
      ledger::collect_request_to_json);
}

}  // namespace upi::api
