#include "switch/idempotency.h"

#include <cassert>

namespace upi::api {

KeyCheck IdempotencyIndex::check(const std::string& key, const std::string& request_hash,
                                 std::string* payment_id) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    if (keys_.size() >= kIdempotencyKeysMax) return KeyCheck::kFull;
    keys_.emplace(key, Entry{request_hash, ""});
    return KeyCheck::kNew;
  }
  if (it->second.request_hash != request_hash) return KeyCheck::kBodyMismatch;
  if (it->second.payment_id.empty()) return KeyCheck::kInProgress;
  *payment_id = it->second.payment_id;
  return KeyCheck::kReplay;
}

void IdempotencyIndex::accept(const std::string& key, const std::string& payment_id) {
  auto it = keys_.find(key);
  assert(it != keys_.end() && it->second.payment_id.empty());
  it->second.payment_id = payment_id;
}

void IdempotencyIndex::remember(const std::string& key, const std::string& request_hash,
                                const std::string& payment_id) {
  keys_.emplace(key, Entry{request_hash, payment_id});
}

void IdempotencyIndex::release(const std::string& key) {
  auto it = keys_.find(key);
  assert(it != keys_.end() && it->second.payment_id.empty());
  keys_.erase(it);
}

}  // namespace upi::api
