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
// The same, appended to out without a string of its own; false (out then undefined) when text
// is not lower-case hex.
bool append_bytes_from_hex(std::string_view text, std::string& out);
// Bytes as lower-case hex.
std::string hex_from_bytes(std::string_view bytes);

}  // namespace upi
