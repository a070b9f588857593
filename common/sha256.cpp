#include "common/sha256.h"

#include <openssl/evp.h>

#include <cassert>

namespace upi {

namespace {

// Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up again on every digest
// (a provider lookup under a lock), which cost more than hashing a ledger event.
const EVP_MD* sha256_method() {
  static EVP_MD* const method = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  assert(method != nullptr && "OpenSSL's default provider has SHA-256");
  return method;
}

// One digest context per thread, reused.
struct DigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string sha256_bytes(std::string_view data) {
  thread_local DigestContext context;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool ok = context.ctx != nullptr &&
                  EVP_DigestInit_ex2(context.ctx, sha256_method(), nullptr) == 1 &&
                  EVP_DigestUpdate(context.ctx, data.data(), data.size()) == 1 &&
                  EVP_DigestFinal_ex(context.ctx, digest, &length) == 1;
  assert(ok && length == 32);
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
