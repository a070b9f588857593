// Ledger events and the SHA-256 hash chain that makes tampering evident.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"

namespace upi::ledger {

struct Metadata {
  std::string correlation_id;
  std::string causation_id;
  std::string idempotency_key;
  std::string node_id;
};

// An event as a writer hands it to the store.
struct NewEvent {
  std::string type;
  json::object data;
  Metadata metadata;
};

// An event as the store recorded it.
struct RecordedEvent {
  std::int64_t position = 0;  // 1, 2, 3, ... in commit order, no gaps
  std::string stream;
  std::int64_t version = 0;  // 1, 2, 3, ... within its stream
  std::string type;
  json::object data;
  Metadata metadata;
  std::int64_t recorded_at_ms = 0;
  std::string prev_hash;  // hash of the event at position - 1 (kGenesisHash for the first)
  std::string hash;
};

inline const std::string kGenesisHash(64, '0');

// The hash of an event: SHA-256 over prev_hash and every recorded field in a fixed order.
std::string compute_hash(const RecordedEvent& event);

// Metadata as stored and hashed (empty fields left out), and back.
json::object metadata_to_json(const Metadata& metadata);
Metadata metadata_from_json(const json::object& object);

// The event as the API shows it.
json::object event_to_json(const RecordedEvent& event);

struct ChainReport {
  std::int64_t events_checked = 0;
  std::optional<std::int64_t> first_broken_position;
  std::string problem;  // empty when the chain is intact
};

// Checks the chain one event at a time, so a long log can be verified page by page.
class ChainVerifier {
 public:
  // Checks the next event (positions from 1, in order); false once the chain is broken.
  bool feed(const RecordedEvent& event);
  const ChainReport& report() const { return report_; }
  const std::string& head_hash() const { return head_hash_; }  // of the last good event

 private:
  ChainReport report_;
  std::string head_hash_ = kGenesisHash;
};

// Checks that events (in position order, starting at position 1) form an unbroken chain.
ChainReport verify_chain(const std::vector<RecordedEvent>& events);

}  // namespace upi::ledger
