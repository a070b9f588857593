// Facts about operators' actions, so the ledger says who changed what: each is an event in the
// stream bank-<code> (specs/events.md, "Operator events"). The read views ignore them.
#pragma once

#include <string>

#include "common/json.h"
#include "ledger/event.h"

namespace upi::ledger::events {

// An admin set (rules not empty) or cleared (rules empty) a bank's fault rules.
struct BankFaultsChanged {
  static constexpr std::string_view kType = "BankFaultsChanged";
  std::string bank;
  json::array rules;       // as GET /v1/admin/banks/{code}/faults shows them
  std::string changed_by;  // the principal id
};

std::string bank_stream(std::string_view bank_code);
NewEvent to_new_event(const BankFaultsChanged& event, const std::string& node_id);

}  // namespace upi::ledger::events
