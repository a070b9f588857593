// Time-ordered unique payment ids (Snowflake-like: 41 bits of milliseconds since 2024-01-01,
// 10 bits of node id, 12 bits of sequence), written as "pay_" + 16 lower-case hex digits so
// that string order is time order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace upi {

inline constexpr std::int64_t kIdEpochMs = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
inline constexpr int kNodeIdMax = 1023;
inline constexpr std::string_view kRefundIdPrefix = "rfd_";
inline constexpr std::string_view kCollectIdPrefix = "col_";

class PaymentIdGenerator {
 public:
  // node_id must be in [0, kNodeIdMax].
  PaymentIdGenerator(const Clock& clock, int node_id);

  // Returns an id strictly greater than every id this generator returned before, even when
  // the clock goes backwards (it then keeps counting from the last time it saw) or when more
  // than 4096 ids are asked for in one millisecond (it borrows the next millisecond).
  std::string next();

 private:
  const Clock& clock_;
  std::uint64_t node_id_;
  std::int64_t last_ms_ = 0;
  std::uint64_t sequence_ = 0;
};

// True when text has the form of a payment id.
bool is_payment_id(std::string_view text);
// The id of what a principal asked for under an Idempotency-Key: prefix and 16 hex digits of
// SHA-256(principal, newline, key). A retry on any node names the same thing, so its first
// append (expecting no stream) happens once. Refunds and collect requests take their ids so.
std::string derived_id(std::string_view prefix, const std::string& principal_id,
                       const std::string& idempotency_key);
// True when text has the form of a refund id: "rfd_" + 16 lower-case hex digits.
bool is_refund_id(std::string_view text);
// True when text has the form of a collect request's id: "col_" + 16 lower-case hex digits.
bool is_collect_id(std::string_view text);

}  // namespace upi
