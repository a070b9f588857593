// The switch's gate: who is calling (a bearer API key), whether they may call now (a token
// bucket per principal) and, for principals that sign, whether the request is theirs and
// fresh (RFC 9421 Ed25519 signature over method, path, Content-Digest and Idempotency-Key,
// a nonce never seen twice within the window). A refusal is a value and changes nothing.
// Single-threaded: use from the event loop's thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/problem.h"
#include "common/timer.h"
#include "switch/credentials.h"

namespace upi::api {

struct GateLimits {
  std::int64_t signature_window_s = 300;           // |created - now| allowed, and nonce memory
  std::size_t nonces_per_principal_max = 100'000;  // bounded replay memory (see admit())
  RateLimit default_rate{200, 400};                // for principals without their own
};

// A principal's token bucket as the RateLimit headers report it.
struct RateState {
  RateLimit policy;
  std::int64_t remaining = 0;     // whole tokens left
  std::int64_t full_in_s = 0;     // seconds until the bucket is full again
  std::int64_t next_token_s = 0;  // seconds until the next token (Retry-After on a 429)
};

// An admitted caller.
struct Caller {
  const Principal* principal = nullptr;
  std::optional<RateState> rate;  // none when authentication is off
};

// A refusal: the error and, for a rate limit, the bucket it hit.
struct Refusal {
  Error error;
  std::optional<RateState> rate;
};

class Gatekeeper {
 public:
  // Authentication on: only the principals of credentials get in.
  Gatekeeper(Credentials credentials, const Clock& wall_clock, GateLimits limits = {});
  // Authentication off (--auth none): every request is the "anonymous" admin.
  static Gatekeeper without_authentication(const Clock& wall_clock);

  bool authenticating() const { return authenticating_; }
  // Checks the bearer key (401 UNAUTHENTICATED), the rate (429 RATE_LIMITED), then the
  // signature and digest of a POST, PUT, PATCH or DELETE by a principal that signs (401
  // SIGNATURE_REQUIRED, SIGNATURE_INVALID, SIGNATURE_EXPIRED, SIGNATURE_REPLAYED,
  // DIGEST_MISMATCH). A nonce is remembered only once its signature verified, so nobody but
  // the key's holder can use up its nonces.
  std::expected<Caller, Refusal> admit(const http::Request& request);
  // The principal with this id, if any (for tests and logs).
  const Principal* find(std::string_view id) const;

 private:
  struct Entry {
    Credential credential;
    RateLimit rate;
    std::int64_t tokens_micro = 0;  // a token is a million micro-tokens: integer arithmetic
    MonotonicClock::time_point refilled{};
    std::multimap<std::int64_t, std::string> nonces_by_expiry;  // expiry (Unix s) -> nonce
    std::unordered_map<std::string, std::int64_t> nonces;       // nonce -> expiry
    std::int64_t created_floor_s = 0;  // signatures created at or before this are refused
  };
  Gatekeeper(const Clock& wall_clock, GateLimits limits, bool authenticating);

  Entry* authenticate(const http::Request& request, Error* error);
  std::optional<RateState> charge(Entry& entry);
  std::optional<Error> check_signature(Entry& entry, const http::Request& request);
  std::optional<Error> check_nonce(Entry& entry, const std::string& nonce, std::int64_t created_s,
                                   std::int64_t now_s);

  const Clock& wall_clock_;
  GateLimits limits_;
  bool authenticating_;
  std::vector<Entry> entries_;
  Principal anonymous_{"anonymous", Role::kAdmin, ""};
};

// The problem+json answer to a refusal, with WWW-Authenticate on a 401 and Retry-After and the
// RateLimit headers on a 429.
http::Response refusal_response(const Refusal& refusal);
// RateLimit-Policy and RateLimit (IETF httpapi-ratelimit-headers) for an admitted caller.
void add_rate_headers(http::Response& response, const Caller& caller);

}  // namespace upi::api
