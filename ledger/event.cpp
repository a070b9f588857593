#include "ledger/event.h"

#include "common/clock.h"
#include "common/sha256.h"

namespace upi::ledger {
json::object metadata_to_json(const Metadata& m) {
  json::object out;
  if (!m.correlation_id.empty()) out["correlation_id"] = m.correlation_id;
  if (!m.causation_id.empty()) out["causation_id"] = m.causation_id;
  if (!m.idempotency_key.empty()) out["idempotency_key"] = m.idempotency_key;
  if (!m.node_id.empty()) out["node_id"] = m.node_id;
  if (!m.charges.empty()) {
    json::array charges;
    for (const auto& c : m.charges) {
      json::object charge{{"counter", c.counter}, {"delta", c.delta}};
      if (c.max) charge["max"] = *c.max;
      charges.push_back(std::move(charge));
    }
    out["charges"] = std::move(charges);
  }
  return out;
}

Metadata metadata_from_json(const json::object& o) {
  Metadata m{string_or_empty(o, "correlation_id"),
             string_or_empty(o, "causation_id"),
             string_or_empty(o, "idempotency_key"),
             string_or_empty(o, "node_id"),
             {}};
  // The store's own writing: what does not read as a charge is a bug, not input.
  if (const auto* charges = o.if_contains("charges"); charges && charges->is_array()) {
    for (const auto& item : charges->get_array()) {
      const auto& c = item.as_object();
      CounterCharge charge{std::string(c.at("counter").as_string()),
                           c.at("delta").to_number<std::int64_t>(), std::nullopt};
      if (const auto* max = c.if_contains("max")) charge.max = max->to_number<std::int64_t>();
      m.charges.push_back(std::move(charge));
    }
  }
  return m;
}

std::string compute_hash(const RecordedEvent& e) {
  // Length-prefixed fields so that no two different events serialise alike.
  std::string text;
  auto add = [&text](const std::string& field) {
    text += std::to_string(field.size());
    text += ':';
    text += field;
  };
  add(e.prev_hash);
  add(std::to_string(e.position));
  add(e.stream);
  add(std::to_string(e.version));
  add(e.type);
  add(to_json(e.data));
  add(to_json(metadata_to_json(e.metadata)));
  add(std::to_string(e.recorded_at_ms));
  return sha256_hex(text);
}

json::object event_to_json(const RecordedEvent& e) {
  return json::object{{"position", e.position},
                      {"stream", e.stream},
                      {"version", e.version},
                      {"type", e.type},
                      {"data", e.data},
                      {"metadata", metadata_to_json(e.metadata)},
                      {"recorded_at", format_timestamp(e.recorded_at_ms)},
                      {"prev_hash", e.prev_hash},
                      {"hash", e.hash}};
}

bool ChainVerifier::feed(const RecordedEvent& e) {
  if (report_.first_broken_position) return false;
  const std::int64_t expected_position = report_.events_checked + 1;
  if (e.position != expected_position) {
    report_.problem = "position " + std::to_string(expected_position) + " is missing";
  } else if (e.prev_hash != head_hash_) {
    report_.problem = "prev_hash does not match the hash of the event before";
  } else if (compute_hash(e) != e.hash) {
    report_.problem = "hash does not match the event's contents";
  }
  if (!report_.problem.empty()) {
    report_.first_broken_position = expected_position;
    return false;
  }
  head_hash_ = e.hash;
  ++report_.events_checked;
  return true;
}

ChainReport verify_chain(const std::vector<RecordedEvent>& events) {
  ChainVerifier verifier;
  for (const auto& e : events) {
    if (!verifier.feed(e)) break;
  }
  return verifier.report();
}

}  // namespace upi::ledger
