#include "sagas/payment_saga.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>

#include "banks/bank_api.h"
#include "common/reasons.h"
#include "common/timer.h"
#include "ledger/payment_events.h"

namespace upi::sagas {
namespace ev = ledger::events;
using namespace std::chrono_literals;

namespace {

json::object reason_json(std::string_view code, std::string_view upi_code,
                         std::string_view message) {
  return json::object{{"code", code}, {"upi_code", upi_code}, {"message", message}};
}

Reason reason_of(ReasonCode reason, std::string message) {
  const ReasonInfo& info = reason_info(reason);
  return Reason{std::string(info.code), std::string(info.upi_code), std::move(message)};
}

json::object reason_json(ReasonCode reason, std::string_view message) {
  const ReasonInfo& info = reason_info(reason);
  return reason_json(info.code, info.upi_code, message);
}

json::object reason_json(const Reason& r) {
  return reason_json(r.code, r.upi_code, r.message);
}

json::object party_json(const psp::ResolvedVpa& r) {
  return json::object{{"vpa", r.vpa},
                      {"name", r.name},
                      {"bank", r.bank},
                      {"account", r.account},
                      {"psp", r.psp_handle}};
}

json::object leg_json(const std::string& leg_id, const Party& party, Paise amount) {
  return json::object{{"leg_id", leg_id},
                      {"bank", party.bank},
                      {"account", party.account},
                      {"amount", format_money(amount)}};
}

json::object answer_json(const std::string& leg_id, const banks::LegAnswer& a) {
  json::object o{{"leg_id", leg_id}};
  if (a.outcome == banks::LegOutcome::kApplied) {
    o["bank_reference"] = a.bank_reference;
  } else {
    o["code"] = a.code;
    o["upi_code"] = a.upi_code;
    o["message"] = a.message;
  }
  return o;
}

template <typename... Events>
std::vector<ledger::NewEvent> batch(Events&&... events) {
  std::vector<ledger::NewEvent> out;
  (out.push_back(std::forward<Events>(events)), ...);
  return out;
}

}  // namespace

std::string settlement_window(std::int64_t unix_ms) {
  return format_timestamp(unix_ms).substr(0, 13);
}

PaymentSagaEngine::PaymentSagaEngine(asio::io_context& io, ledger::EventStore& store,
                                     const psp::Registry& registry, banks::BankNetwork& banks,
                                     const Scheme& scheme, const Clock& clock, SagaConfig config)
    : io_(io),
      store_(store),
      registry_(registry),
      banks_(banks),
      scheme_(scheme),
      clock_(clock),
      config_(std::move(config)),
      sweep_timer_(io) {}

void PaymentSagaEngine::start() {
  asio::co_spawn(io_, sweep(), asio::detached);
}

void PaymentSagaEngine::stop() {
  stopped_ = true;
  sweep_timer_.cancel();
  terminal_waiters_.notify_all();
}

struct PaymentSagaEngine::FirstAppend {
  explicit FirstAppend(asio::io_context& io) : done(io, Timer::time_point::max()) {}
  std::optional<Result<void>> result;
  Timer done;
};

asio::awaitable<Result<void>> PaymentSagaEngine::begin(std::string payment_id,
                                                       ledger::NewEvent requested) {
  if (stopped_)
    co_return fail(ErrorKind::kUnavailable, "SWITCH_STOPPING", "the switch is shutting down");
  assert(!active_.contains(payment_id) && "payment ids are fresh");
  PaymentState state;
  apply(state, requested.type, requested.data);
  auto first_append = std::make_shared<FirstAppend>(io_);
  std::vector<ledger::NewEvent> events;
  events.push_back(std::move(requested));
  unsaved_[payment_id] = Unsaved{std::move(events), ledger::kNoStream, first_append};
  active_.insert(payment_id);
  spawn(payment_id, run(std::move(state), std::nullopt));
  while (!first_append->result) {
    co_await first_append->done.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return *first_append->result;
}

void PaymentSagaEngine::drive(const std::string& payment_id) {
  if (stopped_ || !active_.insert(payment_id).second) return;
  spawn(payment_id, load_and_run(payment_id, std::nullopt));
}

void PaymentSagaEngine::resume(const std::string& payment_id, const std::string& previous_owner) {
  if (stopped_ || !active_.insert(payment_id).second) return;
  spawn(payment_id, load_and_run(payment_id, previous_owner));
}

void PaymentSagaEngine::spawn(const std::string& payment_id, asio::awaitable<void> saga) {
  parked_.erase(payment_id);
  asio::co_spawn(io_, std::move(saga), [this, payment_id](std::exception_ptr error) {
    active_.erase(payment_id);
    if (auto it = unsaved_.find(payment_id); it != unsaved_.end()) {
      if (it->second.first_append && !it->second.first_append->result) {
        it->second.first_append->result =
            fail(ErrorKind::kUnavailable, "STORE_UNAVAILABLE", "the saga stopped early");
        it->second.first_append->done.cancel();
      }
      unsaved_.erase(it);
    }
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("payment {}: saga stopped by an exception: {}", payment_id, e.what());
      }
    }
  });
}

