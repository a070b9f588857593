// Expected failures travel as values: Result<T> holds either T or an Error.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace upi {

// A failure with a stable machine-readable code (e.g. "INVALID_AMOUNT") and a precise
// human-readable message. Codes are part of the public API (specs/openapi.yaml).
struct Error {
  std::string code;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

// Makes an unexpected Error for returning from a Result<T> function.
inline std::unexpected<Error> fail(std::string code, std::string message) {
  return std::unexpected<Error>(Error{std::move(code), std::move(message)});
}

}  // namespace upi
