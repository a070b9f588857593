#include "ledger/event_codec.h"

#include <cassert>
#include <cstring>

#include "common/sha256.h"

namespace upi::ledger {
namespace {

enum Tag : std::uint8_t { kNull, kFalse, kTrue, kInt, kUint, kDouble, kString, kArray, kObject };

// Metadata fields: absent, written out, or a reference to the event's own stream.
enum MetaTag : std::uint8_t { kMetaEmpty, kMetaInline, kMetaStreamId, kMetaStreamAt };

void put_varint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_signed(std::int64_t v, std::string& out) {  // zigzag, so small negatives stay short
  put_varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63), out);
}

void put_bytes(std::string_view bytes, std::string& out) {
  put_varint(bytes.size(), out);
  out.append(bytes);
}

// The part of a stream name after its category ("payment-pay_1" -> "pay_1").
std::string_view stream_id_part(std::string_view stream) {
  const auto dash = stream.find('-');
  return dash == std::string_view::npos ? std::string_view{} : stream.substr(dash + 1);
}

}  // namespace

// Reads what EventCodec wrote. The bytes are the store's own, so a malformed one is a bug.
class Decoder {
 public:
  Decoder(const EventCodec* codec, std::string_view bytes) : codec_(codec), in_(bytes) {}

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      assert(!in_.empty() && shift < 64);
      const auto byte = static_cast<std::uint8_t>(in_.front());
      in_.remove_prefix(1);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
  }
  std::int64_t signed_varint() {
    const std::uint64_t v = varint();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::string_view bytes(std::size_t n) {
    assert(n <= in_.size());
    const auto out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  std::string_view name(const Interner& table) {
    const std::uint64_t id = varint();
    return id == 0 ? bytes(varint()) : table.name(id - 1);
  }
  std::string metadata_field(std::string_view stream) {
    switch (static_cast<MetaTag>(varint())) {
      case kMetaEmpty:
        return {};
      case kMetaInline:
        return std::string(bytes(varint()));
      case kMetaStreamId:
        return std::string(stream_id_part(stream));
      case kMetaStreamAt:
        return std::string(stream) + "@" + std::to_string(varint());
    }
    assert(false && "unknown metadata tag");
    return {};
  }
  std::vector<CounterCharge> charges() {
    std::vector<CounterCharge> out(varint());
    for (auto& c : out) {
      c.counter = std::string(bytes(varint()));
      c.delta = signed_varint();
      if (varint() != 0) c.max = signed_varint();
    }
    return out;
  }
  json::value value() {
    switch (static_cast<Tag>(varint())) {
      case kNull:
        return nullptr;
      case kFalse:
        return false;
      case kTrue:
        return true;
      case kInt:
        return signed_varint();
      case kUint:
        return varint();
      case kDouble: {
        double d;
        std::memcpy(&d, bytes(sizeof d).data(), sizeof d);
        return d;
      }
      case kString:
        return json::string(bytes(varint()));
      case kArray: {
        json::array array;
        const std::uint64_t n = varint();
        array.reserve(n);
        for (std::uint64_t i = 0; i < n; ++i) array.push_back(value());
        return array;
      }
      case kObject:
        return object();
    }
    assert(false && "unknown value tag");
    return nullptr;
  }
  json::object object() {
    json::object object;
    const std::uint64_t n = varint();
    object.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::string_view key = name(codec_->keys_);
      object.emplace(key, value());
    }
    return object;
  }
  bool done() const { return in_.empty(); }

 private:
  const EventCodec* codec_;  // null when only varints are read
  std::string_view in_;
};

std::int64_t Interner::intern(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) return static_cast<std::int64_t>(it->second);
  if (names_.size() == kNamesMax) return -1;
  names_.emplace_back(name);
  ids_.emplace(names_.back(), names_.size() - 1);
  return static_cast<std::int64_t>(names_.size() - 1);
}

void EventCodec::put_name(Interner& table, std::string_view name, std::string& out) {
  const std::int64_t id = table.intern(name);
  if (id >= 0) {
    put_varint(static_cast<std::uint64_t>(id) + 1, out);
  } else {
    put_varint(0, out);
    put_bytes(name, out);
  }
}

