#include "ledger/collect_events.h"

#include <cassert>

#include "ledger/event_fields.h"

namespace upi::ledger::events {

std::string collect_id_of_stream(std::string_view stream) {
  if (!stream.starts_with(kCollectStreamPrefix)) return "";
  return std::string(stream.substr(kCollectStreamPrefix.size()));
}

Result<CollectEvent> decode_collect(const RecordedEvent& event) {
  return decode_variant<CollectEvent>(event.type, event.data, "collect");
}

json::object encode(const CollectEvent& event) {
  return std::visit([](const auto& e) { return encode_fields(e); }, event);
}

std::string_view type_of(const CollectEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, event);
}

NewEvent to_new_event(const CollectEvent& event, const std::string& collect_id,
                      const std::string& payee_vpa, std::int64_t pending_max,
                      const std::string& node_id) {
  NewEvent out{std::string(type_of(event)), encode(event), Metadata{collect_id, "", "", node_id}};
  const bool opens = std::holds_alternative<CollectRequested>(event);
  out.metadata.charges.push_back({collect_pending_counter(payee_vpa), opens ? 1 : -1,
                                  opens ? std::optional<std::int64_t>(pending_max) : std::nullopt});
  return out;
}

std::vector<std::string_view> collect_types() {
  return variant_type_names<CollectEvent>();
}

std::vector<std::string> collect_field_names(std::string_view type) {
  return variant_field_names<CollectEvent>(type);
}

}  // namespace upi::ledger::events

namespace upi::ledger {
namespace ev = events;

namespace {
void end(CollectRequest& r, std::string_view status) {
  assert(r.pending() && "a collect request ends once");
  r.status = std::string(status);
}
}  // namespace

void fold_collect_event(CollectRequest& r, const RecordedEvent& e) {
  assert(e.version == r.version + 1 && "a stream folds in version order");
  auto decoded = ev::decode_collect(e);
  assert(decoded.has_value() && "the switch reads every event it writes");
  ++r.version;
  r.updated_at_ms = e.recorded_at_ms;
  r.position = e.position;
  if (!decoded) return;
  if (const auto* requested = std::get_if<ev::CollectRequested>(&*decoded)) {
    assert(r.version == 1);
    r.id = requested->collect_id;
    r.payee_vpa = requested->payee_vpa;
    r.payer_vpa = requested->payer_vpa;
    r.amount = requested->amount;
    r.note = requested->note;
    r.expires_at_ms = requested->expires_at_ms;
    r.request_hash = requested->request_hash;
    r.requested_by = requested->requested_by;
    r.created_at_ms = e.recorded_at_ms;
    r.first_position = e.position;
  } else if (const auto* approved = std::get_if<ev::CollectApproved>(&*decoded)) {
    end(r, kCollectApproved);
    r.payment_id = approved->payment_id;
    r.answered_by = approved->approved_by;
  } else if (const auto* declined = std::get_if<ev::CollectDeclined>(&*decoded)) {
    end(r, kCollectDeclined);
    r.answered_by = declined->declined_by;
    r.reason = declined->reason;
  } else {
    end(r, kCollectExpired);
    r.reason = std::get<ev::CollectExpired>(*decoded).reason;
  }
}

}  // namespace upi::ledger
