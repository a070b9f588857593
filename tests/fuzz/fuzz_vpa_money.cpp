// VPAs and amounts: whatever is accepted prints back to the same value.
#include <cassert>
#include <string>

#include "common/money.h"
#include "common/vpa.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto vpa = upi::parse_vpa(text)) {
    auto again = upi::parse_vpa(vpa->str());
    assert(again && again->str() == vpa->str());
  }
  if (auto paise = upi::parse_money(text)) {
    assert(*paise > 0);
    assert(upi::parse_money(upi::format_money(*paise)) == *paise);
  }
  if (auto signed_paise = upi::parse_signed_money(text)) {
    assert(upi::parse_signed_money(upi::format_money(*signed_paise)) == *signed_paise);
  }
  return 0;
}
