// Base64 (RFC 4648, standard alphabet, padded), as RFC 8941 byte sequences and key files use.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upi {

std::string base64_encode(std::string_view bytes);
// The bytes, or nothing when text is not canonical padded base64 (no whitespace, no stray bits).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace upi