void PaymentSagaEngine::park(const std::string& payment_id) {
  parked_[payment_id] = MonotonicClock::now() + std::chrono::milliseconds(config_.park_ms);
}

asio::awaitable<void> PaymentSagaEngine::wait_terminal(const std::string& payment_id,
                                                       Deadline deadline) {
  co_await terminal_waiters_.wait(payment_id, deadline);
}

asio::awaitable<void> PaymentSagaEngine::load_and_run(std::string payment_id,
                                                      std::optional<std::string> resumed_from) {
  auto stream = co_await ledger::read_whole_stream(store_, ev::payment_stream(payment_id));
  if (!stream || stream->empty()) {
    spdlog::error("payment {}: cannot load its stream: {}", payment_id,
                  stream ? "empty" : stream.error().message);
    park(payment_id);
    co_return;
  }
  PaymentState state = fold(*stream);
  unsaved_[payment_id] = Unsaved{{}, state.version, nullptr};
  co_await run(std::move(state), std::move(resumed_from));
}

asio::awaitable<void> PaymentSagaEngine::run(PaymentState state,
                                             std::optional<std::string> resumed_from) {
  const std::string payment_id = state.id;
  const bool was_terminal = state.terminal();
  if (resumed_from && !state.terminal()) {
    auto claim = batch(event(state, ev::kSagaResumed, {{"previous_owner", *resumed_from}}));
    const StepResult claimed = co_await commit(state, std::move(claim));
    if (claimed != StepResult::kContinue) co_return;
    spdlog::info("payment {}: resumed (previous owner {})", payment_id, *resumed_from);
  }
  StepResult result = StepResult::kContinue;
  for (int steps = 0; result == StepResult::kContinue && !state.terminal(); ++steps) {
    if (stopped_ || (may_drive_ && !may_drive_())) {
      result = StepResult::kStop;  // recovery takes it up once this node may drive again
    } else if (steps == config_.steps_per_drive_max) {
      result = StepResult::kPark;
    } else {
      result = co_await step(state);
    }
  }
  const StepResult flushed = co_await flush(state);  // what is staged is written before leaving
  if (flushed == StepResult::kStop) co_return;
  if (result == StepResult::kPark || flushed == StepResult::kPark) {
    park(payment_id);
    co_return;
  }
  if (state.terminal() && !was_terminal) {
    if (on_terminal_) on_terminal_(state);
    terminal_waiters_.notify(payment_id);
  }
}

asio::awaitable<StepResult> PaymentSagaEngine::step(PaymentState& state) {
  switch (decide(state)) {
    case Step::kResolve:
      co_return co_await resolve(state);
    case Step::kSelectRail:
      co_return co_await select_rail(state);
    case Step::kDebit:
      co_return co_await debit(state);
    case Step::kCheckDebit:
      co_return co_await check_debit(state);
    case Step::kCredit:
      co_return co_await credit(state);
    case Step::kCheckCredit:
      co_return co_await check_credit(state);
    case Step::kRequestReversal:
      co_return co_await request_reversal(state, "CREDIT_FAILED");
    case Step::kReverse:
      co_return co_await reverse(state);
    case Step::kNone:
      co_return StepResult::kStop;
  }
  co_return StepResult::kStop;
}

