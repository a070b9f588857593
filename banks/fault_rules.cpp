#include "banks/fault_rules.h"

#include <cassert>

namespace upi::banks {
namespace {

constexpr Operation kOperations[] = {Operation::kDebit, Operation::kCredit, Operation::kReversal,
                                     Operation::kStatus};
constexpr FaultAction kActions[] = {FaultAction::kFail, FaultAction::kTimeout,
                                    FaultAction::kLostResponse, FaultAction::kDelay};

Result<FaultRule> parse_rule(const json::value& value, const std::string& where) {
  if (!value.is_object())
    return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES", where + " must be an object");
  const auto& obj = value.as_object();
  if (auto ok = reject_unknown_fields(
          obj, {"operation", "action", "probability", "count", "delay_ms"}, where);
      !ok) {
    return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES", ok.error().message);
  }
  FaultRule rule;
  auto op = required_string(obj, "operation", where);
  if (!op) return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES", op.error().message);
  bool found = false;
  for (Operation o : kOperations) {
    if (operation_name(o) == *op) rule.operation = o, found = true;
  }
  if (!found) {
    return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES",
                where + ".operation must be one of debit, credit, reversal, status");
  }
  auto action = required_string(obj, "action", where);
  if (!action) return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES", action.error().message);
  found = false;
  for (FaultAction a : kActions) {
    if (action_name(a) == *action) rule.action = a, found = true;
  }
  if (!found) {
    return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES",
                where + ".action must be one of fail, timeout, lost_response, delay");
  }
  if (const json::value* p = obj.if_contains("probability")) {
    if (!p->is_number() || p->to_number<double>() < 0.0 || p->to_number<double>() > 1.0) {
      return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES",
                  where + ".probability must be a number in [0, 1]");
    }
    rule.probability = p->to_number<double>();
  }
  auto count = optional_int(obj, "count", 1, kFaultCountMax, where);
  if (!count) return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES", count.error().message);
  rule.count = *count;
  auto delay = optional_int(obj, "delay_ms", 0, kFaultDelayMsMax, where);
  if (!delay) return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES", delay.error().message);
  rule.delay_ms = delay->value_or(0);
  if (rule.action == FaultAction::kDelay && !delay->has_value()) {
    return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES",
                where + ".delay_ms is required for action delay");
  }
  return rule;
}

}  // namespace

std::string_view operation_name(Operation op) {
  switch (op) {
    case Operation::kDebit:
      return "debit";
    case Operation::kCredit:
      return "credit";
    case Operation::kReversal:
      return "reversal";
    case Operation::kStatus:
      return "status";
  }
  assert(false);
  return "";
}

std::string_view action_name(FaultAction action) {
  switch (action) {
    case FaultAction::kFail:
      return "fail";
    case FaultAction::kTimeout:
      return "timeout";
    case FaultAction::kLostResponse:
      return "lost_response";
    case FaultAction::kDelay:
      return "delay";
  }
  assert(false);
  return "";
}

Result<std::vector<FaultRule>> parse_fault_rules(const json::object& body) {
  if (auto ok = reject_unknown_fields(body, {"rules"}, "request body"); !ok) {
    return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES", ok.error().message);
  }
  auto list = required_array(body, "rules", "request body");
  if (!list) return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES", list.error().message);
  if ((*list)->size() > kFaultRulesMax) {
    return fail(ErrorKind::kInvalid, "INVALID_FAULT_RULES",
                "at most " + std::to_string(kFaultRulesMax) + " rules per bank");
  }
  std::vector<FaultRule> rules;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    auto rule = parse_rule((**list)[i], "rules[" + std::to_string(i) + "]");
    if (!rule) return std::unexpected(rule.error());
    rules.push_back(*rule);
  }
  return rules;
}

json::object fault_rules_to_json(const std::vector<FaultRule>& rules) {
  json::array list;
  for (const auto& r : rules) {
    json::object o{{"operation", operation_name(r.operation)},
                   {"action", action_name(r.action)},
                   {"probability", r.probability}};
    if (r.count) o["count"] = *r.count;
    if (r.action == FaultAction::kDelay) o["delay_ms"] = r.delay_ms;
    list.push_back(std::move(o));
  }
  return json::object{{"rules", std::move(list)}};
}

void FaultPlan::set(std::vector<FaultRule> rules) {
  std::lock_guard lock(mutex_);
  rules_ = std::move(rules);
}

std::vector<FaultRule> FaultPlan::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::optional<FaultRule> FaultPlan::draw(Operation op) {
  std::lock_guard lock(mutex_);
  for (auto& rule : rules_) {
    if (rule.operation != op || (rule.count && *rule.count == 0)) continue;
    // 53 random bits give a uniform double in [0, 1): seeded, so runs replay.
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    if (u >= rule.probability) continue;
    if (rule.count) --*rule.count;
    ++fired_[{rule.operation, rule.action}];
    return rule;
  }
  return std::nullopt;
}

std::map<std::pair<Operation, FaultAction>, std::int64_t> FaultPlan::fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

}  // namespace upi::banks
