// Expected failures travel as values: Result<T> holds either T or an Error.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace upi {

// What went wrong, as a closed set: the HTTP status of a problem follows from the kind alone
// (common/problem.h), so a handler never picks a status by hand. The kinds mirror the classes
// of PostgreSQL's SQLSTATE: data exceptions are kInvalid, 40001 and unique violations
// kConflict, connection exceptions kUnavailable, 57014 kTimeout (common/pg.h maps them).
enum class ErrorKind : std::uint8_t {
  kInvalid,          // 422: well-formed input that breaks a rule (amount, VPA, limit, config)
  kMalformed,        // 400: input that cannot be read at all (JSON syntax, a bad header)
  kUnauthenticated,  // 401: no credentials, or unknown ones
  kForbidden,        // 403: the caller may not do this
  kNotFound,         // 404: no such thing
  kConflict,         // 409: the state moved under the request (stream version, in progress)
  kTooLarge,         // 413: the input is over its bound
  kUnsupported,      // 415: a body in a media type the route does not take
  kRateLimited,      // 429: the caller is over its rate; retry after the time it is told
  kBusy,             // 503: a bound on work in flight is reached; retry shortly
  kUnavailable,      // 503: a dependency (store, bank, network) cannot be reached
  kBadUpstream,      // 502: a dependency answered, but not as its contract says
  kTimeout,          // 504: no answer before the deadline
  kInternal,         // 500: a bug or broken invariant
};

// The kind's name as logs and tests show it ("invalid", "not_found", ...).
std::string_view error_kind_name(ErrorKind kind);

// A failure of a closed kind with a stable machine-readable code (e.g. "INVALID_AMOUNT") and a
// precise human-readable message. Codes are part of the public API (specs/openapi.yaml).
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

// Makes an unexpected Error for returning from a Result<T> function.
inline std::unexpected<Error> fail(ErrorKind kind, std::string code, std::string message) {
  return std::unexpected<Error>(Error{kind, std::move(code), std::move(message)});
}

// The same error (kind and code) with context in front of its message: "world.json: ...".
inline std::unexpected<Error> fail_in(std::string_view context, const Error& error) {
  return std::unexpected<Error>(
      Error{error.kind, error.code, std::string(context) + ": " + error.message});
}

}  // namespace upi
