// upi-sim's fault schedule: what happens to the banks and the switch, and when, during a run.
// As JSON, an array of steps, each {"at_ms": N, "action": A, "bank": CODE, "rules": [...]}:
//   faults          set a bank's fault rules (the rules of PUT /v1/admin/banks/{code}/faults)
//   clear_faults    remove a bank's fault rules
//   kill_bank       SIGKILL a bank process        restart_bank    start it again
//   kill_switch     SIGKILL the switch            restart_switch  start it again (durable only)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/world.h"

namespace upi::sim {

enum class Action { kFaults, kClearFaults, kKillBank, kRestartBank, kKillSwitch, kRestartSwitch };
std::string_view action_name(Action a);

inline constexpr std::int64_t kScheduleMsMax = 3'600'000;
inline constexpr std::size_t kScheduleStepsMax = 1000;

struct Step {
  std::int64_t at_ms = 0;
  Action action = Action::kFaults;
  std::string bank;   // bank actions
  json::array rules;  // kFaults
};

// Validates every step (known action and bank, well-formed rules, at_ms within the limit) and
// sorts by time. Error code: INVALID_SCHEDULE, naming the step.
Result<std::vector<Step>> parse_schedule(const json::array& steps, const World& world);
json::array schedule_to_json(const std::vector<Step>& steps);

// A schedule drawn from seed alone (the same seed, the same schedule) over duration_ms: every
// fault action (fail, timeout, lost_response, delay) on a bank of its own, status queries that
// time out where answers are lost, another bank killed and restarted, and when kill_switch, the
// switch killed and restarted; all faults cleared before the end.
std::vector<Step> chaos_schedule(std::uint64_t seed, const World& world, std::int64_t duration_ms,
                                 bool kill_switch);

}  // namespace upi::sim
