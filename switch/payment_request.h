// Validation of POST /v1/payments: body, Idempotency-Key and Prefer headers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/scheme.h"
#include "sagas/payment_state.h"

namespace upi::api {

inline constexpr std::size_t kIdempotencyKeyBytesMax = 255;
inline constexpr std::size_t kNoteBytesMax = 100;
inline constexpr int kPreferWaitSecondsMax = 60;

// Parses and checks a payment body: {"payer_vpa","payee_vpa","amount","currency","note"}.
// Error codes: INVALID_JSON, UNKNOWN_FIELD, INVALID_FIELD, INVALID_VPA, SAME_VPA,
// INVALID_AMOUNT, AMOUNT_ABOVE_LIMIT, UNSUPPORTED_CURRENCY, INVALID_NOTE.
Result<sagas::PaymentRequest> parse_payment_request(std::string_view body, const Scheme& scheme);

// What POST /v1/payments/{id}/refunds asks for, validated.
struct RefundBody {
  Paise amount = 0;
  std::string note;
};
// Parses and checks a refund body: {"amount","note"}. Error codes: INVALID_JSON, UNKNOWN_FIELD,
// INVALID_FIELD, INVALID_AMOUNT, AMOUNT_ABOVE_LIMIT, INVALID_NOTE.
Result<RefundBody> parse_refund_body(std::string_view body, const Scheme& scheme);

// What POST /v1/collect-requests asks for, validated.
struct CollectBody {
  std::string payee_vpa, payer_vpa;  // normalised (lower case), different
  Paise amount = 0;                  // at most the scheme's collect.amount_max
  std::string note;
  std::int64_t expires_in_s = 0;  // 1 to collect.expiry_max_s; collect.expiry_default_s if absent
};
// Parses and checks a collect request body: {"payee_vpa","payer_vpa","amount","note",
// "expires_in_seconds"}. Error codes: INVALID_JSON, UNKNOWN_FIELD, INVALID_FIELD, INVALID_VPA,
// SAME_VPA, INVALID_AMOUNT, AMOUNT_ABOVE_LIMIT, AMOUNT_ABOVE_COLLECT_LIMIT, INVALID_NOTE.
Result<CollectBody> parse_collect_body(std::string_view body, const Scheme& scheme);

// 1-255 visible ASCII characters. Error codes: IDEMPOTENCY_KEY_MISSING, INVALID_IDEMPOTENCY_KEY.
Result<std::string> check_idempotency_key(std::string_view header_value, bool present);

// The N of "wait=N" in a Prefer header (RFC 7240), capped at kPreferWaitSecondsMax; nothing
// when absent or not understood (preferences that are not understood are ignored).
std::optional<int> prefer_wait_seconds(std::string_view prefer);

}  // namespace upi::api
