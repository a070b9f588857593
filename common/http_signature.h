// HTTP Message Signatures (RFC 9421) with Ed25519, and Content-Digest (RFC 9530, sha-256):
// the parsing and the signature base a verifier needs, and the signing a client needs. The
// structured fields (RFC 8941) are read strictly; anything else is refused, never guessed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace upi::http {

inline constexpr std::size_t kSignatureHeaderBytesMax = 4096;
inline constexpr std::size_t kSignatureComponentsMax = 16;

// "sha-256=:<base64 of the body's SHA-256>:".
std::string content_digest(std::string_view body);
// The body matches a Content-Digest header that carries sha-256 (other algorithms beside it are
// ignored). Error code: DIGEST_MISMATCH (unauthenticated) when absent, unreadable or different.
Result<void> check_content_digest(std::string_view header, std::string_view body);

// The parameters of one signature (the Signature-Input member).
struct SignatureParams {
  std::vector<std::string> components;  // covered components in order: "@method", "date", ...
  std::optional<std::int64_t> created;  // Unix seconds
  std::optional<std::int64_t> expires;
  std::string keyid;
  std::string nonce;
  std::string alg;
  std::string tag;
  // The parameter names in the order they were received; serialisation keeps it, since the
  // signer signed that order. Empty: created, expires, keyid, nonce, alg, tag as set.
  std::vector<std::string> order;
};

// One signature read from the Signature-Input and Signature headers.
struct ReceivedSignature {
  std::string label;
  SignatureParams params;
  std::string signature;  // raw bytes
};

// Reads the two headers; each must hold exactly one member, under the same label.
// Error code: SIGNATURE_INVALID (unauthenticated), saying what is wrong.
Result<ReceivedSignature> parse_signature(std::string_view signature_input,
                                          std::string_view signature);

// The inner list and its parameters as RFC 8941 serialises them (the @signature-params value).
std::string serialize_signature_params(const SignatureParams& params);

// The value of a covered component in a request: derived ones ("@method", "@path", "@query",
// "@authority") and header fields (lower-case names); nothing when the request has none.
using ComponentValue = std::function<std::optional<std::string>(std::string_view name)>;

// The signature base of RFC 9421 section 2.5. Error code: SIGNATURE_INVALID when a covered
// component is absent or not supported.
Result<std::string> signature_base(const SignatureParams& params, const ComponentValue& value);

// What a client adds to a request to sign it.
struct SignatureHeaders {
  std::string content_digest;
  std::string signature_input;
  std::string signature;
};

// A request to sign, as a client sees it.
struct RequestToSign {
  std::string method;
  std::string path;             // without the query
  std::string idempotency_key;  // covered when not empty
  std::string body;
};

// Signs method, path, Content-Digest and the Idempotency-Key (when there is one) with an
// Ed25519 private key (32 raw bytes), under label "sig1". Nothing when the key is not 32 bytes.
std::optional<SignatureHeaders> sign_request(const RequestToSign& request,
                                             std::string_view private_key, const std::string& keyid,
                                             std::int64_t created_s, const std::string& nonce);

}  // namespace upi::http
