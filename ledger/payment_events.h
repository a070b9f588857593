// The event contract of payment streams: one struct per event type, one description of its
// fields, and from that description the encoding (to the JSON a RecordedEvent carries), the
// strict decoding back, and the field list that specs/events.md must match. The saga writes
// these structs; the state fold, the views and the API read them; nobody reads raw keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/money.h"
#include "common/reasons.h"
#include "ledger/event.h"

namespace upi::ledger {

// Why a payment failed or was reversed (code and UPI code from common/reasons.h).
struct Reason {
  std::string code;
  std::string upi_code;
  std::string message;
  template <class S, class V>
  static void fields(S& r, V& v) {
    v("code", r.code);
    v("upi_code", r.upi_code);
    v("message", r.message);
  }
};

// The Reason of a code in common/reasons.h, with a message.
Reason reason_of(ReasonCode code, std::string message);

namespace events {

// A resolved VPA: who, at which bank and account, through which PSP.
struct Party {
  std::string vpa, name, bank, account, psp;
  template <class S, class V>
  static void fields(S& p, V& v) {
    v("vpa", p.vpa);
    v("name", p.name);
    v("bank", p.bank);
    v("account", p.account);
    v("psp", p.psp);
  }
};

// One side of a completed payment's settlement, feeding the bank positions.
struct SettlementLeg {
  std::string bank, rail, window, side;  // side: "debit" or "credit"
  Paise amount = 0;
  template <class S, class V>
  static void fields(S& leg, V& v) {
    v("bank", leg.bank);
    v("rail", leg.rail);
    v("window", leg.window);
    v("side", leg.side);
    v.money("amount", leg.amount);
  }
};

// Each struct lists its fields once, in fields(); the visitor sees (name, member) pairs, a
// Reason or Party through inline_fields() (its own fields, written inline), amounts through
// money(), and through optional() a text field left out when empty.
struct PaymentRequested {
  static constexpr std::string_view kType = "PaymentRequested";
  std::string payment_id, payer_vpa, payee_vpa;
  Paise amount = 0;
  std::string currency = "INR", note, request_hash;
  std::string
      requested_by;  // the principal that asked (empty in ledgers from before there were any)
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("payment_id", e.payment_id);
    v("payer_vpa", e.payer_vpa);
    v("payee_vpa", e.payee_vpa);
    v.money("amount", e.amount);
    v("currency", e.currency);
    v("note", e.note);
    v("request_hash", e.request_hash);
    v.optional("requested_by", e.requested_by);
  }
};

struct Resolved {
  Party party;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v.inline_fields(e.party);
  }
};
struct PayerResolved : Resolved {
  static constexpr std::string_view kType = "PayerResolved";
};
struct PayeeResolved : Resolved {
  static constexpr std::string_view kType = "PayeeResolved";
};

struct ResolutionFailed {
  static constexpr std::string_view kType = "ResolutionFailed";
  std::string vpa, role;  // role: "payer" or "payee"
  Reason reason;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("vpa", e.vpa);
    v("role", e.role);
    v.inline_fields(e.reason);
  }
};

struct RailSelected {
  static constexpr std::string_view kType = "RailSelected";
  std::string rail;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("rail", e.rail);
  }
};

// A debit or credit leg about to be sent (written ahead of the bank call).
struct LegRequested {
  std::string leg_id, bank, account;
  Paise amount = 0;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("leg_id", e.leg_id);
    v("bank", e.bank);
    v("account", e.account);
    v.money("amount", e.amount);
  }
};
struct DebitRequested : LegRequested {
  static constexpr std::string_view kType = "DebitRequested";
};
struct CreditRequested : LegRequested {
  static constexpr std::string_view kType = "CreditRequested";
};

// The bank applied the leg.
struct LegApplied {
  std::string leg_id, bank_reference;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("leg_id", e.leg_id);
    v("bank_reference", e.bank_reference);
  }
};
struct DebitSucceeded : LegApplied {
  static constexpr std::string_view kType = "DebitSucceeded";
};
struct CreditSucceeded : LegApplied {
  static constexpr std::string_view kType = "CreditSucceeded";
};

// The bank declined the leg, or a status check found it never arrived.
struct LegDeclined {
  std::string leg_id;
  Reason reason;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("leg_id", e.leg_id);
    v.inline_fields(e.reason);
  }
};
struct DebitFailed : LegDeclined {
  static constexpr std::string_view kType = "DebitFailed";
};
struct CreditFailed : LegDeclined {
  static constexpr std::string_view kType = "CreditFailed";
};

