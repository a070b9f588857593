// Request targets: the query string and path parameters every route decodes.
#include <cassert>

#include "common/router.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto target = upi::http::parse_target(text)) {
    assert(target->path.find('?') == std::string::npos);
  } else {
    assert(target.error().code == "INVALID_QUERY");
  }
  upi::http::Params params;
  if (upi::http::match_path("/v1/payments/{id}/events", text, params)) {
    assert(params.contains("id") && !params.at("id").empty());
  }
  return 0;
}
