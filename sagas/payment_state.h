// A payment's state is the fold of its own event stream, nothing else. decide() reads the
// state and names the next step; the engine (payment_saga.h) carries it out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/money.h"
#include "ledger/event.h"
#include "ledger/views.h"

namespace upi::sagas {

using ledger::Reason;
using ledger::events::Party;
using ledger::events::PaymentEvent;

enum class Phase {
  kRequested,        // resolve payer and payee next
  kResolved,         // choose a rail next
  kRailSelected,     // debit next
  kDebitPending,     // debit sent, no outcome recorded: check its status
  kDebitSucceeded,   // credit next (a NEFT credit is deferred to its batch first)
  kAwaitingBatch,    // NEFT: debited; the credit waits for the batch at credit_at_ms
  kCreditPending,    // credit sent, no outcome recorded: check its status
  kReversalDue,      // the credit failed or a reversal was refused: request a reversal next
  kReversalPending,  // reversal requested: send it (again, after a crash: it is idempotent)
  kTerminal,
};

enum class Step {
  kResolve,
  kSelectRail,
  kDebit,
  kCheckDebit,
  kCredit,
  kCheckCredit,
  kRequestReversal,
  kReverse,
  kNone,
};

// The state of a payment saga, or of a refund (a payment back from the payee, refund_of naming
// the payment): both run the same steps.
struct PaymentState {
  std::string id;
  std::string refund_of;     // a refund: the payment it gives back part of
  std::int64_t version = 0;  // stream version of the last event folded in
  Phase phase = Phase::kRequested;
  std::string status = "PENDING";
  std::optional<Reason> reason;  // on FAILED and REVERSED
  std::string payer_vpa, payee_vpa, note, idempotency_key, request_hash;
  Paise amount = 0;
  std::optional<Party> payer, payee;
  std::string rail;
  std::string debit_leg_id, credit_leg_id;
  std::string debit_reference, credit_reference;
  std::int64_t credit_at_ms = 0;  // NEFT: when the batch its credit waits for runs (0: none)
  int status_checks = 0;          // of the leg whose outcome is unknown
  int reversal_attempts = 0;
  std::string reversal_leg_id;            // of the last ReversalRequested
  bool reversal_outcome_unknown = false;  // the last reversal call got no answer
  bool debit_outcome_unknown = false;     // the reversal is a precaution, not a refund
  std::optional<Reason> refund_reason;    // why the debit is being reversed
  // From recorded events only (fold), for display.
  std::int64_t position = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;

  bool terminal() const { return phase == Phase::kTerminal; }
};

// What a client asked for, validated.
struct PaymentRequest {
  std::string payer_vpa;  // normalised (lower case)
  std::string payee_vpa;
  Paise amount = 0;
  std::string note;
  std::string idempotency_key;
  std::string requested_by;  // the principal id
};

// A digest of the request's meaning, to tell a replay from a different body under one key.
std::string request_hash(const PaymentRequest& request);
// The first event of a payment stream.
ledger::NewEvent payment_requested_event(const std::string& payment_id,
                                         const PaymentRequest& request, const std::string& node_id);

// A digest of a refund request's meaning (payment, amount, note).
std::string refund_request_hash(const std::string& payment_id, Paise amount,
                                const std::string& note);
// The first events of a refund of a COMPLETED payment: RefundRequested and the payment's parties,
// swapped (its payee pays back its payer).
std::vector<PaymentEvent> refund_requested_events(const PaymentState& payment,
                                                  const std::string& refund_id, Paise amount,
                                                  const std::string& note,
                                                  const std::string& requested_by);

// Folds one event into the state; version moves by one. The only way the state changes.
void fold_event(PaymentState& state, const PaymentEvent& event);
// Folds a whole stream, also taking positions and times.
PaymentState fold(const std::vector<ledger::RecordedEvent>& stream);
// The next step for a state.
Step decide(const PaymentState& state);
std::string_view step_name(Step step);

// Where a PENDING payment is, for clients: RESOLVING, DEBITING, AWAITING_NEFT_BATCH, CREDITING
// or REVERSING; empty once it is terminal.
std::string_view pending_stage(const PaymentState& state);
// The payment as GET /v1/payments/{id} shows it.
json::object payment_to_json(const PaymentState& state);
// The refund as GET /v1/refunds/{id} shows it: a payment's fields, and payment_id.
json::object refund_to_json(const PaymentState& state);

}  // namespace upi::sagas
