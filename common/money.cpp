#include "common/money.h"

#include <cassert>
#include <cstdlib>

namespace upi {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<Paise> parse_money(std::string_view text, ZeroPolicy zero) {
  constexpr std::string_view kCode = "INVALID_AMOUNT";
  if (text.empty())
    return fail(ErrorKind::kInvalid, std::string(kCode), "amount must not be empty");
  if (text.size() > 24) return fail(ErrorKind::kInvalid, std::string(kCode), "amount is too long");
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction)) {
    return fail(ErrorKind::kInvalid, std::string(kCode),
                "amount must be a decimal string of digits with an optional '.' and up to two "
                "fraction digits, e.g. \"1500.00\"");
  }
  if (dot != std::string_view::npos && fraction.empty()) {
    return fail(ErrorKind::kInvalid, std::string(kCode),
                "amount must have digits after the decimal point");
  }
  if (fraction.size() > 2) {
    return fail(ErrorKind::kInvalid, std::string(kCode),
                "amount must have at most two fraction digits (paise)");
  }
  if (whole.size() > 1 && whole[0] == '0') {
    return fail(ErrorKind::kInvalid, std::string(kCode), "amount must not have leading zeros");
  }
  if (whole.size() > 14)
    return fail(ErrorKind::kInvalid, std::string(kCode), "amount is too large");
  Paise rupees = 0;
  for (char c : whole) rupees = rupees * 10 + (c - '0');
  Paise paise = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    paise = paise * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  if (rupees > (kPaiseMax - paise) / kPaisePerRupee) {
    return fail(ErrorKind::kInvalid, std::string(kCode), "amount is too large");
  }
  const Paise total = rupees * kPaisePerRupee + paise;
  if (total == 0 && zero == ZeroPolicy::kReject) {
    return fail(ErrorKind::kInvalid, std::string(kCode), "amount must be greater than zero");
  }
  assert(total >= 0 && total <= kPaiseMax);
  return total;
}

Result<Paise> parse_signed_money(std::string_view text) {
  const bool negative = text.starts_with('-');
  auto magnitude = parse_money(negative ? text.substr(1) : text, ZeroPolicy::kAllow);
  if (!magnitude) return magnitude;
  return negative ? -*magnitude : *magnitude;
}

std::string format_money(Paise paise) {
  assert(paise > INT64_MIN);
  const bool negative = paise < 0;
  const Paise magnitude = negative ? -paise : paise;
  std::string out = std::to_string(magnitude / kPaisePerRupee);
  const Paise fraction = magnitude % kPaisePerRupee;
  out += '.';
  out += static_cast<char>('0' + fraction / 10);
  out += static_cast<char>('0' + fraction % 10);
  return negative ? "-" + out : out;
}

}  // namespace upi
