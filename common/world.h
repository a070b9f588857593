// The simulated world: banks, PSPs and customer accounts (specs/demo-world.json).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/money.h"
#include "common/scheme.h"
#include "common/vpa.h"

namespace upi {

inline constexpr std::size_t kWorldBanksMax = 64;
inline constexpr std::size_t kWorldPspsMax = 256;
inline constexpr std::size_t kWorldAccountsMax = 100'000;

struct BankSpec {
  std::string code;  // 2-11 chars of [A-Z0-9]
  std::string name;
  std::vector<Rail> rails;
  std::string endpoint;  // empty: in-process
  // How far the bank's net position in a settlement cycle may fall below zero (what it owes
  // for netted payments, those in flight included); none: no cap.
  std::optional<Paise> net_debit_cap;
};

struct PspSpec {
  std::string handle;
  std::string name;
  std::string partner_bank;
};

struct AccountSpec {
  Vpa vpa;
  std::string name;
  std::string bank;
  std::string account;  // 6-18 digits, unique within its bank
  Paise balance;
};

struct World {
  std::vector<BankSpec> banks;
  std::vector<PspSpec> psps;
  std::vector<AccountSpec> accounts;

  const BankSpec* find_bank(std::string_view code) const;
};

// Parses and cross-checks a world: unique codes, handles, VPAs and account numbers; every
// PSP's partner bank and every account's bank exist; every VPA's handle belongs to a PSP.
// Error code: INVALID_WORLD, naming the entry at fault.
Result<World> parse_world(std::string_view json_text);
Result<World> load_world(const std::string& path);

// The built-in demo world (the same text as specs/demo-world.json).
std::string_view demo_world_json();

}  // namespace upi
