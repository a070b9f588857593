// Bearer API keys (RFC 6750) as the switch and the banks check them: the key from the
// Authorization header, and a comparison with a stored SHA-256 that takes the same time
// whatever the key.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/problem.h"

namespace upi::http {

inline constexpr std::size_t kApiKeyBytesMax = 256;

// The key of "Authorization: Bearer <key>" (scheme in any case). Error code: UNAUTHENTICATED,
// saying what is missing or malformed and never repeating the key.
std::expected<std::string_view, Error> bearer_key(const Request& request);
// True when SHA-256(key) is stored_sha256 (32 raw bytes), compared in constant time.
bool key_matches(std::string_view key, std::string_view stored_sha256);
// The same for a key already hashed (sha256_bytes), to check one key against many hashes.
bool digest_matches(std::string_view key_sha256, std::string_view stored_sha256);
// An UNAUTHENTICATED error (401) with this message.
Error unauthenticated(std::string message);
// The 401 for a refused key, with WWW-Authenticate: Bearer.
Response unauthenticated_response(const Error& error);

}  // namespace upi::http
