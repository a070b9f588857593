// Virtual payment addresses: "localpart@handle".
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace upi {

struct Vpa {
  std::string localpart;
  std::string handle;

  std::string str() const { return localpart + "@" + handle; }
  friend bool operator==(const Vpa&, const Vpa&) = default;
};

// Lower-cases and validates: localpart 3-64 chars of [a-z0-9._-], not starting or ending
// with '.'; handle 2-32 chars of [a-z0-9]. Error code: INVALID_VPA, with the rule broken.
Result<Vpa> parse_vpa(std::string_view text);

}  // namespace upi
