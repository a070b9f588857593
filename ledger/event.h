// Ledger events and the SHA-256 hash chain that makes tampering evident.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"

namespace upi::ledger {

// A change to one of the ledger's counters, made atomically with the event that carries it:
// the store refuses the whole append (LIMIT_EXCEEDED) when a positive delta would take the
// counter above max. Counters start at zero; their units are the last part of their names
// ("net_debit_paise/HDFC"). Kept in the event's metadata, so the chain covers them and a
// fold of the log gives every counter's value.
struct CounterCharge {
  std::string counter;
  std::int64_t delta = 0;
  std::optional<std::int64_t> max;  // checked when delta > 0
  bool operator==(const CounterCharge&) const = default;
};
inline constexpr std::size_t kChargesPerEventMax = 64;  // a cycle's close charges every bank
inline constexpr std::size_t kCounterNameBytesMax = 128;

struct Metadata {
  std::string correlation_id;
  std::string causation_id;
  std::string idempotency_key;
  std::string node_id;
  std::vector<CounterCharge> charges{};
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
