#include "common/principal.h"

namespace upi {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kPsp:
      return "psp";
    case Role::kAuditor:
      return "auditor";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

bool Principal::owns_vpa(std::string_view vpa) const {
  if (role != Role::kPsp || psp.empty()) return false;
  const auto at = vpa.rfind('@');
  return at != std::string_view::npos && vpa.substr(at + 1) == psp;
}

}  // namespace upi
