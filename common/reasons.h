// Why a payment or a leg did not go through: every reason code the switch and its mock banks
// give, with its UPI-style response code, in one table (specs/events.md lists the same, and a
// test keeps the two equal).
#pragma once

#include <span>
#include <string_view>

namespace upi {

enum class ReasonCode {
  kVpaNotFound,
  kRailNotSupported,
  kAmountAboveLimit,
  kBankUnavailable,
  kInsufficientFunds,
  kDebitDeclined,
  kAccountNotFoundAtPayerBank,
  kAccountNotFoundAtPayeeBank,
  kLegClosed,
  kDebitTimeout,
  kDebitOutcomeUnknown,
  kCreditDeclined,
  kCreditTimeout,
  kReversalDeclined,
  kNetDebitCapExceeded,
  kCollectDeclined,
  kCollectExpired,
};

struct ReasonInfo {
  ReasonCode reason;
  std::string_view code;      // stable, machine-readable: "INSUFFICIENT_FUNDS"
  std::string_view upi_code;  // illustrative UPI response code: "Z9" (may be empty)
};

// The entry of one reason.
const ReasonInfo& reason_info(ReasonCode reason);
// Every reason, in the order of the enum.
std::span<const ReasonInfo> all_reasons();

}  // namespace upi
