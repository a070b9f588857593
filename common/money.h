// Money is an int64 count of paise inside and a decimal string ("1500.00") outside.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace upi {

using Paise = std::int64_t;

inline constexpr Paise kPaisePerRupee = 100;
// Largest amount the parser accepts before any scheme limit: 9e15 paise keeps sums of many
// amounts far from int64 overflow.
inline constexpr Paise kPaiseMax = 9'000'000'000'000'000;

enum class ZeroPolicy { kReject, kAllow };

// Parses "1500", "1500.5" or "1500.00" into paise. Rejects signs, exponents, more than two
// fraction digits, leading zeros ("01.00"), empty parts ("1.", ".5"), values above
// kPaiseMax and, unless allowed, zero. Error code: INVALID_AMOUNT.
Result<Paise> parse_money(std::string_view text, ZeroPolicy zero = ZeroPolicy::kReject);

// Formats paise as a decimal string with exactly two fraction digits; negative values get a
// leading '-'.
std::string format_money(Paise paise);

// Parses what format_money writes, sign included ("-1500.00", "0.00"): for reading signed
// amounts such as net positions. Error code: INVALID_AMOUNT.
Result<Paise> parse_signed_money(std::string_view text);

}  // namespace upi
