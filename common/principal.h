// Who is calling: a principal with a role, and the roles a route admits. The credentials that
// prove a principal (switch/credentials.h) never leave the switch's gate; handlers see only this.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace upi {

enum class Role : std::uint8_t {
  kPsp,      // a PSP: its own customers' payments, any VPA lookup, the bank list
  kAuditor,  // every read, nothing else
  kAdmin,    // everything
};

// "psp", "auditor", "admin".
std::string_view role_name(Role role);

struct Principal {
  std::string id;
  Role role = Role::kPsp;
  std::string psp;  // the PSP handle it speaks for (role kPsp only)

  // True when the VPA ("name@handle") is under this PSP's handle.
  bool owns_vpa(std::string_view vpa) const;
  // True when the principal may see everything of every PSP (auditor, admin).
  bool sees_all() const { return role != Role::kPsp; }
};

// The roles a route admits, or none needed at all (health probes).
class Access {
 public:
  static constexpr Access open() { return Access(0, true); }
  static constexpr Access roles(std::initializer_list<Role> roles) {
    std::uint8_t bits = 0;
    for (Role role : roles) bits |= bit(role);
    return Access(bits, false);
  }
  constexpr bool is_open() const { return open_; }
  constexpr bool admits(Role role) const { return open_ || (bits_ & bit(role)) != 0; }

 private:
  constexpr Access(std::uint8_t bits, bool open) : bits_(bits), open_(open) {}
  static constexpr std::uint8_t bit(Role role) {
    return static_cast<std::uint8_t>(1u << static_cast<int>(role));
  }
  std::uint8_t bits_;
  bool open_;
};

}  // namespace upi
