#include "sagas/payment_state.h"

#include <cassert>

#include "common/clock.h"
#include "common/sha256.h"
#include "ledger/payment_events.h"

namespace upi::sagas {
namespace ev = ledger::events;
namespace {

Party party_from(const json::object& data) {
  return Party{string_or_empty(data, "vpa"), string_or_empty(data, "name"),
               string_or_empty(data, "bank"), string_or_empty(data, "account")};
}

Reason reason_from(const json::object& data) {
  return Reason{string_or_empty(data, "code"), string_or_empty(data, "upi_code"),
                string_or_empty(data, "message")};
}

void finish(PaymentState& s, std::string status, std::optional<Reason> reason) {
  assert(s.phase != Phase::kTerminal && "a payment ends once");
  s.phase = Phase::kTerminal;
  s.status = std::move(status);
  s.reason = std::move(reason);
}

}  // namespace

std::string request_hash(const PaymentRequest& r) {
  return sha256_hex(to_json(json::array{r.payer_vpa, r.payee_vpa, format_money(r.amount), r.note}));
}

ledger::NewEvent payment_requested_event(const std::string& payment_id, const PaymentRequest& r,
                                         const std::string& node_id) {
  json::object data{
      {"payment_id", payment_id},         {"payer_vpa", r.payer_vpa}, {"payee_vpa", r.payee_vpa},
      {"amount", format_money(r.amount)}, {"currency", "INR"},        {"note", r.note},
      {"request_hash", request_hash(r)}};
  ledger::Metadata meta{payment_id, "", r.idempotency_key, node_id};
  return ledger::NewEvent{std::string(ev::kPaymentRequested), std::move(data), std::move(meta)};
}

void apply(PaymentState& s, std::string_view type, const json::object& data) {
  ++s.version;
  if (type == ev::kPaymentRequested) {
    assert(s.version == 1);
    s.id = string_or_empty(data, "payment_id");
    s.payer_vpa = string_or_empty(data, "payer_vpa");
    s.payee_vpa = string_or_empty(data, "payee_vpa");
    s.note = string_or_empty(data, "note");
    s.request_hash = string_or_empty(data, "request_hash");
    s.amount = parse_money(string_or_empty(data, "amount")).value_or(0);
    assert(s.amount > 0);
  } else if (type == ev::kPayerResolved) {
    s.payer = party_from(data);
  } else if (type == ev::kPayeeResolved) {
    s.payee = party_from(data);
    if (s.payer) s.phase = Phase::kResolved;
  } else if (type == ev::kRailSelected) {
    s.rail = string_or_empty(data, "rail");
    s.phase = Phase::kRailSelected;
  } else if (type == ev::kDebitRequested) {
    s.debit_leg_id = string_or_empty(data, "leg_id");
    s.phase = Phase::kDebitPending;
    s.status_checks = 0;
  } else if (type == ev::kDebitSucceeded) {
    s.debit_reference = string_or_empty(data, "bank_reference");
    s.phase = Phase::kDebitSucceeded;
  } else if (type == ev::kCreditRequested) {
    s.credit_leg_id = string_or_empty(data, "leg_id");
    s.phase = Phase::kCreditPending;
    s.status_checks = 0;
  } else if (type == ev::kCreditSucceeded) {
    s.credit_reference = string_or_empty(data, "bank_reference");
  } else if (type == ev::kCreditFailed) {
    s.refund_reason = reason_from(data);
    s.phase = Phase::kReversalDue;
  } else if (type == ev::kStatusChecked) {
    ++s.status_checks;
  } else if (type == ev::kReversalRequested) {
    ++s.reversal_attempts;
    s.debit_outcome_unknown = string_or_empty(data, "cause") == "DEBIT_OUTCOME_UNKNOWN";
    if (s.debit_outcome_unknown && !s.refund_reason) s.refund_reason = reason_from(data);
    s.phase = Phase::kReversalPending;
  } else if (type == ev::kReversalFailed) {
    s.phase = Phase::kReversalDue;
  } else if (type == ev::kPaymentCompleted) {
    finish(s, "COMPLETED", std::nullopt);
  } else if (type == ev::kPaymentFailed) {
    finish(s, "FAILED", reason_from(data));
  } else if (type == ev::kPaymentReversed) {
    finish(s, "REVERSED", reason_from(data));
  }
  // ResolutionFailed, DebitFailed, DebitOutcomeUnknown, CreditOutcomeUnknown,
  // and ReversalSucceeded are facts for the history; the phase they imply is
  // set by the event written with them (or stays, for the outcome-unknown ones).
}

PaymentState fold(const std::vector<ledger::RecordedEvent>& stream) {
  PaymentState s;
  for (const auto& e : stream) {
    assert(e.version == s.version + 1);
    apply(s, e.type, e.data);
    if (s.version == 1) s.created_at_ms = e.recorded_at_ms;
    s.updated_at_ms = e.recorded_at_ms;
    s.position = e.position;
    if (s.idempotency_key.empty()) s.idempotency_key = e.metadata.idempotency_key;
  }
  return s;
}

Step decide(const PaymentState& s) {
  switch (s.phase) {
    case Phase::kRequested:
      return Step::kResolve;
    case Phase::kResolved:
      return Step::kSelectRail;
    case Phase::kRailSelected:
      return Step::kDebit;
    case Phase::kDebitPending:
      return Step::kCheckDebit;
    case Phase::kDebitSucceeded:
      return Step::kCredit;
    case Phase::kCreditPending:
      return Step::kCheckCredit;
    case Phase::kReversalDue:
      return Step::kRequestReversal;
    case Phase::kReversalPending:
      return Step::kReverse;
    case Phase::kTerminal:
      return Step::kNone;
  }
  assert(false);
  return Step::kNone;
}

std::string_view step_name(Step step) {
  switch (step) {
    case Step::kResolve:
      return "resolve";
    case Step::kSelectRail:
      return "select_rail";
    case Step::kDebit:
      return "debit";
    case Step::kCheckDebit:
      return "check_debit";
    case Step::kCredit:
      return "credit";
    case Step::kCheckCredit:
      return "check_credit";
    case Step::kRequestReversal:
      return "request_reversal";
    case Step::kReverse:
      return "reverse";
    case Step::kNone:
      return "none";
  }
  return "";
}

json::object payment_to_json(const PaymentState& s) {
  json::object o{{"id", s.id},
                 {"status", s.status},
                 {"payer_vpa", s.payer_vpa},
                 {"payee_vpa", s.payee_vpa},
                 {"amount", format_money(s.amount)},
                 {"currency", "INR"},
                 {"note", s.note},
                 {"created_at", format_timestamp(s.created_at_ms)},
                 {"updated_at", format_timestamp(s.updated_at_ms)},
                 {"ledger_position", s.position}};
  o["rail"] = s.rail.empty() ? json::value(nullptr) : json::value(s.rail);
  o["payer_bank"] = s.payer ? json::value(s.payer->bank) : json::value(nullptr);
  o["payee_bank"] = s.payee ? json::value(s.payee->bank) : json::value(nullptr);
  o["reason"] = s.reason ? json::value(ledger::reason_to_json(*s.reason)) : json::value(nullptr);
  return o;
}

}  // namespace upi::sagas
