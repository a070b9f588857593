#include "common/reasons.h"

#include <array>
#include <cassert>

namespace upi {
namespace {

constexpr std::array kReasons{
    ReasonInfo{ReasonCode::kVpaNotFound, "VPA_NOT_FOUND", "ZH"},
    ReasonInfo{ReasonCode::kRailNotSupported, "RAIL_NOT_SUPPORTED", ""},
    ReasonInfo{ReasonCode::kAmountAboveLimit, "AMOUNT_ABOVE_LIMIT", "U09"},
    ReasonInfo{ReasonCode::kBankUnavailable, "BANK_UNAVAILABLE", "U86"},
    ReasonInfo{ReasonCode::kInsufficientFunds, "INSUFFICIENT_FUNDS", "Z9"},
    ReasonInfo{ReasonCode::kDebitDeclined, "DEBIT_DECLINED", "U30"},
    ReasonInfo{ReasonCode::kAccountNotFoundAtPayerBank, "ACCOUNT_NOT_FOUND", "U30"},
    ReasonInfo{ReasonCode::kAccountNotFoundAtPayeeBank, "ACCOUNT_NOT_FOUND", "U31"},
    ReasonInfo{ReasonCode::kLegClosed, "LEG_CLOSED", "U30"},
    ReasonInfo{ReasonCode::kDebitTimeout, "DEBIT_TIMEOUT", "U90"},
    ReasonInfo{ReasonCode::kDebitOutcomeUnknown, "DEBIT_OUTCOME_UNKNOWN", "U91"},
    ReasonInfo{ReasonCode::kCreditDeclined, "CREDIT_DECLINED", "U31"},
    ReasonInfo{ReasonCode::kCreditTimeout, "CREDIT_TIMEOUT", "U92"},
    ReasonInfo{ReasonCode::kReversalDeclined, "REVERSAL_DECLINED", "U32"},
    ReasonInfo{ReasonCode::kNetDebitCapExceeded, "NET_DEBIT_CAP_EXCEEDED", "U03"},
    ReasonInfo{ReasonCode::kCollectDeclined, "COLLECT_DECLINED", "ZA"},
    ReasonInfo{ReasonCode::kCollectExpired, "COLLECT_EXPIRED", "U69"},
};

}  // namespace

const ReasonInfo& reason_info(ReasonCode reason) {
  const auto& info = kReasons[static_cast<std::size_t>(reason)];
  assert(info.reason == reason && "kReasons is in the order of ReasonCode");
  return info;
}

std::span<const ReasonInfo> all_reasons() {
  return kReasons;
}

}  // namespace upi
