// World files and scheme profiles: accepted ones are consistent; refusals name a code.
#include <cassert>
#include <set>
#include <string>

#include "common/scheme.h"
#include "common/world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto world = upi::parse_world(text)) {
    std::set<std::string> vpas;
    for (const auto& account : world->accounts) {
      assert(world->find_bank(account.bank) != nullptr);
      assert(vpas.insert(account.vpa.str()).second);
      assert(account.balance >= 0);
    }
  } else {
    assert(world.error().code == "INVALID_WORLD" || world.error().code == "INVALID_JSON");
  }
  (void)upi::parse_scheme(text);
  return 0;
}
