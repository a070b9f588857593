// The principals that may call the switch, from a credentials file (--credentials FILE) or,
// for the built-in demo world only, the built-in demo credentials. Only the SHA-256 of each
// API key and only public signing keys are held; no secret of a principal is ever here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/principal.h"
#include "common/world.h"

namespace upi::api {

inline constexpr std::size_t kPrincipalsMax = 1'000;
inline constexpr std::int64_t kRatePerSecondMax = 1'000'000;

// A token bucket: per_second tokens a second, at most burst at once.
struct RateLimit {
  std::int64_t per_second = 0;
  std::int64_t burst = 0;
};

struct Credential {
  Principal principal;
  std::string api_key_sha256;      // 32 raw bytes
  std::string signing_public_key;  // 32 raw bytes of an Ed25519 key; empty: no signing needed
  std::optional<RateLimit> rate;   // none: the switch's default
};

struct Credentials {
  std::vector<Credential> principals;
};

// Parses {"principals":[{"id","role","psp","api_key_sha256","signing","rate"}...]} and checks
// it against the world: ids unique (1-64 of [a-z0-9._-]), roles psp, auditor or admin, a psp
// handle that the world has (and only for role psp), 64 hex digits of key hash (no two alike),
// an Ed25519 public key in base64 of 32 bytes, rates within bounds.
// Error code: INVALID_CREDENTIALS, naming the entry at fault.
Result<Credentials> parse_credentials(std::string_view json_text, const World& world);
Result<Credentials> load_credentials(const std::string& path, const World& world);

// The demo credentials that come with the built-in demo world (specs/demo-credentials.json):
// public keys, for trying the switch out only. The README lists them.
std::string_view demo_credentials_json();

}  // namespace upi::api
