// SHA-256 through OpenSSL, as lower-case hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upi {

std::string sha256_hex(std::string_view data);
// The 32 raw bytes.
std::string sha256_bytes(std::string_view data);
// The bytes of lower-case hex (as sha256_hex writes it); nothing when text is not that.
std::optional<std::string> bytes_from_hex(std::string_view text);

}  // namespace upi
