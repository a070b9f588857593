// What a bank process answers, as the switch reads it: leg answers, status answers, leg
// records and activity counters.
#include <cassert>

#include "banks/bank_api.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto object = upi::parse_json_object(text, 8);
  if (!object) return 0;
  if (auto answer = upi::banks::answer_from_json(*object)) {
    (void)upi::banks::answer_to_json(*answer);
  }
  (void)upi::banks::status_from_json(*object);
  if (auto leg = upi::banks::leg_record_from_json(*object)) assert(!leg->leg_id.empty());
  (void)upi::banks::activity_from_json(*object);
  return 0;
}
