// Every JSON body goes through parse_json_object first: depth bound, duplicate keys.
#include <cassert>

#include "common/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto object = upi::parse_json_object(text, 8)) {
    // What is accepted prints to JSON that is accepted again, key for key. (Numbers may come
    // back a unit in the last place off: Boost.JSON parses doubles fast, not exactly; the
    // switch takes no money as a number.)
    auto again = upi::parse_json_object(upi::to_json(*object), 8);
    assert(again && again->size() == object->size());
    for (const auto& [key, value] : *object) assert(again->contains(key));
  } else {
    assert(object.error().code == "INVALID_JSON");
  }
  return 0;
}
