// The compact form of a recorded event in the embedded store: binary, with JSON keys, event
// types and node ids interned, the hash as 32 raw bytes, and metadata that refers to the
// event's own stream (correlation id = the stream's id part, causation id = "<stream>@<n>")
// written as a reference. Position, stream name and prev_hash are not stored: the store knows
// them. Decoding gives back the same event, so its hash still matches.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/json.h"
#include "ledger/event.h"

namespace upi::ledger {

// Names seen again and again, kept once. Bounded: when full, names are written inline.
class Interner {
 public:
  static constexpr std::size_t kNamesMax = 4096;
  // The name's id, adding it when there is room; -1 when the table is full.
  std::int64_t intern(std::string_view name);
  std::string_view name(std::size_t id) const { return names_.at(id); }

 private:
  std::deque<std::string> names_;  // a deque: strings never move, so views stay valid
  std::unordered_map<std::string_view, std::size_t> ids_;  // views into names_' strings
};

class EventCodec {
 public:
  static constexpr std::size_t kHashBytes = 32;

  // Appends the encoding of event (its stream given as stream_id) to out.
  void encode(const RecordedEvent& event, std::uint32_t stream_id, std::string& out);

  // The stream id an encoding names.
  static std::uint32_t stream_id(std::string_view encoded);
  // The hash an encoding holds, as lower-case hex.
  static std::string hash_hex(std::string_view encoded);

  // The event an encoding holds; position, stream and prev_hash are the caller's to fill.
  RecordedEvent decode(std::string_view encoded, std::string_view stream) const;

 private:
  void put_name(Interner& table, std::string_view name, std::string& out);
  void put_value(const json::value& value, std::string& out);
  void put_metadata_field(const std::string& value, std::string_view stream, std::string& out);
  static void put_charges(const std::vector<CounterCharge>& charges, std::string& out);

  Interner keys_;
  Interner types_;
  Interner nodes_;
  friend class Decoder;
};

}  // namespace upi::ledger
