#include "switch/payment_request.h"

#include "common/json.h"
#include "common/vpa.h"

namespace upi::api {
namespace {

Result<std::string> parse_party(const json::object& body, std::string_view field) {
  auto text = required_string(body, field, "request body");
  if (!text) return std::unexpected(text.error());
  auto vpa = parse_vpa(*text);
  if (!vpa) return fail_in(field, vpa.error());
  return vpa->str();
}

Result<Paise> parse_amount(const json::object& body, const Scheme& scheme) {
  const json::value* amount = body.if_contains("amount");
  if (amount != nullptr && amount->is_number()) {
    return fail(ErrorKind::kInvalid, "INVALID_AMOUNT",
                "amount must be a decimal string such as \"1500.00\", not a JSON number");
  }
  auto text = required_string(body, "amount", "request body");
  if (!text) return std::unexpected(text.error());
  auto paise = parse_money(*text);
  if (!paise) return std::unexpected(paise.error());
  if (*paise > scheme.amount_max()) {
    return fail(ErrorKind::kInvalid, "AMOUNT_ABOVE_LIMIT",
                "amount exceeds the scheme maximum of " + format_money(scheme.amount_max()));
  }
  return *paise;
}

Result<std::string> parse_note(const json::object& body) {
  auto note = optional_string(body, "note", "request body");
  if (!note) return std::unexpected(note.error());
  const std::string text = note->value_or("");
  if (text.size() > kNoteBytesMax) {
    return fail(ErrorKind::kInvalid, "INVALID_NOTE",
                "note must be at most " + std::to_string(kNoteBytesMax) + " bytes");
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f)
      return fail(ErrorKind::kInvalid, "INVALID_NOTE", "note must not contain control characters");
  }
  return text;
}

}  // namespace

Result<sagas::PaymentRequest> parse_payment_request(std::string_view body, const Scheme& scheme) {
  auto obj = parse_json_object(body, 4);
  if (!obj) return std::unexpected(obj.error());
  if (auto ok = reject_unknown_fields(
          *obj, {"payer_vpa", "payee_vpa", "amount", "currency", "note"}, "request body");
      !ok) {
    return std::unexpected(ok.error());
  }
  sagas::PaymentRequest request;
  auto payer = parse_party(*obj, "payer_vpa");
  if (!payer) return std::unexpected(payer.error());
  auto payee = parse_party(*obj, "payee_vpa");
  if (!payee) return std::unexpected(payee.error());
  if (*payer == *payee)
    return fail(ErrorKind::kInvalid, "SAME_VPA", "payer_vpa and payee_vpa must differ");
  auto amount = parse_amount(*obj, scheme);
  if (!amount) return std::unexpected(amount.error());
  auto currency = optional_string(*obj, "currency", "request body");
  if (!currency) return std::unexpected(currency.error());
  if (currency->value_or("INR") != "INR") {
    return fail(ErrorKind::kInvalid, "UNSUPPORTED_CURRENCY", "currency must be \"INR\"");
  }
  auto note = parse_note(*obj);
  if (!note) return std::unexpected(note.error());
  request.payer_vpa = *payer;
  request.payee_vpa = *payee;
  request.amount = *amount;
  request.note = *note;
  return request;
}

Result<RefundBody> parse_refund_body(std::string_view body, const Scheme& scheme) {
  auto obj = parse_json_object(body, 4);
  if (!obj) return std::unexpected(obj.error());
  if (auto ok = reject_unknown_fields(*obj, {"amount", "note"}, "request body"); !ok)
    return std::unexpected(ok.error());
  auto amount = parse_amount(*obj, scheme);
  if (!amount) return std::unexpected(amount.error());
  auto note = parse_note(*obj);
  if (!note) return std::unexpected(note.error());
  return RefundBody{*amount, *note};
}

namespace {

Result<std::int64_t> parse_expiry(const json::object& body, const CollectLimits& limits) {
  const json::value* v = body.if_contains("expires_in_seconds");
  if (v == nullptr) return limits.expiry_default_s;
  if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > limits.expiry_max_s) {
    return fail(ErrorKind::kInvalid, "INVALID_FIELD",
                "expires_in_seconds must be a whole number from 1 to " +
                    std::to_string(limits.expiry_max_s));
  }
  return v->as_int64();
}

}  // namespace

Result<CollectBody> parse_collect_body(std::string_view body, const Scheme& scheme) {
  auto obj = parse_json_object(body, 4);
  if (!obj) return std::unexpected(obj.error());
  if (auto ok = reject_unknown_fields(
          *obj, {"payee_vpa", "payer_vpa", "amount", "note", "expires_in_seconds"}, "request body");
      !ok) {
    return std::unexpected(ok.error());
  }
  auto payee = parse_party(*obj, "payee_vpa");
  if (!payee) return std::unexpected(payee.error());
  auto payer = parse_party(*obj, "payer_vpa");
  if (!payer) return std::unexpected(payer.error());
  if (*payer == *payee)
    return fail(ErrorKind::kInvalid, "SAME_VPA", "payer_vpa and payee_vpa must differ");
  auto amount = parse_amount(*obj, scheme);
  if (!amount) return std::unexpected(amount.error());
  if (*amount > scheme.collect.amount_max) {
    return fail(ErrorKind::kInvalid, "AMOUNT_ABOVE_COLLECT_LIMIT",
                "a collect request may ask for at most " + format_money(scheme.collect.amount_max));
  }
  auto note = parse_note(*obj);
  if (!note) return std::unexpected(note.error());
  auto expires_in_s = parse_expiry(*obj, scheme.collect);
  if (!expires_in_s) return std::unexpected(expires_in_s.error());
  return CollectBody{*payee, *payer, *amount, *note, *expires_in_s};
}

Result<std::string> check_idempotency_key(std::string_view value, bool present) {
  if (!present || value.empty()) {
    return fail(ErrorKind::kMalformed, "IDEMPOTENCY_KEY_MISSING",
                "the Idempotency-Key header is required (1-255 visible ASCII characters)");
  }
  if (value.size() > kIdempotencyKeyBytesMax) {
    return fail(ErrorKind::kMalformed, "INVALID_IDEMPOTENCY_KEY",
                "Idempotency-Key must be at most 255 characters");
  }
  for (unsigned char c : value) {
    if (c < 0x21 || c > 0x7e) {
      return fail(ErrorKind::kMalformed, "INVALID_IDEMPOTENCY_KEY",
                  "Idempotency-Key must be visible ASCII characters without spaces");
    }
  }
  return std::string(value);
}

std::optional<int> prefer_wait_seconds(std::string_view prefer) {
  std::size_t start = 0;
  while (start <= prefer.size()) {
    auto end = prefer.find_first_of(",;", start);
    std::string_view token =
        prefer.substr(start, end == std::string_view::npos ? prefer.npos : end - start);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.size() > 5 && token.substr(0, 5) == "wait=") {
      const std::string_view digits = token.substr(5);
      if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
      }
      return std::min(std::stoi(std::string(digits)), kPreferWaitSecondsMax);
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace upi::api
