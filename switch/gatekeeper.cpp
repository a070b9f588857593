#include "switch/gatekeeper.h"

#include <algorithm>

#include "common/bearer.h"
#include "common/ed25519.h"
#include "common/http_signature.h"
#include "common/sha256.h"

namespace upi::api {
namespace {

namespace beast_http = http::beast_http;
constexpr std::int64_t kMicro = 1'000'000;
constexpr std::size_t kNonceBytesMax = 128;

Error signature_error(std::string code, std::string message) {
  return Error{ErrorKind::kUnauthenticated, std::move(code), std::move(message)};
}

bool needs_signature(beast_http::verb method) {
  return method == beast_http::verb::post || method == beast_http::verb::put ||
         method == beast_http::verb::patch || method == beast_http::verb::delete_;
}

// A covered component's value in a received request.
std::optional<std::string> component_of(const http::Request& request, std::string_view name) {
  const std::string_view target = request.target();
  const auto query = target.find('?');
  if (name == "@method") return std::string(request.method_string());
  if (name == "@path") return std::string(target.substr(0, query));
  if (name == "@query")
    return query == std::string_view::npos ? std::string("?") : std::string(target.substr(query));
  if (name == "@authority") {
    auto host = request.find(beast_http::field::host);
    if (host == request.end()) return std::nullopt;
    std::string value(host->value());
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return value;
  }
  std::optional<std::string> joined;
  for (auto range = request.equal_range(name); range.first != range.second; ++range.first) {
    joined = joined ? *joined + ", " + std::string(range.first->value())
                    : std::string(range.first->value());
  }
  return joined;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

}  // namespace

Gatekeeper::Gatekeeper(const Clock& wall_clock, GateLimits limits, bool authenticating)
    : wall_clock_(wall_clock), limits_(limits), authenticating_(authenticating) {}

Gatekeeper::Gatekeeper(Credentials credentials, const Clock& wall_clock, GateLimits limits)
    : Gatekeeper(wall_clock, limits, true) {
  entries_.reserve(credentials.principals.size());
  for (auto& credential : credentials.principals) {
    Entry entry;
    entry.rate = credential.rate.value_or(limits_.default_rate);
    entry.tokens_micro = entry.rate.burst * kMicro;
    entry.refilled = MonotonicClock::now();
    entry.credential = std::move(credential);
    entries_.push_back(std::move(entry));
  }
}

Gatekeeper Gatekeeper::without_authentication(const Clock& wall_clock) {
  return Gatekeeper(wall_clock, GateLimits{}, false);
}

const Principal* Gatekeeper::find(std::string_view id) const {
  for (const auto& entry : entries_)
    if (entry.credential.principal.id == id) return &entry.credential.principal;
  return nullptr;
}

std::expected<Caller, Refusal> Gatekeeper::admit(const http::Request& request) {
  if (!authenticating_) return Caller{&anonymous_, std::nullopt};
  Error error;
  Entry* entry = authenticate(request, &error);
  if (entry == nullptr) return std::unexpected(Refusal{std::move(error), std::nullopt});
  auto rate = charge(*entry);
  if (!rate) {
    RateState state;
    state.policy = entry->rate;
    state.next_token_s = std::max<std::int64_t>(
        1, ceil_div(kMicro - entry->tokens_micro, entry->rate.per_second * kMicro));
    state.full_in_s =
        ceil_div(entry->rate.burst * kMicro - entry->tokens_micro, entry->rate.per_second * kMicro);
    return std::unexpected(Refusal{
        Error{ErrorKind::kRateLimited, "RATE_LIMITED",
              "over " + std::to_string(entry->rate.per_second) + " requests a second (burst " +
                  std::to_string(entry->rate.burst) + "); retry after the time given"},
        state});
  }
  if (needs_signature(request.method()) && !entry->credential.signing_public_key.empty()) {
    if (auto refused = check_signature(*entry, request))
      return std::unexpected(Refusal{std::move(*refused), std::nullopt});
  }
  return Caller{&entry->credential.principal, rate};
}

Gatekeeper::Entry* Gatekeeper::authenticate(const http::Request& request, Error* error) {
  auto key = http::bearer_key(request);
  if (!key) {
    *error = key.error();
    return nullptr;
  }
  // Every stored hash is compared in full, so the time taken says nothing about which key
  // (or how much of one) matched.
  const std::string presented = sha256_bytes(*key);  // once, not once per principal
  Entry* found = nullptr;
  for (auto& entry : entries_) {
    if (http::digest_matches(presented, entry.credential.api_key_sha256)) found = &entry;
  }
  if (found == nullptr) *error = http::unauthenticated("the API key is not known");
  return found;
}

std::optional<RateState> Gatekeeper::charge(Entry& entry) {
  const auto now = MonotonicClock::now();
  const auto elapsed_us =
      std::chrono::duration_cast<std::chrono::microseconds>(now - entry.refilled).count();
  const std::int64_t capacity = entry.rate.burst * kMicro;
  // Whoever waited long enough has a full bucket; only a shorter wait is multiplied, which
  // keeps the product far from overflowing.
  const std::int64_t missing = capacity - entry.tokens_micro;
  if (elapsed_us >= ceil_div(missing, entry.rate.per_second)) {
    entry.tokens_micro = capacity;
  } else {
    entry.tokens_micro += elapsed_us * entry.rate.per_second;
  }
  entry.refilled = now;
  if (entry.tokens_micro < kMicro) return std::nullopt;
  entry.tokens_micro -= kMicro;
  RateState state;
  state.policy = entry.rate;
  state.remaining = entry.tokens_micro / kMicro;
  state.full_in_s = ceil_div(capacity - entry.tokens_micro, entry.rate.per_second * kMicro);
  return state;
}

std::optional<Error> Gatekeeper::check_signature(Entry& entry, const http::Request& request) {
  auto input = request.find("Signature-Input");
  auto signature = request.find("Signature");
  if (input == request.end() || signature == request.end() || request.count("Signature") > 1 ||
      request.count("Signature-Input") > 1) {
    return signature_error("SIGNATURE_REQUIRED",
                           "principal " + entry.credential.principal.id +
                               " signs its requests: send one Signature-Input and one Signature "
                               "(RFC 9421, ed25519)");
  }
  auto received = http::parse_signature(input->value(), signature->value());
  if (!received) return received.error();
  const auto& params = received->params;
  if (params.keyid != entry.credential.principal.id)
    return signature_error("SIGNATURE_INVALID", "keyid must be the caller's principal id");
  if (!params.alg.empty() && params.alg != "ed25519")
    return signature_error("SIGNATURE_INVALID", "alg must be ed25519");
  if (!params.created || params.nonce.empty() || params.nonce.size() > kNonceBytesMax)
    return signature_error("SIGNATURE_INVALID", "created and a nonce of 1-128 bytes are required");
  std::vector<std::string> required = {"@method", "@path", "content-digest"};
  if (request.count("Idempotency-Key") > 0) required.push_back("idempotency-key");
  for (const auto& component : required) {
    if (std::find(params.components.begin(), params.components.end(), component) ==
        params.components.end())
      return signature_error("SIGNATURE_INVALID", "the signature must cover " + component);
  }
  auto digest = request.find("Content-Digest");
  if (digest == request.end())
    return signature_error("DIGEST_MISMATCH", "Content-Digest (sha-256) is required");
  if (auto ok = http::check_content_digest(digest->value(), request.body()); !ok) return ok.error();
  const std::int64_t now_s = wall_clock_.now_ms() / 1000;
  if (*params.created > now_s + limits_.signature_window_s ||
      *params.created < now_s - limits_.signature_window_s ||
      (params.expires && *params.expires < now_s) || *params.created <= entry.created_floor_s) {
    return signature_error("SIGNATURE_EXPIRED",
                           "created must be within " + std::to_string(limits_.signature_window_s) +
                               " s of the switch clock (" + std::to_string(now_s) + ")");
  }
  auto base = http::signature_base(
      params, [&](std::string_view name) { return component_of(request, name); });
  if (!base) return base.error();
  if (!ed25519_verify(entry.credential.signing_public_key, *base, received->signature))
    return signature_error("SIGNATURE_INVALID", "the signature does not verify");
  return check_nonce(entry, params.nonce, *params.created, now_s);
}

std::optional<Error> Gatekeeper::check_nonce(Entry& entry, const std::string& nonce,
                                             std::int64_t created_s, std::int64_t now_s) {
  // A nonce matters only while its signature could still be accepted.
  while (!entry.nonces_by_expiry.empty() && entry.nonces_by_expiry.begin()->first < now_s) {
    entry.nonces.erase(entry.nonces_by_expiry.begin()->second);
    entry.nonces_by_expiry.erase(entry.nonces_by_expiry.begin());
  }
  if (entry.nonces.contains(nonce))
    return signature_error("SIGNATURE_REPLAYED", "this nonce was already used by this principal");
  if (entry.nonces.size() >= limits_.nonces_per_principal_max) {
    // Memory is bounded: forget the nonce that expires first, and from now on refuse every
    // signature created no later than it, whose replay could no longer be recognised.
    auto oldest = entry.nonces_by_expiry.begin();
    entry.created_floor_s =
        std::max(entry.created_floor_s, oldest->first - limits_.signature_window_s);
    entry.nonces.erase(oldest->second);
    entry.nonces_by_expiry.erase(oldest);
    if (created_s <= entry.created_floor_s)
      return signature_error("SIGNATURE_EXPIRED", "too many recent signatures; sign afresh");
  }
  const std::int64_t expiry = created_s + limits_.signature_window_s;
  entry.nonces.emplace(nonce, expiry);
  entry.nonces_by_expiry.emplace(expiry, nonce);
  return std::nullopt;
}

http::Response refusal_response(const Refusal& refusal) {
  http::Response response = refusal.error.kind == ErrorKind::kUnauthenticated
                                ? http::unauthenticated_response(refusal.error)
                                : http::problem(refusal.error);
  if (refusal.rate) {
    response.set(beast_http::field::retry_after, std::to_string(refusal.rate->next_token_s));
    add_rate_headers(response, Caller{nullptr, refusal.rate});
  }
  return response;
}

void add_rate_headers(http::Response& response, const Caller& caller) {
  if (!caller.rate) return;
  const RateState& rate = *caller.rate;
  const std::int64_t window_s =
      std::max<std::int64_t>(1, ceil_div(rate.policy.burst, rate.policy.per_second));
  response.set("RateLimit-Policy", "\"principal\";q=" + std::to_string(rate.policy.burst) +
                                       ";w=" + std::to_string(window_s));
  response.set("RateLimit", "\"principal\";r=" + std::to_string(rate.remaining) +
                                ";t=" + std::to_string(rate.full_in_s));
}

}  // namespace upi::api
