// SHA-256 through OpenSSL, as lower-case hex.
#pragma once

#include <string>
#include <string_view>

namespace upi {

std::string sha256_hex(std::string_view data);
// The 32 raw bytes.
std::string sha256_bytes(std::string_view data);

}  // namespace upi
