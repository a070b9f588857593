#include "ledger/counters.h"

#include <algorithm>

namespace upi::ledger {
namespace {

// A delta's bound: far beyond any amount, and small enough that adding two never overflows.
constexpr std::int64_t kDeltaAbsMax = std::int64_t{1} << 60;

}  // namespace

std::int64_t Counters::value(std::string_view counter) const {
  auto it = values_.find(counter);
  return it == values_.end() ? 0 : it->second;
}

Result<void> Counters::charge(const std::vector<NewEvent>& events) {
  std::map<std::string, std::int64_t, std::less<>> after;  // the counters this append moves
  for (const auto& e : events) {
    for (const auto& c : e.metadata.charges) {
      auto [it, fresh] = after.try_emplace(c.counter, 0);
      if (fresh) it->second = value(c.counter);
      std::int64_t next = 0;
      if (__builtin_add_overflow(it->second, c.delta, &next)) {
        return fail(ErrorKind::kConflict, "LIMIT_EXCEEDED",
                    "counter " + c.counter + " would overflow");
      }
      if (c.delta > 0 && c.max && next > *c.max) {
        return fail(ErrorKind::kConflict, "LIMIT_EXCEEDED",
                    "counter " + c.counter + " is at " + std::to_string(it->second) + "; " +
                        std::to_string(c.delta) + " more would pass its max of " +
                        std::to_string(*c.max));
      }
      it->second = next;
    }
  }
  for (auto& [counter, value] : after) values_.insert_or_assign(counter, value);
  return {};
}

void Counters::apply(const Metadata& metadata) {
  for (const auto& c : metadata.charges) values_[c.counter] += c.delta;
}

std::vector<std::string> counters_charged(const std::vector<NewEvent>& events) {
  std::vector<std::string> names;
  for (const auto& e : events) {
    for (const auto& c : e.metadata.charges) names.push_back(c.counter);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Result<void> check_charges(const std::vector<CounterCharge>& charges) {
  if (charges.size() > kChargesPerEventMax) {
    return fail(ErrorKind::kInvalid, "INVALID_APPEND",
                "an event carries at most " + std::to_string(kChargesPerEventMax) + " charges");
  }
  for (const auto& c : charges) {
    if (c.counter.empty() || c.counter.size() > kCounterNameBytesMax) {
      return fail(
          ErrorKind::kInvalid, "INVALID_APPEND",
          "a counter's name must be 1-" + std::to_string(kCounterNameBytesMax) + " characters");
    }
    if (c.delta == 0 || c.delta > kDeltaAbsMax || c.delta < -kDeltaAbsMax) {
      return fail(ErrorKind::kInvalid, "INVALID_APPEND",
                  "counter " + c.counter + ": a delta is non-zero and at most 2^60 either way");
    }
    if (c.max && *c.max < 0) {
      return fail(ErrorKind::kInvalid, "INVALID_APPEND",
                  "counter " + c.counter + ": a max is not negative");
    }
  }
  return {};
}

}  // namespace upi::ledger
