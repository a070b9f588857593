#include "switch/idempotency.h"

#include <cassert>

namespace upi::api {

KeyCheck IdempotencyIndex::check(const std::string& key, const std::string& request_hash,
                                 std::string* payment_id) {
  const Entry* entry = keys_.find(key);
  if (entry == nullptr) {
    if (keys_.size() >= kIdempotencyKeysMax) return KeyCheck::kFull;
    keys_.emplace(key, Entry{request_hash, ""});
    return KeyCheck::kNew;
  }
  if (entry->request_hash != request_hash) return KeyCheck::kBodyMismatch;
  if (entry->payment_id.empty()) return KeyCheck::kInProgress;
  *payment_id = entry->payment_id;
  return KeyCheck::kReplay;
}

void IdempotencyIndex::accept(const std::string& key, const std::string& payment_id) {
  Entry* entry = keys_.find(key);
  assert(entry != nullptr && entry->payment_id.empty());
  entry->payment_id = payment_id;
}

void IdempotencyIndex::remember(const std::string& key, const std::string& request_hash,
                                const std::string& payment_id) {
  keys_.emplace(key, Entry{request_hash, payment_id});
}

void IdempotencyIndex::release(const std::string& key) {
  [[maybe_unused]] const Entry* entry = keys_.find(key);
  assert(entry != nullptr && entry->payment_id.empty());
  keys_.erase(key);
}

}  // namespace upi::api
