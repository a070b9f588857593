#include "common/vpa.h"

#include <cctype>

namespace upi {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

Result<Vpa> parse_vpa(std::string_view text) {
  const std::string code = "INVALID_VPA";
  if (text.size() > 128) return fail(ErrorKind::kInvalid, code, "VPA is longer than 97 characters");
  const std::string s = lower(text);
  const auto at = s.find('@');
  if (at == std::string::npos || s.find('@', at + 1) != std::string::npos) {
    return fail(ErrorKind::kInvalid, code, "VPA must have exactly one '@', as in localpart@handle");
  }
  Vpa vpa{s.substr(0, at), s.substr(at + 1)};
  if (vpa.localpart.size() < 3 || vpa.localpart.size() > 64) {
    return fail(ErrorKind::kInvalid, code, "VPA localpart must be 3 to 64 characters");
  }
  for (char c : vpa.localpart) {
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-') {
      return fail(ErrorKind::kInvalid, code,
                  "VPA localpart may contain only a-z, 0-9, '.', '_' and '-'");
    }
  }
  if (vpa.localpart.front() == '.' || vpa.localpart.back() == '.') {
    return fail(ErrorKind::kInvalid, code, "VPA localpart must not start or end with '.'");
  }
  if (vpa.handle.size() < 2 || vpa.handle.size() > 32) {
    return fail(ErrorKind::kInvalid, code, "VPA handle must be 2 to 32 characters");
  }
  for (char c : vpa.handle) {
    if (!is_alnum(c))
      return fail(ErrorKind::kInvalid, code, "VPA handle may contain only a-z and 0-9");
  }
  return vpa;
}

}  // namespace upi
