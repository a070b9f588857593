#include "ledger/operator_events.h"

namespace upi::ledger::events {

std::string bank_stream(std::string_view bank_code) {
  return "bank-" + std::string(bank_code);
}

NewEvent to_new_event(const BankFaultsChanged& event, const std::string& node_id) {
  json::object data{{"bank", event.bank}, {"rules", event.rules}, {"changed_by", event.changed_by}};
  return NewEvent{std::string(BankFaultsChanged::kType), std::move(data),
                  Metadata{bank_stream(event.bank), "", "", node_id}};
}

}  // namespace upi::ledger::events