void EventCodec::put_value(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::null:
      return put_varint(kNull, out);
    case json::kind::bool_:
      return put_varint(v.get_bool() ? kTrue : kFalse, out);
    case json::kind::int64:
      put_varint(kInt, out);
      return put_signed(v.get_int64(), out);
    case json::kind::uint64:
      put_varint(kUint, out);
      return put_varint(v.get_uint64(), out);
    case json::kind::double_: {
      put_varint(kDouble, out);
      const double d = v.get_double();
      return out.append(reinterpret_cast<const char*>(&d), sizeof d), void();
    }
    case json::kind::string:
      put_varint(kString, out);
      return put_bytes(v.get_string(), out);
    case json::kind::array:
      put_varint(kArray, out);
      put_varint(v.get_array().size(), out);
      for (const auto& item : v.get_array()) put_value(item, out);
      return;
    case json::kind::object:
      put_varint(kObject, out);
      put_varint(v.get_object().size(), out);
      for (const auto& member : v.get_object()) {
        put_name(keys_, member.key(), out);
        put_value(member.value(), out);
      }
      return;
  }
}

void EventCodec::put_metadata_field(const std::string& value, std::string_view stream,
                                    std::string& out) {
  if (value.empty()) return put_varint(kMetaEmpty, out);
  const std::string_view id_part = stream_id_part(stream);
  if (!id_part.empty() && value == id_part) return put_varint(kMetaStreamId, out);
  const std::string_view v = value;
  if (v.size() > stream.size() + 1 && v.starts_with(stream) && v[stream.size()] == '@') {
    const std::string_view digits = v.substr(stream.size() + 1);
    std::uint64_t n = 0;
    const bool canonical = digits.size() <= 18 && digits.front() != '0' &&
                           digits.find_first_not_of("0123456789") == std::string_view::npos;
    if (canonical) {
      for (char c : digits) n = n * 10 + static_cast<std::uint64_t>(c - '0');
      put_varint(kMetaStreamAt, out);
      return put_varint(n, out);
    }
  }
  put_varint(kMetaInline, out);
  put_bytes(value, out);
}

void EventCodec::put_charges(const std::vector<CounterCharge>& charges, std::string& out) {
  put_varint(charges.size(), out);
  for (const auto& c : charges) {
    put_bytes(c.counter, out);
    put_signed(c.delta, out);
    put_varint(c.max ? 1 : 0, out);
    if (c.max) put_signed(*c.max, out);
  }
}

void EventCodec::encode(const RecordedEvent& e, std::uint32_t stream_id, std::string& out) {
  assert(e.hash.size() == 2 * kHashBytes);
  [[maybe_unused]] const bool hex = append_bytes_from_hex(e.hash, out);
  assert(hex && "a hash is lower-case hex");
  put_varint(stream_id, out);
  put_varint(static_cast<std::uint64_t>(e.version), out);
  put_name(types_, e.type, out);
  put_signed(e.recorded_at_ms, out);
  put_metadata_field(e.metadata.correlation_id, e.stream, out);
  put_metadata_field(e.metadata.causation_id, e.stream, out);
  put_metadata_field(e.metadata.idempotency_key, e.stream, out);
  put_name(nodes_, e.metadata.node_id, out);
  put_charges(e.metadata.charges, out);
  put_varint(e.data.size(), out);
  for (const auto& member : e.data) {
    put_name(keys_, member.key(), out);
    put_value(member.value(), out);
  }
}

std::uint32_t EventCodec::stream_id(std::string_view encoded) {
  Decoder in(nullptr, encoded.substr(kHashBytes));
  return static_cast<std::uint32_t>(in.varint());
}

std::string EventCodec::hash_hex(std::string_view encoded) {
  assert(encoded.size() >= kHashBytes);
  return hex_from_bytes(encoded.substr(0, kHashBytes));
}

RecordedEvent EventCodec::decode(std::string_view encoded, std::string_view stream) const {
  RecordedEvent e;
  e.hash = hash_hex(encoded);
  Decoder in(this, encoded.substr(kHashBytes));
  in.varint();  // the stream id: the caller has named the stream
  e.stream = std::string(stream);
  e.version = static_cast<std::int64_t>(in.varint());
  e.type = std::string(in.name(types_));
  e.recorded_at_ms = in.signed_varint();
  e.metadata.correlation_id = in.metadata_field(stream);
  e.metadata.causation_id = in.metadata_field(stream);
  e.metadata.idempotency_key = in.metadata_field(stream);
  e.metadata.node_id = std::string(in.name(nodes_));
  e.metadata.charges = in.charges();
  e.data = in.object();
  assert(in.done());
  return e;
}

}  // namespace upi::ledger
