#include "ledger/settlement_events.h"

#include <map>

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
  NewEvent out{std::string(type), encode(event),
               Metadata{std::string(kSettlementStream), "", "", node_id}};
  if (const auto* closed = std::get_if<SettlementCycleClosed>(&event))
    out.metadata.charges = net_debit_settled(*closed);
  return out;
}

std::string net_debit_counter(std::string_view bank) {
  return std::string(kNetDebitCounterPrefix) + std::string(bank);
}

std::vector<CounterCharge> net_debit_settled(const SettlementCycleClosed& closed) {
  std::map<std::string, Paise> net_debits;
  for (const auto& row : closed.banks) {
    if (row.rail == kGrossRail) continue;  // settled gross, never held against the cap
    net_debits[row.bank] += row.debits - row.credits;
  }
  std::vector<CounterCharge> charges;
  for (const auto& [bank, net_debit] : net_debits) {
    if (net_debit != 0) charges.push_back({net_debit_counter(bank), -net_debit, std::nullopt});
  }
  return charges;
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