ledger::NewEvent PaymentSagaEngine::event(const PaymentState& state, std::string_view type,
                                          json::object data) const {
  ledger::Metadata meta;
  meta.correlation_id = state.id;
  meta.causation_id = ev::payment_stream(state.id) + "@" + std::to_string(state.version);
  meta.node_id = config_.node_id;
  return ledger::NewEvent{std::string(type), std::move(data), std::move(meta)};
}

StepResult PaymentSagaEngine::stage(PaymentState& state, std::vector<ledger::NewEvent> events) {
  Unsaved& unsaved = unsaved_[state.id];
  for (auto& e : events) {
    apply(state, e.type, e.data);
    unsaved.events.push_back(std::move(e));
  }
  return StepResult::kContinue;
}

asio::awaitable<StepResult> PaymentSagaEngine::flush(PaymentState& state) {
  Unsaved& unsaved = unsaved_[state.id];
  if (unsaved.events.empty()) co_return StepResult::kContinue;
  std::vector<ledger::NewEvent> events = std::move(unsaved.events);
  unsaved.events.clear();
  auto appended =
      co_await store_.append(ev::payment_stream(state.id), unsaved.saved_version, events);
  Unsaved& after = unsaved_[state.id];  // the map may have changed while we waited
  StepResult result = StepResult::kContinue;
  if (appended) {
    assert(state.version == appended->stream_version);
    after.saved_version = appended->stream_version;
  } else if (appended.error().code == "VERSION_CONFLICT") {
    spdlog::warn("payment {}: another driver moved the saga on; stopping here", state.id);
    result = StepResult::kStop;
  } else {
    spdlog::error("payment {}: append failed: {}", state.id, appended.error().message);
    // Nothing of a new payment is in the ledger yet: it ends here, and begin() says why.
    result = after.saved_version == ledger::kNoStream ? StepResult::kStop : StepResult::kPark;
  }
  if (after.first_append) {
    after.first_append->result =
        appended ? Result<void>{} : Result<void>(std::unexpected(appended.error()));
    after.first_append->done.cancel();
    after.first_append.reset();
  }
  co_return result;
}

asio::awaitable<StepResult> PaymentSagaEngine::commit(PaymentState& state,
                                                      std::vector<ledger::NewEvent> events) {
  stage(state, std::move(events));
  co_return co_await flush(state);
}

banks::Deadline PaymentSagaEngine::leg_deadline() const {
  return MonotonicClock::now() + std::chrono::milliseconds(config_.leg_timeout_ms);
}

