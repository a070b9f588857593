// Fault rules for mock banks: fail, timeout, lost_response or delay a share of calls.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/json.h"

namespace upi::banks {

enum class Operation { kDebit, kCredit, kReversal, kStatus };
enum class FaultAction {
  kFail,          // decline the leg
  kTimeout,       // do nothing, never answer
  kLostResponse,  // apply the leg, never answer (the ambiguous case)
  kDelay,         // apply the leg, answer after delay_ms
};

std::string_view operation_name(Operation op);
std::string_view action_name(FaultAction action);

inline constexpr std::size_t kFaultRulesMax = 32;
inline constexpr std::int64_t kFaultDelayMsMax = 600'000;
inline constexpr std::int64_t kFaultCountMax = 1'000'000'000;

struct FaultRule {
  Operation operation = Operation::kDebit;
  FaultAction action = FaultAction::kFail;
  double probability = 1.0;           // share of matching calls hit, in [0, 1]
  std::optional<std::int64_t> count;  // how many calls it may still hit; none: no limit
  std::int64_t delay_ms = 0;          // for kDelay
};

// Parses {"rules":[{"operation","action","probability","count","delay_ms"}]}.
// Error code: INVALID_FAULT_RULES, naming the rule and field at fault.
Result<std::vector<FaultRule>> parse_fault_rules(const json::object& body);
json::object fault_rules_to_json(const std::vector<FaultRule>& rules);

// The rules in force at one bank and the seeded generator that picks calls. Thread-safe.
class FaultPlan {
 public:
  explicit FaultPlan(std::uint64_t seed) : rng_(seed) {}
  void set(std::vector<FaultRule> rules);
  std::vector<FaultRule> rules() const;
  // The first rule for op that fires on this call (its count goes down by one), if any.
  std::optional<FaultRule> draw(Operation op);
  // How many calls each (operation, action) has hit since the plan was made, whatever the
  // rules were then: what a run can check to know that its faults really happened.
  std::map<std::pair<Operation, FaultAction>, std::int64_t> fired() const;

 private:
  mutable std::mutex mutex_;
  std::vector<FaultRule> rules_;
  std::map<std::pair<Operation, FaultAction>, std::int64_t> fired_;
  std::mt19937_64 rng_;
};

}  // namespace upi::banks
