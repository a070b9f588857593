// PSPs and VPA resolution (like UPI's ValAdd): a VPA's handle names its PSP, and the PSP's
// registry maps the VPA to a linked bank account.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/vpa.h"
#include "common/world.h"

namespace upi::psp {

struct ResolvedVpa {
  std::string vpa;
  std::string name;
  std::string bank;
  std::string account;
  std::string psp_handle;
};

struct PspInfo {
  std::string handle;
  std::string name;
  std::string partner_bank;
};

class Registry {
 public:
  explicit Registry(const World& world);

  // The account behind a VPA. Error code: VPA_NOT_FOUND (unknown handle or unknown VPA).
  Result<ResolvedVpa> resolve(const Vpa& vpa) const;
  const std::vector<PspInfo>& psps() const { return psps_; }

 private:
  std::vector<PspInfo> psps_;
  std::map<std::string, std::map<std::string, ResolvedVpa>> by_handle_;  // handle -> vpa -> account
};

// "50100012345678" -> "XXXXXXXXXX5678": what a payer may see of a payee's account.
std::string mask_account(const std::string& account);

}  // namespace upi::psp
