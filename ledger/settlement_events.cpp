#include "ledger/settlement_events.h"

#include "ledger/event_fields.h"

namespace upi::ledger::events {

Result<SettlementEvent> decode_settlement(const RecordedEvent& event) {
  if (event.type == SettlementCutOff::kType) {
    auto cut = decode_fields<SettlementCutOff>(event.data);
    if (!cut) return std::unexpected(cut.error());
    return SettlementEvent{std::move(*cut)};
  }
  if (event.type == SettlementCycleClosed::kType) {
    auto closed = decode_fields<SettlementCycleClosed>(event.data);
    if (!closed) return std::unexpected(closed.error());
    return SettlementEvent{std::move(*closed)};
  }
  return std::unexpected(invalid_event(event.type, "not a settlement event type"));
}

json::object encode(const SettlementEvent& event) {
  return std::visit([](const auto& e) { return encode_fields(e); }, event);
}

NewEvent to_new_event(const SettlementEvent& event, const std::string& node_id) {
  const std::string_view type =
      std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, event);
  return NewEvent{std::string(type), encode(event),
                  Metadata{std::string(kSettlementStream), "", "", node_id}};
}

std::vector<std::string_view> settlement_types() {
  return {SettlementCutOff::kType, SettlementCycleClosed::kType};
}

std::vector<std::string> settlement_field_names(std::string_view type) {
  if (type == SettlementCutOff::kType) return names_of<SettlementCutOff>();
  if (type == SettlementCycleClosed::kType) return names_of<SettlementCycleClosed>();
  return {};
}

}  // namespace upi::ledger::events
