#include "common/bearer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

#include "common/sha256.h"

namespace upi::http {
namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

Error unauthenticated(std::string message) {
  return Error{ErrorKind::kUnauthenticated, "UNAUTHENTICATED", std::move(message)};
}

std::expected<std::string_view, Error> bearer_key(const Request& request) {
  auto header = request.find(beast_http::field::authorization);
  if (header == request.end())
    return std::unexpected(unauthenticated("Authorization: Bearer <api key> is required"));
  std::string_view value = header->value();
  if (!starts_with_ignoring_case(value, "Bearer "))
    return std::unexpected(unauthenticated("Authorization must use the Bearer scheme"));
  value.remove_prefix(7);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (value.empty() || value.size() > kApiKeyBytesMax)
    return std::unexpected(unauthenticated("the bearer API key must be 1-256 characters"));
  return value;
}

bool key_matches(std::string_view key, std::string_view stored_sha256) {
  return digest_matches(sha256_bytes(key), stored_sha256);
}

bool digest_matches(std::string_view key_sha256, std::string_view stored_sha256) {
  return stored_sha256.size() == key_sha256.size() &&
         CRYPTO_memcmp(key_sha256.data(), stored_sha256.data(), key_sha256.size()) == 0;
}

Response unauthenticated_response(const Error& error) {
  Response response = problem(error);
  response.set(beast_http::field::www_authenticate,
               error.code == "UNAUTHENTICATED"
                   ? "Bearer realm=\"upi-switch\""
                   : "Bearer realm=\"upi-switch\", error=\"invalid_request\"");
  return response;
}

}  // namespace upi::http
