#include "sagas/payment_state.h"

#include <cassert>

#include "common/clock.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "ledger/payment_events.h"

namespace upi::sagas {
namespace ev = ledger::events;
namespace {

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
  ev::PaymentRequested requested;
  requested.payment_id = payment_id;
  requested.payer_vpa = r.payer_vpa;
  requested.payee_vpa = r.payee_vpa;
  requested.amount = r.amount;
  requested.note = r.note;
  requested.request_hash = request_hash(r);
  requested.requested_by = r.requested_by;
  return ev::to_new_event(requested, ledger::Metadata{payment_id, "", r.idempotency_key, node_id});
}

std::string refund_request_hash(const std::string& payment_id, Paise amount,
                                const std::string& note) {
  return sha256_hex(to_json(json::array{payment_id, format_money(amount), note}));
}

std::vector<PaymentEvent> refund_requested_events(const PaymentState& payment,
                                                  const std::string& refund_id, Paise amount,
                                                  const std::string& note,
                                                  const std::string& requested_by) {
  assert(payment.status == "COMPLETED" && payment.payer && payment.payee);
  assert(amount > 0 && amount <= payment.amount);
  ev::RefundRequested requested{refund_id,   payment.id,
                                amount,      payment.amount,
                                note,        refund_request_hash(payment.id, amount, note),
                                requested_by};
  return {requested, ev::PayerResolved{{*payment.payee}}, ev::PayeeResolved{{*payment.payer}}};
}

namespace {

// One overload per event that changes the state; the rest (ResolutionFailed, DebitFailed,
// DebitOutcomeUnknown, CreditOutcomeUnknown, ReversalSucceeded, SagaResumed) are facts for the
// history: the phase they imply is set by the event written with them, or stays.
template <class Event>
void fold_into(PaymentState&, const Event&) {}

void fold_into(PaymentState& s, const ev::PaymentRequested& e) {
  assert(s.version == 1);
  s.id = e.payment_id;
  s.payer_vpa = e.payer_vpa;
  s.payee_vpa = e.payee_vpa;
  s.note = e.note;
  s.request_hash = e.request_hash;
  s.amount = e.amount;
  assert(s.amount > 0);
}
void fold_into(PaymentState& s, const ev::RefundRequested& e) {
  assert(s.version == 1);
  s.id = e.refund_id;
  s.refund_of = e.payment_id;
  s.note = e.note;
  s.request_hash = e.request_hash;
  s.amount = e.amount;
  assert(s.amount > 0 && s.amount <= e.payment_amount);
}
// A refund learns its VPAs from its parties (a payment has them from its request already).
void fold_into(PaymentState& s, const ev::PayerResolved& e) {
  s.payer = e.party;
  if (s.payer_vpa.empty()) s.payer_vpa = e.party.vpa;
}
void fold_into(PaymentState& s, const ev::PayeeResolved& e) {
  s.payee = e.party;
  if (s.payee_vpa.empty()) s.payee_vpa = e.party.vpa;
  if (s.payer) s.phase = Phase::kResolved;
}
void fold_into(PaymentState& s, const ev::RailSelected& e) {
  s.rail = e.rail;
  s.phase = Phase::kRailSelected;
}
void fold_into(PaymentState& s, const ev::DebitRequested& e) {
  s.debit_leg_id = e.leg_id;
  s.phase = Phase::kDebitPending;
  s.status_checks = 0;
}
void fold_into(PaymentState& s, const ev::DebitSucceeded& e) {
  s.debit_reference = e.bank_reference;
  s.phase = Phase::kDebitSucceeded;
}
void fold_into(PaymentState& s, const ev::CreditDeferred& e) {
  assert(s.phase == Phase::kDebitSucceeded && "a credit is deferred once the debit is done");
  assert(e.batch == ev::neft_batch_id(e.credit_at_ms) && "a batch is named by its time");
  s.credit_at_ms = e.credit_at_ms;
  s.phase = Phase::kAwaitingBatch;
}
void fold_into(PaymentState& s, const ev::CreditRequested& e) {
  s.credit_leg_id = e.leg_id;
  s.phase = Phase::kCreditPending;
  s.status_checks = 0;
}
void fold_into(PaymentState& s, const ev::CreditSucceeded& e) {
  s.credit_reference = e.bank_reference;
}
void fold_into(PaymentState& s, const ev::CreditFailed& e) {
  s.refund_reason = e.reason;
  s.phase = Phase::kReversalDue;
}
void fold_into(PaymentState& s, const ev::StatusChecked&) {
  ++s.status_checks;
}
void fold_into(PaymentState& s, const ev::ReversalRequested& e) {
  ++s.reversal_attempts;
  s.reversal_leg_id = e.leg_id;
  s.reversal_outcome_unknown = false;
  s.debit_outcome_unknown = e.cause == "DEBIT_OUTCOME_UNKNOWN";
  if (s.debit_outcome_unknown && !s.refund_reason) s.refund_reason = e.reason;
  s.phase = Phase::kReversalPending;
}
void fold_into(PaymentState& s, const ev::ReversalFailed& e) {
  s.reversal_outcome_unknown = e.code == ev::kReversalOutcomeUnknown;
  s.phase = Phase::kReversalDue;
}
void fold_into(PaymentState& s, const ev::PaymentCompleted&) {
  finish(s, "COMPLETED", std::nullopt);
}
void fold_into(PaymentState& s, const ev::PaymentFailed& e) {
  finish(s, "FAILED", e.reason);
}
void fold_into(PaymentState& s, const ev::PaymentReversed& e) {
  finish(s, "REVERSED", e.reason);
}

}  // namespace

void fold_event(PaymentState& s, const PaymentEvent& event) {
  ++s.version;
  std::visit([&s](const auto& e) { fold_into(s, e); }, event);
}

PaymentState fold(const std::vector<ledger::RecordedEvent>& stream) {
  PaymentState s;
  for (const auto& e : stream) {
    assert(e.version == s.version + 1);
    auto decoded = ev::decode(e);
    assert(decoded.has_value() && "the switch reads every event it writes");
    if (decoded)
      fold_event(s, *decoded);
    else
      ++s.version;
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
    case Phase::kAwaitingBatch:  // the plan waits until the batch runs
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

std::string_view pending_stage(const PaymentState& s) {
  switch (s.phase) {
    case Phase::kRequested:
    case Phase::kResolved:
      return "RESOLVING";
    case Phase::kRailSelected:
    case Phase::kDebitPending:
      return "DEBITING";
    case Phase::kAwaitingBatch:
      return "AWAITING_NEFT_BATCH";
    case Phase::kDebitSucceeded:
    case Phase::kCreditPending:
      return "CREDITING";
    case Phase::kReversalDue:
    case Phase::kReversalPending:
      return "REVERSING";
    case Phase::kTerminal:
      return "";
  }
  assert(false);
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
  const std::string_view stage = pending_stage(s);
  o["stage"] = stage.empty() ? json::value(nullptr) : json::value(stage);
  o["neft_batch"] = ledger::neft_batch_to_json(s.credit_at_ms);
  return o;
}

json::object refund_to_json(const PaymentState& s) {
  assert(!s.refund_of.empty() && "a refund names its payment");
  json::object o = payment_to_json(s);
  o["payment_id"] = s.refund_of;
  return o;
}

}  // namespace upi::sagas
