#include "tools/sim/schedule.h"

#include <algorithm>
#include <random>

#include "banks/fault_rules.h"

namespace upi::sim {
namespace {

Result<Action> action_from(std::string_view name) {
  static const std::pair<std::string_view, Action> kActions[] = {
      {"faults", Action::kFaults},          {"clear_faults", Action::kClearFaults},
      {"kill_bank", Action::kKillBank},     {"restart_bank", Action::kRestartBank},
      {"kill_switch", Action::kKillSwitch}, {"restart_switch", Action::kRestartSwitch}};
  for (const auto& [n, a] : kActions) {
    if (n == name) return a;
  }
  return fail(ErrorKind::kInvalid, "INVALID_SCHEDULE", "unknown action " + std::string(name));
}

bool is_bank_action(Action a) {
  return a != Action::kKillSwitch && a != Action::kRestartSwitch;
}

Result<Step> parse_step(const json::object& o, const World& world, const std::string& where) {
  if (auto ok = reject_unknown_fields(o, {"at_ms", "action", "bank", "rules"}, where); !ok)
    return std::unexpected(ok.error());
  auto at = optional_int(o, "at_ms", 0, kScheduleMsMax, where);
  if (!at) return std::unexpected(at.error());
  auto name = required_string(o, "action", where);
  if (!name) return std::unexpected(name.error());
  auto action = action_from(*name);
  if (!action)
    return fail(ErrorKind::kInvalid, "INVALID_SCHEDULE", where + ": " + action.error().message);
  Step step{at->value_or(0), *action, string_or_empty(o, "bank"), {}};
  if (is_bank_action(step.action) && world.find_bank(step.bank) == nullptr)
    return fail(ErrorKind::kInvalid, "INVALID_SCHEDULE",
                where + ": no bank " + step.bank + " in the world");
  if (step.action == Action::kFaults) {
    const json::value* rules = o.if_contains("rules");
    if (rules == nullptr || !rules->is_array())
      return fail(ErrorKind::kInvalid, "INVALID_SCHEDULE", where + ": faults needs rules");
    auto parsed = banks::parse_fault_rules(json::object{{"rules", *rules}});
    if (!parsed)
      return fail(ErrorKind::kInvalid, "INVALID_SCHEDULE", where + ": " + parsed.error().message);
    step.rules = rules->as_array();
  }
  return step;
}

json::object rule(std::string_view op, std::string_view action, double probability,
                  std::int64_t delay_ms = 0) {
  json::object r{{"operation", op}, {"action", action}, {"probability", probability}};
  if (delay_ms > 0) r["delay_ms"] = delay_ms;
  return r;
}

}  // namespace

std::string_view action_name(Action a) {
  switch (a) {
    case Action::kFaults:
      return "faults";
    case Action::kClearFaults:
      return "clear_faults";
    case Action::kKillBank:
      return "kill_bank";
    case Action::kRestartBank:
      return "restart_bank";
    case Action::kKillSwitch:
      return "kill_switch";
    case Action::kRestartSwitch:
      return "restart_switch";
  }
  return "";
}

Result<std::vector<Step>> parse_schedule(const json::array& steps, const World& world) {
  if (steps.size() > kScheduleStepsMax)
    return fail(ErrorKind::kInvalid, "INVALID_SCHEDULE", "at most 1000 steps");
  std::vector<Step> out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string where = "schedule[" + std::to_string(i) + "]";
    if (!steps[i].is_object())
      return fail(ErrorKind::kInvalid, "INVALID_SCHEDULE", where + " is not an object");
    auto step = parse_step(steps[i].as_object(), world, where);
    if (!step) return std::unexpected(step.error());
    out.push_back(std::move(*step));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Step& a, const Step& b) { return a.at_ms < b.at_ms; });
  return out;
}

json::array schedule_to_json(const std::vector<Step>& steps) {
  json::array out;
  for (const auto& s : steps) {
    json::object o{{"at_ms", s.at_ms}, {"action", action_name(s.action)}};
    if (is_bank_action(s.action)) o["bank"] = s.bank;
    if (s.action == Action::kFaults) o["rules"] = s.rules;
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<Step> chaos_schedule(std::uint64_t seed, const World& world, std::int64_t duration_ms,
                                 bool kill_switch) {
  std::mt19937_64 rng(seed);
  auto at = [&](double from, double to) {
    const double share = from + (to - from) * static_cast<double>(rng() % 1000) / 1000.0;
    return static_cast<std::int64_t>(share * static_cast<double>(duration_ms));
  };
  // Each fault gets a bank of its own, so no rule replaces or clears another's, and the bank
  // that is killed has none, so that every planned fault has traffic to hit.
  std::vector<std::string> banks;
  for (const auto& b : world.banks) banks.push_back(b.code);
  std::shuffle(banks.begin(), banks.end(), rng);
  const std::array<std::string_view, 2> legs{"debit", "credit"};
  const std::array<std::string_view, 4> actions{"fail", "timeout", "lost_response", "delay"};
  std::vector<Step> steps;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string_view action = actions[i];
    json::array rules;
    rules.push_back(rule(legs[rng() % 2], action, static_cast<double>(2 + rng() % 4) / 10.0,
                         action == "delay" ? 50 + static_cast<std::int64_t>(rng() % 200) : 0));
    // Lost answers make status queries: the first few of that bank's time out too.
    if (action == "lost_response") {
      json::object status = rule("status", "timeout", 1.0);
      status["count"] = 3;
      rules.push_back(std::move(status));
    }
    const std::string& target = banks[i % banks.size()];
    steps.push_back(Step{at(0.0, 0.2), Action::kFaults, target, std::move(rules)});
    steps.push_back(Step{at(0.6, 0.8), Action::kClearFaults, target, {}});
  }
  const std::string killed = banks[actions.size() % banks.size()];
  const std::int64_t kill_at = at(0.2, 0.5);
  steps.push_back(Step{kill_at, Action::kKillBank, killed, {}});
  steps.push_back(Step{
      kill_at + 300 + static_cast<std::int64_t>(rng() % 700), Action::kRestartBank, killed, {}});
  if (kill_switch) {
    const std::int64_t switch_at = at(0.3, 0.6);
    steps.push_back(Step{switch_at, Action::kKillSwitch, "", {}});
    steps.push_back(Step{
        switch_at + 200 + static_cast<std::int64_t>(rng() % 500), Action::kRestartSwitch, "", {}});
  }
  for (const auto& b : world.banks) {
    steps.push_back(Step{duration_ms, Action::kClearFaults, b.code, {}});
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return a.at_ms < b.at_ms; });
  return steps;
}

}  // namespace upi::sim
