#include "common/ids.h"

#include <cassert>
#include <cstdio>

#include "common/sha256.h"

namespace upi {
namespace {
constexpr std::uint64_t kSequenceMax = (1u << 12) - 1;
}

PaymentIdGenerator::PaymentIdGenerator(const Clock& clock, int node_id)
    : clock_(clock), node_id_(static_cast<std::uint64_t>(node_id)) {
  assert(node_id >= 0 && node_id <= kNodeIdMax);
}

std::string PaymentIdGenerator::next() {
  std::int64_t ms = clock_.now_ms() - kIdEpochMs;
  if (ms < 0) ms = 0;
  if (ms > last_ms_) {
    last_ms_ = ms;
    sequence_ = 0;
  } else if (sequence_ < kSequenceMax) {
    ++sequence_;  // same millisecond, or the clock went backwards: keep counting
  } else {
    ++last_ms_;  // sequence exhausted: borrow the next millisecond
    sequence_ = 0;
  }
  assert(last_ms_ < (std::int64_t{1} << 41));
  const std::uint64_t raw =
      (static_cast<std::uint64_t>(last_ms_) << 22) | (node_id_ << 12) | sequence_;
  char buf[24];
  std::snprintf(buf, sizeof buf, "pay_%016llx", static_cast<unsigned long long>(raw));
  return buf;
}

namespace {
bool has_id_form(std::string_view text, std::string_view prefix) {
  if (text.size() != prefix.size() + 16 || !text.starts_with(prefix)) return false;
  for (char c : text.substr(prefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}
}  // namespace

bool is_payment_id(std::string_view text) {
  return has_id_form(text, "pay_");
}

bool is_refund_id(std::string_view text) {
  return has_id_form(text, kRefundIdPrefix);
}

bool is_collect_id(std::string_view text) {
  return has_id_form(text, kCollectIdPrefix);
}

std::string derived_id(std::string_view prefix, const std::string& principal_id,
                       const std::string& idempotency_key) {
  return std::string(prefix) + sha256_hex(principal_id + '\n' + idempotency_key).substr(0, 16);
}

}  // namespace upi
