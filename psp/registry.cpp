#include "psp/registry.h"

namespace upi::psp {

Registry::Registry(const World& world) {
  for (const auto& psp : world.psps) {
    psps_.push_back(PspInfo{psp.handle, psp.name, psp.partner_bank});
    by_handle_[psp.handle];
  }
  for (const auto& account : world.accounts) {
    by_handle_[account.vpa.handle][account.vpa.str()] = ResolvedVpa{
        account.vpa.str(), account.name, account.bank, account.account, account.vpa.handle};
  }
}

Result<ResolvedVpa> Registry::resolve(const Vpa& vpa) const {
  auto psp = by_handle_.find(vpa.handle);
  if (psp == by_handle_.end()) {
    return fail(ErrorKind::kNotFound, "VPA_NOT_FOUND", "no PSP owns the handle @" + vpa.handle);
  }
  auto entry = psp->second.find(vpa.str());
  if (entry == psp->second.end()) {
    return fail(ErrorKind::kNotFound, "VPA_NOT_FOUND",
                "the PSP for @" + vpa.handle + " has no VPA " + vpa.str());
  }
  return entry->second;
}

std::string mask_account(const std::string& account) {
  if (account.size() <= 4) return account;
  return std::string(account.size() - 4, 'X') + account.substr(account.size() - 4);
}

}  // namespace upi::psp
