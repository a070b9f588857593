#include "sagas/saga_steps.h"

#include <algorithm>
#include <cassert>

#include "banks/bank_api.h"
#include "common/clock.h"
#include "common/reasons.h"
#include "ledger/settlement_events.h"

namespace upi::sagas {
namespace ev = ledger::events;
using Events = std::vector<ev::PaymentEvent>;

namespace {

using ledger::reason_of;

Reason declined_reason(const banks::LegAnswer& a) {
  return Reason{a.code, a.upi_code, a.message};
}

Party party_of(const psp::ResolvedVpa& r) {
  return Party{r.vpa, r.name, r.bank, r.account, r.psp_handle};
}

Events fail_payment(ReasonCode reason, std::string message) {
  return {ev::PaymentFailed{{reason_of(reason, std::move(message))}}};
}

Events resolve(const PaymentState& s, const StepContext& c) {
  const std::array<std::string, 2> vpas{s.payer_vpa, s.payee_vpa};
  const std::array<std::string, 2> roles{"payer", "payee"};
  Events resolved;
  for (std::size_t i = 0; i < vpas.size(); ++i) {
    auto vpa = parse_vpa(vpas[i]);
    assert(vpa.has_value() && "VPAs are validated before PaymentRequested");
    auto found = c.registry.resolve(*vpa);
    if (!found) {
      const Reason why{found.error().code,
                       std::string(reason_info(ReasonCode::kVpaNotFound).upi_code),
                       found.error().message};
      Events failed{ev::ResolutionFailed{vpas[i], roles[i], why}};
      failed.push_back(ev::PaymentFailed{
          {reason_of(ReasonCode::kVpaNotFound,
                     roles[i] + " " + vpas[i] + " not found: " + found.error().message)}});
      return failed;
    }
    if (i == 0) resolved.push_back(ev::PayerResolved{{party_of(*found)}});
    if (i == 1) resolved.push_back(ev::PayeeResolved{{party_of(*found)}});
  }
  return resolved;
}

Events select_rail(const PaymentState& s, const StepContext& c) {
  const auto rail = upi::select_rail(c.scheme, s.amount);
  if (!rail)
    return fail_payment(ReasonCode::kAmountAboveLimit, "amount is above the scheme maximum");
  for (const Party* party : {&*s.payer, &*s.payee}) {
    const BankSpec* bank = c.bank_spec(party->bank);
    if (bank == nullptr)
      return fail_payment(ReasonCode::kBankUnavailable, party->bank + " is not on the network");
    if (std::find(bank->rails.begin(), bank->rails.end(), *rail) == bank->rails.end()) {
      return fail_payment(ReasonCode::kRailNotSupported,
                          bank->code + " does not support " + std::string(rail_name(*rail)) +
                              ", which an amount of " + format_money(s.amount) + " needs");
    }
  }
  return {ev::RailSelected{std::string(rail_name(*rail))}};
}

// Debit and credit are one step with two sides: the payer's bank debited, the payee's credited.
Plan send_leg(const PaymentState& s, const StepContext& c, banks::LegKind kind) {
  const bool debit = kind == banks::LegKind::kDebit;
  const Party& party = debit ? *s.payer : *s.payee;
  const std::string leg_id = banks::make_leg_id(s.id, kind, 1);
  if (debit) {
    // Fail fast, before any money moves, when either bank's circuit is open.
    for (const Party* p : {&*s.payer, &*s.payee}) {
      if (!c.bank_available(p->bank))
        return {0, fail_payment(ReasonCode::kBankUnavailable,
                                p->bank + " is unavailable; nothing moved")};
    }
  } else if (!c.bank_available(party.bank)) {
    // Not sent, so it surely did not apply: refund the payer now rather than wait.
    const Reason why = reason_of(ReasonCode::kBankUnavailable,
                                 party.bank + " is unavailable; the credit was not sent");
    return {0, {ev::CreditFailed{{leg_id, why}}}};
  }
  const ev::LegRequested leg{leg_id, party.bank, party.account, s.amount};
  Plan plan;
  if (debit)
    plan.events.push_back(ev::DebitRequested{leg});
  else
    plan.events.push_back(ev::CreditRequested{leg});
  plan.call = BankCall{debit ? CallKind::kDebit : CallKind::kCredit,
                       party.bank,
                       leg_id,
                       party.account,
                       s.amount,
                       ""};
  return plan;
}

// NEFT is credited in batches: the first time here the credit is deferred to the next batch,
// and until that batch runs the saga waits. Then (or at once, on other rails) it is sent.
Plan credit(const PaymentState& s, const StepContext& c) {
  const std::int64_t interval_s = c.scheme.neft_batch_interval_s;
  if (s.phase == Phase::kDebitSucceeded && s.rail == rail_name(Rail::kNeft) && interval_s > 0) {
    const std::int64_t at_ms = next_neft_batch_ms(c.now_ms, interval_s);
    Plan plan;
    plan.events.push_back(ev::CreditDeferred{ev::neft_batch_id(at_ms), at_ms});
    plan.wait_until_ms = at_ms;
    return plan;
  }
  if (s.phase == Phase::kAwaitingBatch && c.now_ms < s.credit_at_ms) {
    Plan plan;
    plan.wait_until_ms = s.credit_at_ms;
    return plan;
  }
  return send_leg(s, c, banks::LegKind::kCredit);
}

Plan check_status(const PaymentState& s, const StepContext& c, const std::string& bank,
                  const std::string& leg_id) {
  Plan plan;
  if (!c.bank_available(bank)) {
    plan.park = true;  // ask when it is back
    return plan;
  }
  plan.backoff_attempt = s.status_checks;
  plan.call = BankCall{CallKind::kStatus, bank, leg_id, "", 0, ""};
  return plan;
}

// Never abandoned: each refused attempt backs off, a long run parks, and the sweeper resumes.
Plan request_reversal(const PaymentState& s, std::string_view cause, const Reason& reason) {
  const int attempt = s.reversal_attempts + 1;
  ev::ReversalRequested requested;
  // After a reversal call that got no answer, the same leg again: the bank answers what it did
  // with it, or does it now. A new leg would find the debit already reversed by the first and
  // could not tell that from a debit that never applied.
  requested.leg_id = s.reversal_outcome_unknown
                         ? s.reversal_leg_id
                         : banks::make_leg_id(s.id, banks::LegKind::kReversal, attempt);
  requested.debit_leg_id = s.debit_leg_id;
  requested.bank = s.payer->bank;
  requested.attempt = attempt;
  requested.cause = s.debit_outcome_unknown ? "DEBIT_OUTCOME_UNKNOWN" : std::string(cause);
  requested.reason = reason;
  return {s.reversal_attempts, {std::move(requested)}};
}

Plan check_debit(const PaymentState& s, const StepContext& c) {
  if (s.status_checks < c.status_checks_max)
    return check_status(s, c, s.payer->bank, s.debit_leg_id);
  // Still unknown: reverse as a precaution. The bank undoes the debit if it applied and
  // otherwise closes the leg id so the debit can never apply later.
  return request_reversal(
      s, "DEBIT_OUTCOME_UNKNOWN",
      reason_of(ReasonCode::kDebitOutcomeUnknown, "the payer's bank did not confirm the debit"));
}

Plan check_credit(const PaymentState& s, const StepContext& c) {
  if (s.status_checks == 0 || s.status_checks % c.status_checks_max != 0)
    return check_status(s, c, s.payee->bank, s.credit_leg_id);
  // A credit that may have happened is never reversed: keep asking, more slowly.
  ev::StatusChecked deferred{s.credit_leg_id, s.status_checks + 1, "DEFERRED",
                             "no answer yet; asking again later"};
  Plan plan{0, {std::move(deferred)}, std::nullopt, true};
  return plan;
}

Plan reverse(const PaymentState& s, const StepContext& c) {
  assert(s.reversal_attempts > 0);
  Plan plan;
  if (!c.bank_available(s.payer->bank)) {
    plan.park = true;  // owed: wait for the bank
    return plan;
  }
  plan.call = BankCall{CallKind::kReverse, s.payer->bank, s.reversal_leg_id, "", 0, s.debit_leg_id};
  return plan;
}

ev::PaymentCompleted completed(const PaymentState& s, const std::string& credit_reference,
                               std::int64_t now_ms) {
  const std::string window = settlement_window(now_ms);
  ev::PaymentCompleted done;
  done.settlement.push_back({s.payer->bank, s.rail, window, "debit", s.amount});
  done.settlement.push_back({s.payee->bank, s.rail, window, "credit", s.amount});
  done.debit_reference = s.debit_reference;
  done.credit_reference = credit_reference;
  return done;
}

Events debit_answered(const PaymentState& s, const banks::LegAnswer& a) {
  if (a.outcome == banks::LegOutcome::kApplied)
    return {ev::DebitSucceeded{{s.debit_leg_id, a.bank_reference}}};
  return {ev::DebitFailed{{s.debit_leg_id, declined_reason(a)}},
          ev::PaymentFailed{{declined_reason(a)}}};
}

Events credit_answered(const PaymentState& s, const banks::LegAnswer& a, std::int64_t now_ms) {
  if (a.outcome == banks::LegOutcome::kApplied)
    return {ev::CreditSucceeded{{s.credit_leg_id, a.bank_reference}},
            completed(s, a.bank_reference, now_ms)};
  return {ev::CreditFailed{{s.credit_leg_id, declined_reason(a)}}};
}

}  // namespace

std::vector<ledger::CounterCharge> net_debit_charges(const PaymentState& before,
                                                     const ev::PaymentEvent& event,
                                                     std::optional<Paise> payer_cap) {
  if (before.rail.empty() || before.rail == ledger::kGrossRail) return {};
  assert(before.payer && before.payee && "a rail is selected after both parties resolve");
  const std::string payer = ev::net_debit_counter(before.payer->bank);
  if (std::holds_alternative<ev::DebitRequested>(event)) return {{payer, before.amount, payer_cap}};
  if (std::holds_alternative<ev::PaymentCompleted>(event))
    return {{ev::net_debit_counter(before.payee->bank), -before.amount, std::nullopt}};
  const bool ends_unpaid = std::holds_alternative<ev::PaymentFailed>(event) ||
                           std::holds_alternative<ev::PaymentReversed>(event);
  if (ends_unpaid && !before.debit_leg_id.empty()) return {{payer, -before.amount, std::nullopt}};
  return {};
}

std::vector<ledger::CounterCharge> refund_charges(const PaymentState& before,
                                                  const ev::PaymentEvent& event) {
  if (const auto* requested = std::get_if<ev::RefundRequested>(&event)) {
    return {
        {ev::refunded_counter(requested->payment_id), requested->amount, requested->payment_amount},
        {ev::refund_count_counter(requested->payment_id), 1, ev::kRefundsPerPaymentMax}};
  }
  const bool ends_unpaid = std::holds_alternative<ev::PaymentFailed>(event) ||
                           std::holds_alternative<ev::PaymentReversed>(event);
  if (ends_unpaid && !before.refund_of.empty())
    return {{ev::refunded_counter(before.refund_of), -before.amount, std::nullopt}};
  return {};
}

ev::PaymentEvent net_debit_cap_exceeded(const PaymentState& s, std::optional<Paise> payer_cap) {
  assert(s.payer && payer_cap && "only a capped bank refuses a debit");
  return ev::PaymentFailed{
      {reason_of(ReasonCode::kNetDebitCapExceeded,
                 s.payer->bank + " is at its net debit cap of " + format_money(*payer_cap) +
                     " for this settlement cycle; nothing moved")}};
}

std::int64_t next_neft_batch_ms(std::int64_t now_ms, std::int64_t interval_s) {
  assert(interval_s > 0 && now_ms >= 0);
  const std::int64_t interval_ms = interval_s * 1'000;
  return (now_ms / interval_ms + 1) * interval_ms;
}

std::string settlement_window(std::int64_t unix_ms) {
  return format_timestamp(unix_ms).substr(0, 13);
}

Plan plan_step(const PaymentState& s, const StepContext& c) {
  switch (decide(s)) {
    case Step::kResolve:
      return {0, resolve(s, c)};
    case Step::kSelectRail:
      return {0, select_rail(s, c)};
    case Step::kDebit:
      return send_leg(s, c, banks::LegKind::kDebit);
    case Step::kCheckDebit:
      return check_debit(s, c);
    case Step::kCredit:
      return credit(s, c);
    case Step::kCheckCredit:
      return check_credit(s, c);
    case Step::kRequestReversal:
      assert(s.refund_reason.has_value());
      return request_reversal(s, "CREDIT_FAILED", *s.refund_reason);
    case Step::kReverse:
      return reverse(s, c);
    case Step::kNone:
      break;
  }
  assert(false && "a terminal payment has no next step");
  return {};
}

Events leg_answered(const PaymentState& s, const BankCall& call, const banks::LegCall& result,
                    const StepContext& c) {
  const bool debit = call.kind == CallKind::kDebit;
  assert(debit || call.kind == CallKind::kCredit);
  if (result.outcome == banks::CallOutcome::kUnknown) {
    const ev::LegUnknown unknown{call.leg_id, result.detail};
    if (debit) return {ev::DebitOutcomeUnknown{unknown}};
    return {ev::CreditOutcomeUnknown{unknown}};
  }
  return debit ? debit_answered(s, result.answer) : credit_answered(s, result.answer, c.now_ms);
}

Events reversal_answered(const PaymentState& s, const BankCall& call,
                         const banks::LegCall& result) {
  assert(call.kind == CallKind::kReverse);
  const bool answered = result.outcome == banks::CallOutcome::kAnswered;
  if (answered && result.answer.outcome == banks::LegOutcome::kApplied) {
    const bool reversed = !result.answer.nothing_to_reverse;
    Events events{ev::ReversalSucceeded{call.leg_id, result.answer.bank_reference, reversed}};
    if (!reversed && s.debit_outcome_unknown) {
      events.push_back(ev::PaymentFailed{
          {reason_of(ReasonCode::kDebitTimeout,
                     "the payer's bank did not confirm the debit; nothing moved")}});
    } else {
      events.push_back(ev::PaymentReversed{{*s.refund_reason}});
    }
    return events;
  }
  return {ev::ReversalFailed{
      call.leg_id, answered ? result.answer.code : std::string(ev::kReversalOutcomeUnknown),
      answered ? result.answer.message : result.detail}};
}

Events status_answered(const PaymentState& s, const BankCall& call, const banks::StatusCall& result,
                       const StepContext& c) {
  assert(call.kind == CallKind::kStatus);
  ev::StatusChecked checked{call.leg_id, s.status_checks + 1, "UNKNOWN", ""};
  if (result.outcome == banks::CallOutcome::kUnknown) {
    checked.detail = result.detail;
    return {std::move(checked)};
  }
  checked.result = std::string(banks::leg_state_name(result.answer.state));
  const bool debit = s.phase == Phase::kDebitPending;
  Events outcome;
  if (result.answer.state != banks::LegState::kNotFound) {
    outcome = debit ? debit_answered(s, result.answer.answer)
                    : credit_answered(s, result.answer.answer, c.now_ms);
  } else if (debit) {
    outcome = {
        ev::DebitFailed{{s.debit_leg_id, reason_of(ReasonCode::kDebitTimeout,
                                                   "the payer's bank never received the debit")}},
        ev::PaymentFailed{{reason_of(ReasonCode::kDebitTimeout,
                                     "the payer's bank did not answer in time; nothing moved")}}};
  } else {
    outcome = {ev::CreditFailed{
        {s.credit_leg_id,
         reason_of(ReasonCode::kCreditTimeout, "the payee's bank never received the credit")}}};
  }
  Events events{std::move(checked)};
  std::move(outcome.begin(), outcome.end(), std::back_inserter(events));
  return events;
}

}  // namespace upi::sagas
