// Idempotency keys of POST /v1/payments: the same key and body give the same payment, another
// body under the key is refused, and a key whose first request is still being accepted is
// busy. Single-threaded: use from the event loop's thread.
#pragma once

#include <string>

#include "common/split_hash_map.h"

namespace upi::api {

inline constexpr std::size_t kIdempotencyKeysMax = 10'000'000;

enum class KeyCheck {
  kNew,           // reserved for this request: call accept() or release()
  kReplay,        // same body: answer with the existing payment
  kBodyMismatch,  // another body under this key
  kInProgress,    // the first request with this key is still being accepted
  kFull,          // no room for another key
};

class IdempotencyIndex {
 public:
  // Checks a key against the request's hash; on kNew the key is reserved.
  KeyCheck check(const std::string& key, const std::string& request_hash, std::string* payment_id);
  // The reserved key now names payment_id.
  void accept(const std::string& key, const std::string& payment_id);
  // The reserved key is free again (the request failed before a payment existed).
  void release(const std::string& key);
  // Records a key already accepted (when rebuilding from the ledger); no-op if known.
  void remember(const std::string& key, const std::string& request_hash,
                const std::string& payment_id);
  std::size_t size() const { return keys_.size(); }

 private:
  struct Entry {
    std::string request_hash;
    std::string payment_id;  // empty while the first request is being accepted
  };
  SplitHashMap<std::string, Entry> keys_;  // in parts: no rehash moves every key at once
};

}  // namespace upi::api
