#include "sagas/collect_request.h"

#include <cassert>

#include "common/clock.h"
#include "common/reasons.h"
#include "common/sha256.h"

namespace upi::sagas {
namespace ev = ledger::events;

using ledger::reason_of;

std::string collect_request_hash(const std::string& payee_vpa, const std::string& payer_vpa,
                                 Paise amount, const std::string& note, std::int64_t expires_in_s) {
  return sha256_hex(
      to_json(json::array{payee_vpa, payer_vpa, format_money(amount), note, expires_in_s}));
}

CollectRequest fold_collect(const std::vector<ledger::RecordedEvent>& stream) {
  CollectRequest s;
  for (const auto& e : stream) ledger::fold_collect_event(s, e);
  return s;
}

ev::CollectExpired collect_expired() {
  return ev::CollectExpired{reason_of(ReasonCode::kCollectExpired,
                                      "the collect request was not approved before it expired")};
}

ev::CollectDeclined collect_declined(const std::string& principal_id) {
  return ev::CollectDeclined{
      principal_id, reason_of(ReasonCode::kCollectDeclined, "the payer declined the request")};
}

}  // namespace upi::sagas

namespace upi::sagas {

namespace {
Error collect_expired_error(const CollectRequest& c) {
  return Error{ErrorKind::kConflict, "COLLECT_EXPIRED",
               "collect request " + c.id + " expired at " + format_timestamp(c.expires_at_ms) +
                   " (U69); it can no longer be approved"};
}
Error not_pending_error(const CollectRequest& c) {
  return Error{ErrorKind::kConflict, "COLLECT_NOT_PENDING",
               "collect request " + c.id + " is " + c.status + " already"};
}
}  // namespace

CollectService::CollectService(PaymentSagaEngine& engine, ledger::EventStore& store,
                               ledger::ViewStore& views, const Scheme& scheme, const Clock& clock,
                               PaymentIdGenerator& payment_ids, std::string node_id)
    : engine_(engine),
      store_(store),
      views_(views),
      scheme_(scheme),
      clock_(clock),
      payment_ids_(payment_ids),
      node_id_(std::move(node_id)),
      periodic_("collect requests", std::chrono::milliseconds(kPassIntervalMs),
                [this]() -> asio::awaitable<void> { co_await pass(); }) {}

void CollectService::start(TaskGroup& group) {
  periodic_.start(group);
}

asio::awaitable<Result<CollectRequest>> CollectService::read(const std::string& id) {
  auto stream = co_await ledger::read_whole_stream(store_, ev::collect_stream(id));
  if (!stream) co_return std::unexpected(stream.error());
  co_return fold_collect(*stream);
}

asio::awaitable<Result<CollectRequest>> CollectService::request(ev::CollectRequested requested) {
  const std::string id = requested.collect_id, payee = requested.payee_vpa;
  std::vector<ledger::NewEvent> events{
      ev::to_new_event(requested, id, payee, scheme_.collect.pending_per_payee_max, node_id_)};
  auto appended = co_await store_.append(ev::collect_stream(id), ledger::kNoStream, events);
  if (!appended && appended.error().code == "LIMIT_EXCEEDED") {
    co_return fail(ErrorKind::kConflict, "COLLECT_PENDING_LIMIT",
                   payee + " has " + std::to_string(scheme_.collect.pending_per_payee_max) +
                       " collect requests pending, the most it may have");
  }
  if (!appended) co_return std::unexpected(appended.error());
  co_return co_await read(id);
}

asio::awaitable<Result<CollectRequest>> CollectService::end(const CollectRequest& pending,
                                                            const ev::CollectEvent& ending) {
  assert(pending.pending() && pending.version == 1);
  std::vector<ledger::NewEvent> events{
      ev::to_new_event(ending, pending.id, pending.payee_vpa, 0, node_id_)};
  // Expecting version 1: of an approval and an expiry that race, the ledger takes one.
  auto appended = co_await store_.append(ev::collect_stream(pending.id), 1, events);
  if (!appended && appended.error().code != "VERSION_CONFLICT")
    co_return std::unexpected(appended.error());
  co_return co_await read(pending.id);
}

asio::awaitable<Result<CollectRequest>> CollectService::approve(const std::string& id,
                                                                const std::string& principal_id) {
  auto current = co_await read(id);
  if (!current) co_return current;
  if (current->pending()) {
    const bool expired = clock_.now_ms() >= current->expires_at_ms;
    const ev::CollectEvent ending =
        expired ? ev::CollectEvent{collect_expired()}
                : ev::CollectEvent{ev::CollectApproved{payment_ids_.next(), principal_id}};
    current = co_await end(*current, ending);
    if (!current) co_return current;
  }
  if (current->status == kCollectExpired)
    co_return std::unexpected(collect_expired_error(*current));
  if (current->status != kCollectApproved) co_return std::unexpected(not_pending_error(*current));
  auto paid = co_await ensure_payment(*current);
  if (!paid) co_return std::unexpected(paid.error());
  co_return current;
}

asio::awaitable<Result<CollectRequest>> CollectService::decline(const std::string& id,
                                                                const std::string& principal_id) {
  auto current = co_await read(id);
  if (!current) co_return current;
  if (current->pending()) {
    const bool expired = clock_.now_ms() >= current->expires_at_ms;
    const ev::CollectEvent ending = expired ? ev::CollectEvent{collect_expired()}
                                            : ev::CollectEvent{collect_declined(principal_id)};
    current = co_await end(*current, ending);
    if (!current) co_return current;
  }
  if (current->status == kCollectExpired)
    co_return std::unexpected(collect_expired_error(*current));
  if (current->status != kCollectDeclined || current->answered_by != principal_id)
    co_return std::unexpected(not_pending_error(*current));
  co_return current;
}

asio::awaitable<Result<void>> CollectService::ensure_payment(const CollectRequest& c) {
  assert(c.status == kCollectApproved && is_payment_id(c.payment_id));
  if (engine_.knows(c.payment_id) || engine_.ended_state(c.payment_id) != nullptr)
    co_return Result<void>{};
  auto first = co_await store_.read_stream(ev::payment_stream(c.payment_id), 1, 1);
  if (!first) co_return std::unexpected(first.error());
  if (!first->empty()) co_return Result<void>{};
  if (!engine_.has_capacity())
    co_return fail(ErrorKind::kBusy, "SWITCH_BUSY", "too many payments in flight; retry shortly");
  PaymentRequest request{c.payer_vpa, c.payee_vpa,       c.amount,
                         c.note,      "collect:" + c.id, c.answered_by};
  auto begun = co_await engine_.begin(c.payment_id,
                                      payment_requested_event(c.payment_id, request, node_id_));
  // Another call (here or on another node) began it first: it exists once.
  if (!begun && begun.error().code == "VERSION_CONFLICT") co_return Result<void>{};
  co_return begun;
}

asio::awaitable<std::size_t> CollectService::pass() {
  std::size_t changed = 0;
  auto due = co_await views_.collects_expired(clock_.now_ms(), ledger::kCollectPassMax);
  for (const auto& id : due.value_or(std::vector<std::string>{})) {
    auto current = co_await read(id);
    if (!current || !current->pending() || clock_.now_ms() < current->expires_at_ms) continue;
    auto ended = co_await end(*current, collect_expired());
    changed += ended && ended->status == kCollectExpired;
  }
  auto unpaid = co_await views_.collects_unpaid(ledger::kCollectPassMax);
  for (const auto& id : unpaid.value_or(std::vector<std::string>{})) {
    auto current = co_await read(id);
    if (!current || current->status != kCollectApproved) continue;
    auto paid = co_await ensure_payment(*current);
    changed += paid.has_value();
  }
  co_return changed;
}

}  // namespace upi::sagas
