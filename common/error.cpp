#include "common/error.h"

namespace upi {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid:
      return "invalid";
    case ErrorKind::kMalformed:
      return "malformed";
    case ErrorKind::kUnauthenticated:
      return "unauthenticated";
    case ErrorKind::kForbidden:
      return "forbidden";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kTooLarge:
      return "too_large";
    case ErrorKind::kUnsupported:
      return "unsupported";
    case ErrorKind::kRateLimited:
      return "rate_limited";
    case ErrorKind::kBusy:
      return "busy";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kBadUpstream:
      return "bad_upstream";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace upi
