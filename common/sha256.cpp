#include "common/sha256.h"

#include <openssl/evp.h>

#include <cassert>

namespace upi {

std::string sha256_bytes(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  assert(ok == 1 && length == 32);
  (void)ok;
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string hex_from_bytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * bytes.size(), '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[byte >> 4];
    out[2 * i + 1] = kHex[byte & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  return hex_from_bytes(sha256_bytes(data));
}

bool append_bytes_from_hex(std::string_view text, std::string& out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (text.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

std::optional<std::string> bytes_from_hex(std::string_view text) {
  std::string out;
  if (!append_bytes_from_hex(text, out)) return std::nullopt;
  return out;
}

}  // namespace upi