// No answer before the leg's deadline.
struct LegUnknown {
  std::string leg_id, detail;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("leg_id", e.leg_id);
    v("detail", e.detail);
  }
};
struct DebitOutcomeUnknown : LegUnknown {
  static constexpr std::string_view kType = "DebitOutcomeUnknown";
};
struct CreditOutcomeUnknown : LegUnknown {
  static constexpr std::string_view kType = "CreditOutcomeUnknown";
};

struct StatusChecked {
  static constexpr std::string_view kType = "StatusChecked";
  std::string leg_id;
  std::int64_t attempt = 0;
  std::string result;  // APPLIED, DECLINED, NOT_FOUND, UNKNOWN, DEFERRED
  std::string detail;  // when there was no answer
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("leg_id", e.leg_id);
    v("attempt", e.attempt);
    v("result", e.result);
    v.optional("detail", e.detail);
  }
};

struct ReversalRequested {
  static constexpr std::string_view kType = "ReversalRequested";
  std::string leg_id, debit_leg_id, bank;
  std::int64_t attempt = 0;
  std::string cause;  // CREDIT_FAILED or DEBIT_OUTCOME_UNKNOWN
  Reason reason;      // the refund's reason
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("leg_id", e.leg_id);
    v("debit_leg_id", e.debit_leg_id);
    v("bank", e.bank);
    v("attempt", e.attempt);
    v("cause", e.cause);
    v.inline_fields(e.reason);
  }
};

struct ReversalSucceeded {
  static constexpr std::string_view kType = "ReversalSucceeded";
  std::string leg_id, bank_reference;
  bool reversed = true;  // false: the debit had never applied
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("leg_id", e.leg_id);
    v("bank_reference", e.bank_reference);
    v("reversed", e.reversed);
  }
};

// ReversalFailed's code when the reversal call got no answer: it may have applied.
inline constexpr std::string_view kReversalOutcomeUnknown = "REVERSAL_OUTCOME_UNKNOWN";

struct ReversalFailed {
  static constexpr std::string_view kType = "ReversalFailed";
  std::string leg_id, code, message;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("leg_id", e.leg_id);
    v("code", e.code);
    v("message", e.message);
  }
};

struct PaymentCompleted {
  static constexpr std::string_view kType = "PaymentCompleted";
  std::vector<SettlementLeg> settlement;
  std::string debit_reference, credit_reference;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("settlement", e.settlement);
    v("debit_reference", e.debit_reference);
    v("credit_reference", e.credit_reference);
  }
};

struct PaymentEnded {
  Reason reason;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v.inline_fields(e.reason);
  }
};
struct PaymentFailed : PaymentEnded {
  static constexpr std::string_view kType = "PaymentFailed";
};
struct PaymentReversed : PaymentEnded {
  static constexpr std::string_view kType = "PaymentReversed";
};

// A node took over driving the saga (recovery); fences the previous driver by stream version.
struct SagaResumed {
  static constexpr std::string_view kType = "SagaResumed";
  std::string previous_owner;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("previous_owner", e.previous_owner);
  }
};

// "NEFT-2026-11-30T00:30:00Z": the name of the NEFT batch that runs at at_ms.
std::string neft_batch_id(std::int64_t at_ms);

// A NEFT payment's debit is done and its credit waits for the next NEFT batch.
struct CreditDeferred {
  static constexpr std::string_view kType = "CreditDeferred";
  std::string batch;              // neft_batch_id(credit_at_ms), for readers of the ledger
  std::int64_t credit_at_ms = 0;  // when that batch runs (Unix ms)
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("batch", e.batch);
    v("credit_at_ms", e.credit_at_ms);
  }
};

// The first event of a refund's stream ("refund-<refund_id>"): the payee of a COMPLETED payment
// gives back amount of it. The same append records the parties, swapped (the payment's payee
// resolved as the refund's payer); from there the refund runs the payment saga's steps, ending in
// PaymentCompleted, PaymentFailed or PaymentReversed.
struct RefundRequested {
  static constexpr std::string_view kType = "RefundRequested";
  std::string refund_id, payment_id;
  Paise amount = 0;
  Paise payment_amount = 0;  // what the payment moved: the most its refunds may add up to
  std::string note, request_hash, requested_by;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("refund_id", e.refund_id);
    v("payment_id", e.payment_id);
    v.money("amount", e.amount);
    v.money("payment_amount", e.payment_amount);
    v("note", e.note);
    v("request_hash", e.request_hash);
    v("requested_by", e.requested_by);
  }
};