asio::awaitable<void> PaymentSagaEngine::backoff(int attempt) {
  if (attempt <= 0) co_return;
  const int shift = std::min(attempt - 1, 20);
  const int delay_ms =
      std::min(config_.retry_backoff_base_ms << shift, config_.retry_backoff_max_ms);
  Timer timer(io_, std::chrono::milliseconds(delay_ms));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<StepResult> PaymentSagaEngine::resolve(PaymentState& s) {
  // std::array, not C arrays: GCC 12 cannot keep C arrays in a coroutine frame.
  std::array<std::optional<psp::ResolvedVpa>, 2> parties;
  const std::array<std::string, 2> vpas{s.payer_vpa, s.payee_vpa};
  const std::array<std::string, 2> roles{"payer", "payee"};
  for (int i = 0; i < 2; ++i) {
    auto vpa = parse_vpa(vpas[i]);
    assert(vpa.has_value() && "VPAs are validated before PaymentRequested");
    auto found = registry_.resolve(*vpa);
    if (!found) {
      json::object failed =
          reason_json(found.error().code, reason_info(ReasonCode::kVpaNotFound).upi_code,
                      found.error().message);
      failed["vpa"] = vpas[i];
      failed["role"] = roles[i];
      const std::string message = roles[i] + " " + vpas[i] + " not found: " + found.error().message;
      auto events =
          batch(event(s, ev::kResolutionFailed, failed),
                event(s, ev::kPaymentFailed, reason_json(ReasonCode::kVpaNotFound, message)));
      co_return stage(s, std::move(events));
    }
    parties[i] = *found;
  }
  auto events = batch(event(s, ev::kPayerResolved, party_json(*parties[0])),
                      event(s, ev::kPayeeResolved, party_json(*parties[1])));
  co_return stage(s, std::move(events));
}

asio::awaitable<StepResult> PaymentSagaEngine::select_rail(PaymentState& s) {
  const auto rail = upi::select_rail(scheme_, s.amount);
  if (!rail) {
    auto events = batch(
        event(s, ev::kPaymentFailed,
              reason_json(ReasonCode::kAmountAboveLimit, "amount is above the scheme maximum")));
    co_return stage(s, std::move(events));
  }
  const std::array<const Party*, 2> parties{&*s.payer, &*s.payee};
  for (const Party* party : parties) {
    const BankSpec* bank = banks_.spec(party->bank);
    if (bank == nullptr) {
      auto events = batch(
          event(s, ev::kPaymentFailed,
                reason_json(ReasonCode::kBankUnavailable, party->bank + " is not on the network")));
      co_return stage(s, std::move(events));
    }
    if (std::find(bank->rails.begin(), bank->rails.end(), *rail) == bank->rails.end()) {
      const std::string message = bank->code + " does not support " +
                                  std::string(rail_name(*rail)) + ", which an amount of " +
                                  format_money(s.amount) + " needs";
      auto events =
          batch(event(s, ev::kPaymentFailed, reason_json(ReasonCode::kRailNotSupported, message)));
      co_return stage(s, std::move(events));
    }
  }
  auto events = batch(event(s, ev::kRailSelected, {{"rail", rail_name(*rail)}}));
  co_return stage(s, std::move(events));
}

asio::awaitable<StepResult> PaymentSagaEngine::debit(PaymentState& s) {
  // Fail fast, before any money moves, when either bank's circuit is open.
  const std::array<const Party*, 2> parties{&*s.payer, &*s.payee};
  for (const Party* party : parties) {
    if (banks_.available(party->bank)) continue;
    co_return stage(s, batch(event(s, ev::kPaymentFailed,
                                   reason_json(ReasonCode::kBankUnavailable,
                                               party->bank + " is unavailable; nothing moved"))));
  }
  const std::string leg_id = banks::make_leg_id(s.id, banks::LegKind::kDebit, 1);
  auto requested = batch(event(s, ev::kDebitRequested, leg_json(leg_id, *s.payer, s.amount)));
  if (auto r = co_await commit(s, std::move(requested)); r != StepResult::kContinue) {
    co_return r;
  }
  auto call = co_await banks_.gateway(s.payer->bank)
                  ->debit(leg_id, s.payer->account, s.amount, leg_deadline());
  if (call.outcome == banks::CallOutcome::kUnknown) {
    auto events =
        batch(event(s, ev::kDebitOutcomeUnknown, {{"leg_id", leg_id}, {"detail", call.detail}}));
    co_return stage(s, std::move(events));
  }
  auto events = debit_answered(s, call.answer);
  co_return stage(s, std::move(events));
}

asio::awaitable<StepResult> PaymentSagaEngine::check_debit(PaymentState& s) {
  if (s.status_checks >= config_.status_checks_max) {
    // Still unknown: reverse as a precaution. The bank undoes the debit if it applied and
    // otherwise closes the leg id so the debit can never apply later.
    s.refund_reason =
        reason_of(ReasonCode::kDebitOutcomeUnknown, "the payer's bank did not confirm the debit");
    co_return co_await request_reversal(s, "DEBIT_OUTCOME_UNKNOWN");
  }
  co_return co_await check_status(s, s.payer->bank, s.debit_leg_id);
}

asio::awaitable<StepResult> PaymentSagaEngine::check_status(PaymentState& s, std::string bank,
                                                            std::string leg_id) {
  // Written ahead of the query: a status query closes a leg the bank never saw.
  if (auto r = co_await flush(s); r != StepResult::kContinue) co_return r;
  if (!banks_.available(bank)) co_return StepResult::kPark;  // ask when it is back
  co_await backoff(s.status_checks);
  auto call = co_await banks_.gateway(bank)->status(leg_id, leg_deadline());
  json::object checked{{"leg_id", leg_id}, {"attempt", s.status_checks + 1}};
  std::vector<ledger::NewEvent> events;
  if (call.outcome == banks::CallOutcome::kUnknown) {
    checked["result"] = "UNKNOWN";
    checked["detail"] = call.detail;
    events = batch(event(s, ev::kStatusChecked, checked));
  } else {
    checked["result"] = banks::leg_state_name(call.answer.state);
    events = status_outcome(s, std::move(checked), call.answer);
  }
  co_return stage(s, std::move(events));
}

json::object PaymentSagaEngine::settlement(const PaymentState& s) const {
  const std::string window = settlement_window(clock_.now_ms());
  json::array legs;
  legs.push_back(json::object{{"bank", s.payer->bank},
                              {"rail", s.rail},
                              {"window", window},
                              {"side", "debit"},
                              {"amount", format_money(s.amount)}});
  legs.push_back(json::object{{"bank", s.payee->bank},
                              {"rail", s.rail},
                              {"window", window},
                              {"side", "credit"},
                              {"amount", format_money(s.amount)}});
  return json::object{{"settlement", std::move(legs)},
                      {"debit_reference", s.debit_reference},
                      {"credit_reference", s.credit_reference}};
}

asio::awaitable<StepResult> PaymentSagaEngine::credit(PaymentState& s) {
  const std::string leg_id = banks::make_leg_id(s.id, banks::LegKind::kCredit, 1);
  if (!banks_.available(s.payee->bank)) {
    // Not sent, so it surely did not apply: refund the payer now rather than wait.
    json::object failed = reason_json(ReasonCode::kBankUnavailable,
                                      s.payee->bank + " is unavailable; the credit was not sent");
    failed["leg_id"] = leg_id;
    co_return stage(s, batch(event(s, ev::kCreditFailed, failed)));
  }
  auto requested = batch(event(s, ev::kCreditRequested, leg_json(leg_id, *s.payee, s.amount)));
  if (auto r = co_await commit(s, std::move(requested)); r != StepResult::kContinue) {
    co_return r;
  }
  auto call = co_await banks_.gateway(s.payee->bank)
                  ->credit(leg_id, s.payee->account, s.amount, leg_deadline());
  if (call.outcome == banks::CallOutcome::kUnknown) {
    auto events =
        batch(event(s, ev::kCreditOutcomeUnknown, {{"leg_id", leg_id}, {"detail", call.detail}}));
    co_return stage(s, std::move(events));
  }
  auto events = credit_answered(s, call.answer);
  co_return stage(s, std::move(events));
}

asio::awaitable<StepResult> PaymentSagaEngine::check_credit(PaymentState& s) {
  if (s.status_checks > 0 && s.status_checks % config_.status_checks_max == 0) {
    // A credit that may have happened is never reversed: keep asking, more slowly.
    json::object checked{{"leg_id", s.credit_leg_id},
                         {"attempt", s.status_checks + 1},
                         {"result", "DEFERRED"},
                         {"detail", "no answer yet; asking again later"}};
    stage(s, batch(event(s, ev::kStatusChecked, checked)));
    co_return StepResult::kPark;  // the saga is flushed before it parks
  }
  co_return co_await check_status(s, s.payee->bank, s.credit_leg_id);
}

asio::awaitable<StepResult> PaymentSagaEngine::request_reversal(PaymentState& s,
                                                                std::string_view cause) {
  // Never abandoned: each refused attempt backs off, a long run parks, and the sweeper resumes.
  co_await backoff(s.reversal_attempts);
  const int attempt = s.reversal_attempts + 1;
  assert(s.refund_reason.has_value());
  json::object req = reason_json(*s.refund_reason);
  req["leg_id"] = banks::make_leg_id(s.id, banks::LegKind::kReversal, attempt);
  req["debit_leg_id"] = s.debit_leg_id;
  req["bank"] = s.payer->bank;
  req["cause"] = s.debit_outcome_unknown ? "DEBIT_OUTCOME_UNKNOWN" : cause;
  req["attempt"] = attempt;
  auto events = batch(event(s, ev::kReversalRequested, req));
  co_return stage(s, std::move(events));
}

asio::awaitable<StepResult> PaymentSagaEngine::reverse(PaymentState& s) {
  assert(s.reversal_attempts > 0);
  if (auto r = co_await flush(s); r != StepResult::kContinue) co_return r;  // written ahead
  if (!banks_.available(s.payer->bank)) co_return StepResult::kPark;  // owed: wait for the bank
  const std::string leg_id =
      banks::make_leg_id(s.id, banks::LegKind::kReversal, s.reversal_attempts);
  auto call =
      co_await banks_.gateway(s.payer->bank)->reverse(leg_id, s.debit_leg_id, leg_deadline());
  if (call.outcome == banks::CallOutcome::kAnswered &&
      call.answer.outcome == banks::LegOutcome::kApplied) {
    const bool reversed = !call.answer.nothing_to_reverse;
    json::object done = answer_json(leg_id, call.answer);
    done["reversed"] = reversed;
    if (!reversed && s.debit_outcome_unknown) {
      auto events =
          batch(event(s, ev::kReversalSucceeded, done),
                event(s, ev::kPaymentFailed,
                      reason_json(ReasonCode::kDebitTimeout,
                                  "the payer's bank did not confirm the debit; nothing moved")));
      co_return stage(s, std::move(events));
    }
    auto events = batch(event(s, ev::kReversalSucceeded, done),
                        event(s, ev::kPaymentReversed, reason_json(*s.refund_reason)));
    co_return stage(s, std::move(events));
  }
  json::object failed{{"leg_id", leg_id}};
  failed["code"] =
      call.outcome == banks::CallOutcome::kUnknown ? "REVERSAL_OUTCOME_UNKNOWN" : call.answer.code;
  failed["message"] =
      call.outcome == banks::CallOutcome::kUnknown ? call.detail : call.answer.message;
  auto events = batch(event(s, ev::kReversalFailed, failed));
  co_return stage(s, std::move(events));
}

std::vector<ledger::NewEvent> PaymentSagaEngine::debit_answered(
    const PaymentState& s, const banks::LegAnswer& answer) const {
  if (answer.outcome == banks::LegOutcome::kApplied) {
    return batch(event(s, ev::kDebitSucceeded, answer_json(s.debit_leg_id, answer)));
  }
  return batch(
      event(s, ev::kDebitFailed, answer_json(s.debit_leg_id, answer)),
      event(s, ev::kPaymentFailed, reason_json(answer.code, answer.upi_code, answer.message)));
}

std::vector<ledger::NewEvent> PaymentSagaEngine::credit_answered(
    const PaymentState& s, const banks::LegAnswer& answer) const {
  if (answer.outcome == banks::LegOutcome::kApplied) {
    PaymentState after = s;
    after.credit_reference = answer.bank_reference;
    return batch(event(s, ev::kCreditSucceeded, answer_json(s.credit_leg_id, answer)),
                 event(s, ev::kPaymentCompleted, settlement(after)));
  }
  return batch(event(s, ev::kCreditFailed, answer_json(s.credit_leg_id, answer)));
}

std::vector<ledger::NewEvent> PaymentSagaEngine::status_outcome(
    const PaymentState& s, json::object checked, const banks::StatusAnswer& status) const {
  const bool debit = s.phase == Phase::kDebitPending;
  std::vector<ledger::NewEvent> events = batch(event(s, ev::kStatusChecked, checked));
  std::vector<ledger::NewEvent> outcome;
  if (status.state != banks::LegState::kNotFound) {
    outcome = debit ? debit_answered(s, status.answer) : credit_answered(s, status.answer);
  } else if (debit) {
    json::object failed =
        reason_json(ReasonCode::kDebitTimeout, "the payer's bank never received the debit");
    failed["leg_id"] = s.debit_leg_id;
    outcome = batch(event(s, ev::kDebitFailed, failed),
                    event(s, ev::kPaymentFailed,
                          reason_json(ReasonCode::kDebitTimeout,
                                      "the payer's bank did not answer in time; nothing moved")));
  } else {
    json::object failed =
        reason_json(ReasonCode::kCreditTimeout, "the payee's bank never received the credit");
    failed["leg_id"] = s.credit_leg_id;
    outcome = batch(event(s, ev::kCreditFailed, failed));
  }
  std::move(outcome.begin(), outcome.end(), std::back_inserter(events));
  return events;
}

asio::awaitable<void> PaymentSagaEngine::sweep() {
  while (!stopped_) {
    sweep_timer_.expires_after(std::chrono::milliseconds(std::max(config_.park_ms / 4, 10)));
    co_await sweep_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    const auto now = MonotonicClock::now();
    std::vector<std::string> due;
    for (const auto& [id, when] : parked_) {
      if (when <= now) due.push_back(id);
    }
    for (const auto& id : due) drive(id);
  }
}

}  // namespace upi::sagas
