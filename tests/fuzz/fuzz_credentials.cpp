// Credentials files against a small world: accepted principals are well-formed.
#include <cassert>
#include <set>

#include "switch/credentials.h"

namespace {
constexpr char kWorld[] = R"({"banks":[{"code":"HDFC","name":"H","rails":["IMPS"]}],
  "psps":[{"handle":"okaxis","name":"G","partner_bank":"HDFC"}],
  "accounts":[{"vpa":"ann@okaxis","name":"A","bank":"HDFC","account":"123456","balance":"1.00"}]})";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const upi::World world = upi::parse_world(kWorld).value();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto credentials = upi::api::parse_credentials(text, world);
  if (!credentials) {
    assert(credentials.error().code == "INVALID_CREDENTIALS");
    return 0;
  }
  std::set<std::string> ids;
  for (const auto& c : credentials->principals) {
    assert(ids.insert(c.principal.id).second);
    assert(c.api_key_sha256.size() == 32);
    assert(c.signing_public_key.empty() || c.signing_public_key.size() == 32);
    assert((c.principal.role == upi::Role::kPsp) == !c.principal.psp.empty());
  }
  return 0;
}
