// The event catalogue of payment streams (specs/events.md lists each payload's fields).
#pragma once

#include <string>
#include <string_view>

namespace upi::ledger::events {

inline constexpr std::string_view kPaymentRequested = "PaymentRequested";
inline constexpr std::string_view kPayerResolved = "PayerResolved";
inline constexpr std::string_view kPayeeResolved = "PayeeResolved";
inline constexpr std::string_view kResolutionFailed = "ResolutionFailed";
inline constexpr std::string_view kRailSelected = "RailSelected";
inline constexpr std::string_view kDebitRequested = "DebitRequested";
inline constexpr std::string_view kDebitSucceeded = "DebitSucceeded";
inline constexpr std::string_view kDebitFailed = "DebitFailed";
inline constexpr std::string_view kDebitOutcomeUnknown = "DebitOutcomeUnknown";
inline constexpr std::string_view kCreditRequested = "CreditRequested";
inline constexpr std::string_view kCreditSucceeded = "CreditSucceeded";
inline constexpr std::string_view kCreditFailed = "CreditFailed";
inline constexpr std::string_view kCreditOutcomeUnknown = "CreditOutcomeUnknown";
inline constexpr std::string_view kStatusChecked = "StatusChecked";
inline constexpr std::string_view kReversalRequested = "ReversalRequested";
inline constexpr std::string_view kReversalSucceeded = "ReversalSucceeded";
inline constexpr std::string_view kReversalFailed = "ReversalFailed";
inline constexpr std::string_view kPaymentCompleted = "PaymentCompleted";
inline constexpr std::string_view kPaymentFailed = "PaymentFailed";
inline constexpr std::string_view kPaymentReversed = "PaymentReversed";
// A node took over driving the saga (recovery); fences the previous driver by stream version.
inline constexpr std::string_view kSagaResumed = "SagaResumed";

inline constexpr std::string_view kAll[] = {
    kPaymentRequested,     kPayerResolved,    kPayeeResolved,     kResolutionFailed,
    kRailSelected,         kDebitRequested,   kDebitSucceeded,    kDebitFailed,
    kDebitOutcomeUnknown,  kCreditRequested,  kCreditSucceeded,   kCreditFailed,
    kCreditOutcomeUnknown, kStatusChecked,    kReversalRequested, kReversalSucceeded,
    kReversalFailed,       kPaymentCompleted, kPaymentFailed,     kPaymentReversed,
    kSagaResumed};

inline std::string payment_stream(std::string_view payment_id) {
  return "payment-" + std::string(payment_id);
}

}  // namespace upi::ledger::events
