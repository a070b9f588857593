#include "banks/bank_api.h"

namespace upi::banks {
namespace {

Error invalid(std::string what) {
  return Error{ErrorKind::kBadUpstream, "INVALID_BANK_ANSWER", std::move(what)};
}

Result<LegKind> kind_from(std::string_view name) {
  auto kind = parse_leg_kind(name);
  if (!kind) return std::unexpected(invalid(kind.error().message));
  return kind;
}

}  // namespace

json::object answer_to_json(const LegAnswer& a) {
  if (a.outcome == LegOutcome::kApplied) {
    return json::object{{"outcome", "APPLIED"},
                        {"bank_reference", a.bank_reference},
                        {"nothing_to_reverse", a.nothing_to_reverse}};
  }
  return json::object{
      {"outcome", "DECLINED"}, {"code", a.code}, {"upi_code", a.upi_code}, {"message", a.message}};
}

Result<LegAnswer> answer_from_json(const json::object& o) {
  const std::string outcome = string_or_empty(o, "outcome");
  LegAnswer a;
  if (outcome == "APPLIED") {
    a.bank_reference = string_or_empty(o, "bank_reference");
    const json::value* none = o.if_contains("nothing_to_reverse");
    a.nothing_to_reverse = none != nullptr && none->is_bool() && none->as_bool();
    return a;
  }
  if (outcome != "DECLINED") return std::unexpected(invalid("outcome must be APPLIED or DECLINED"));
  a.outcome = LegOutcome::kDeclined;
  a.code = string_or_empty(o, "code");
  a.upi_code = string_or_empty(o, "upi_code");
  a.message = string_or_empty(o, "message");
  if (a.code.empty()) return std::unexpected(invalid("a declined leg needs a code"));
  return a;
}

json::object leg_record_to_json(const LegRecord& leg) {
  return json::object{{"leg_id", leg.leg_id},
                      {"kind", leg_kind_name(leg.kind)},
                      {"account", leg.account},
                      {"amount", format_money(leg.amount)},
                      {"reverses_leg_id", leg.reverses_leg_id},
                      {"reversed", leg.reversed},
                      {"closed_unseen", leg.closed_unseen},
                      {"answer", answer_to_json(leg.answer)}};
}

Result<LegRecord> leg_record_from_json(const json::object& o) {
  LegRecord leg;
  leg.leg_id = string_or_empty(o, "leg_id");
  if (leg.leg_id.empty() || leg.leg_id.size() > kLegIdBytesMax)
    return std::unexpected(invalid("a leg record needs a leg_id"));
  auto kind = kind_from(string_or_empty(o, "kind"));
  if (!kind) return std::unexpected(kind.error());
  leg.kind = *kind;
  leg.account = string_or_empty(o, "account");
  auto amount = parse_money(string_or_empty(o, "amount"), ZeroPolicy::kAllow);
  if (!amount) return std::unexpected(invalid("leg " + leg.leg_id + ": bad amount"));
  leg.amount = *amount;
  leg.reverses_leg_id = string_or_empty(o, "reverses_leg_id");
  const json::value* reversed = o.if_contains("reversed");
  const json::value* closed = o.if_contains("closed_unseen");
  leg.reversed = reversed != nullptr && reversed->is_bool() && reversed->as_bool();
  leg.closed_unseen = closed != nullptr && closed->is_bool() && closed->as_bool();
  const json::value* answer = o.if_contains("answer");
  if (answer == nullptr || !answer->is_object())
    return std::unexpected(invalid("leg " + leg.leg_id + ": no answer"));
  auto parsed = answer_from_json(answer->as_object());
  if (!parsed) return std::unexpected(parsed.error());
  leg.answer = std::move(*parsed);
  return leg;
}

std::string_view leg_state_name(LegState state) {
  switch (state) {
    case LegState::kApplied:
      return "APPLIED";
    case LegState::kDeclined:
      return "DECLINED";
    case LegState::kNotFound:
      return "NOT_FOUND";
  }
  return "";
}

json::object status_to_json(const StatusAnswer& status) {
  json::object o{{"state", leg_state_name(status.state)}};
  if (status.state != LegState::kNotFound) o["answer"] = answer_to_json(status.answer);
  return o;
}

Result<StatusAnswer> status_from_json(const json::object& o) {
  const std::string state = string_or_empty(o, "state");
  StatusAnswer status;
  if (state == "NOT_FOUND") return status;
  if (state != "APPLIED" && state != "DECLINED")
    return std::unexpected(invalid("state must be APPLIED, DECLINED or NOT_FOUND"));
  status.state = state == "APPLIED" ? LegState::kApplied : LegState::kDeclined;
  const json::value* answer = o.if_contains("answer");
  if (answer == nullptr || !answer->is_object())
    return std::unexpected(invalid("a status needs the leg's answer"));
  auto parsed = answer_from_json(answer->as_object());
  if (!parsed) return std::unexpected(parsed.error());
  status.answer = std::move(*parsed);
  return status;
}

json::object activity_to_json(const BankActivity& activity) {
  json::object counters;
  for (const auto& [name, n] : activity) counters[name] = n;
  return counters;
}

Result<BankActivity> activity_from_json(const json::object& o) {
  BankActivity out;
  for (const auto& [name, n] : o) {
    if (!n.is_int64() || n.as_int64() < 0)
      return fail(ErrorKind::kBadUpstream, "INVALID_BANK_ANSWER",
                  "activity." + std::string(name) + " is not a count");
    out[std::string(name)] = n.as_int64();
  }
  return out;
}

}  // namespace upi::banks