using PaymentEvent =
    std::variant<PaymentRequested, PayerResolved, PayeeResolved, ResolutionFailed, RailSelected,
                 DebitRequested, DebitSucceeded, DebitFailed, DebitOutcomeUnknown, CreditRequested,
                 CreditSucceeded, CreditFailed, CreditOutcomeUnknown, StatusChecked,
                 ReversalRequested, ReversalSucceeded, ReversalFailed, PaymentCompleted,
                 PaymentFailed, PaymentReversed, SagaResumed, CreditDeferred, RefundRequested>;

// Every type name, in the variant's order.
std::vector<std::string_view> all_types();
// The data fields of a type as encoded (Reason and Party written inline); empty if unknown.
std::vector<std::string> field_names(std::string_view type);

std::string_view type_of(const PaymentEvent& event);
// The event's data fields as the ledger stores them.
json::object encode(const PaymentEvent& event);
// Reads data of the named type back, strictly: every field present with its JSON type, amounts
// well-formed; fields it does not know are ignored. Error code: INVALID_EVENT.
Result<PaymentEvent> decode(std::string_view type, const json::object& data);
// decode() of a recorded event; a payment stream's events always decode (asserted by callers).
Result<PaymentEvent> decode(const RecordedEvent& event);
// A NewEvent to append: type, encoded data and metadata.
NewEvent to_new_event(const PaymentEvent& event, Metadata metadata);

// The type names, for code that only compares a RecordedEvent's type.
inline constexpr std::string_view kPaymentRequested = PaymentRequested::kType;
inline constexpr std::string_view kPayerResolved = PayerResolved::kType;
inline constexpr std::string_view kPayeeResolved = PayeeResolved::kType;
inline constexpr std::string_view kResolutionFailed = ResolutionFailed::kType;
inline constexpr std::string_view kRailSelected = RailSelected::kType;
inline constexpr std::string_view kDebitRequested = DebitRequested::kType;
inline constexpr std::string_view kDebitSucceeded = DebitSucceeded::kType;
inline constexpr std::string_view kDebitFailed = DebitFailed::kType;
inline constexpr std::string_view kDebitOutcomeUnknown = DebitOutcomeUnknown::kType;
inline constexpr std::string_view kCreditRequested = CreditRequested::kType;
inline constexpr std::string_view kCreditSucceeded = CreditSucceeded::kType;
inline constexpr std::string_view kCreditFailed = CreditFailed::kType;
inline constexpr std::string_view kCreditOutcomeUnknown = CreditOutcomeUnknown::kType;
inline constexpr std::string_view kStatusChecked = StatusChecked::kType;
inline constexpr std::string_view kReversalRequested = ReversalRequested::kType;
inline constexpr std::string_view kReversalSucceeded = ReversalSucceeded::kType;
inline constexpr std::string_view kReversalFailed = ReversalFailed::kType;
inline constexpr std::string_view kPaymentCompleted = PaymentCompleted::kType;
inline constexpr std::string_view kPaymentFailed = PaymentFailed::kType;
inline constexpr std::string_view kPaymentReversed = PaymentReversed::kType;
inline constexpr std::string_view kSagaResumed = SagaResumed::kType;
inline constexpr std::string_view kCreditDeferred = CreditDeferred::kType;
inline constexpr std::string_view kRefundRequested = RefundRequested::kType;

inline constexpr std::string_view kPaymentStreamPrefix = "payment-";
inline std::string payment_stream(std::string_view payment_id) {
  return std::string(kPaymentStreamPrefix) + std::string(payment_id);
}
inline std::string refund_stream(std::string_view refund_id) {
  return "refund-" + std::string(refund_id);
}
// The stream of a saga, payment ("pay_...") or refund ("rfd_..."): the engine, recovery and the
// views treat both alike, by id.
std::string saga_stream(std::string_view saga_id);
// The saga id of a "payment-<id>" or "refund-<id>" stream, or "" for any other stream.
std::string payment_id_of_stream(std::string_view stream);

// The ledger counters that bound a payment's refunds (ledger/counters.h): the paise of its
// refunds that have not failed (at most its amount), and how many refunds were ever requested
// (at most kRefundsPerPaymentMax).
inline constexpr std::int64_t kRefundsPerPaymentMax = 100;
inline std::string refunded_counter(std::string_view payment_id) {
  return "refunded_paise/" + std::string(payment_id);
}
inline std::string refund_count_counter(std::string_view payment_id) {
  return "refunds/" + std::string(payment_id);
}

}  // namespace events
}  // namespace upi::ledger
