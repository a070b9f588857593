#include "sagas/payment_saga.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>

#include "ledger/payment_events.h"

namespace upi::sagas {
namespace ev = ledger::events;

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
      sagas_(io.get_executor()),
      background_(io.get_executor()),
      sweeper_("saga sweeper", std::chrono::milliseconds(std::max(config_.park_ms / 4, 10)),
               [this] { return sweep(); }) {}

void PaymentSagaEngine::start() {
  sweeper_.start(background_);
}

void PaymentSagaEngine::stop() {
  stopped_ = true;
  background_.stop();
  terminal_waiters_.notify_all();
}

asio::awaitable<void> PaymentSagaEngine::join() {
  co_await background_.join();
  co_await sagas_.join();
}

asio::awaitable<Result<void>> PaymentSagaEngine::begin(std::string payment_id,
                                                       ledger::NewEvent requested) {
  if (stopped_)
    co_return fail(ErrorKind::kUnavailable, "SWITCH_STOPPING", "the switch is shutting down");
  if (knows(payment_id))  // a collect request's payment, begun again by a retry
    co_return fail(ErrorKind::kConflict, "VERSION_CONFLICT", "payment " + payment_id + " exists");
  auto decoded = ev::decode(requested.type, requested.data);
  assert(decoded && std::holds_alternative<ev::PaymentRequested>(*decoded));
  PaymentState state;
  fold_event(state, *decoded);
  auto first = std::make_shared<FirstAppend>(io_.get_executor());
  unsaved_.open_new(payment_id, first);
  unsaved_.stage(payment_id, std::move(requested));
  active_.insert(payment_id);
  spawn(payment_id, run(std::move(state), std::nullopt));
  co_await first->done.wait();
  co_return first->result;
}

asio::awaitable<Result<void>> PaymentSagaEngine::begin_refund(
    std::string refund_id, std::vector<ev::PaymentEvent> first_events) {
  if (stopped_)
    co_return fail(ErrorKind::kUnavailable, "SWITCH_STOPPING", "the switch is shutting down");
  assert(!active_.contains(refund_id) && "refund ids are fresh");
  assert(!first_events.empty() && std::holds_alternative<ev::RefundRequested>(first_events[0]));
  PaymentState state;
  state.id = refund_id;
  std::vector<ledger::NewEvent> events = to_new_events(state, first_events);
  // Appended on its own, before the saga runs, so that a refusal of the refund's counters
  // reaches the caller as what it is, with nothing written.
  auto appended = co_await store_.append(ev::saga_stream(refund_id), ledger::kNoStream, events);
  if (!appended) co_return std::unexpected(appended.error());
  assert(appended->stream_version == state.version);
  note_recorded(state, *appended);
  active_.insert(refund_id);
  unsaved_.open(refund_id, state.version);
  spawn(refund_id, run(std::move(state), std::nullopt));
  co_return Result<void>{};
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
  if (auto it = awaiting_.find(payment_id); it != awaiting_.end()) {
    awaiting_by_due_.erase({it->second, payment_id});
    awaiting_.erase(it);
  }
  sagas_.spawn(std::move(saga), [this, payment_id](std::exception_ptr error) {
    active_.erase(payment_id);
    unsaved_.close(payment_id);
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("payment {}: saga stopped by an exception: {}", payment_id, e.what());
    }
  });
}

void PaymentSagaEngine::park(const std::string& payment_id) {
  parked_[payment_id] = MonotonicClock::now() + std::chrono::milliseconds(config_.park_ms);
}

void PaymentSagaEngine::await_batch(const std::string& payment_id, std::int64_t due_ms) {
  assert(!awaiting_.contains(payment_id) && "a saga waits in one place");
  awaiting_.emplace(payment_id, due_ms);
  awaiting_by_due_.emplace(due_ms, payment_id);
}

void PaymentSagaEngine::release_due_batches() {
  const std::int64_t now_ms = clock_.now_ms();
  std::vector<std::string> due;
  for (auto it = awaiting_by_due_.begin(); it != awaiting_by_due_.end() && it->first <= now_ms;
       ++it) {
    due.push_back(it->second);
  }
  for (const auto& id : due) drive(id);  // spawn() takes it out of awaiting_
}

asio::awaitable<void> PaymentSagaEngine::wait_terminal(const std::string& payment_id,
                                                       Deadline deadline) {
  co_await terminal_waiters_.wait(payment_id, deadline);
}

asio::awaitable<void> PaymentSagaEngine::load_and_run(std::string payment_id,
                                                      std::optional<std::string> resumed_from) {
  auto stream = co_await ledger::read_whole_stream(store_, ev::saga_stream(payment_id));
  if (!stream || stream->empty()) {
    spdlog::error("payment {}: cannot load its stream: {}", payment_id,
                  stream ? "empty" : stream.error().message);
    park(payment_id);
    co_return;
  }
  PaymentState state = fold(*stream);
  unsaved_.open(payment_id, state.version);
  co_await run(std::move(state), std::move(resumed_from));
}

asio::awaitable<void> PaymentSagaEngine::run(PaymentState state,
                                             std::optional<std::string> resumed_from) {
  const std::string payment_id = state.id;
  const bool was_terminal = state.terminal();
  if (resumed_from && !state.terminal()) {
    stage(state, {ev::SagaResumed{*resumed_from}});
    const StepResult claimed = co_await flush(state);
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
  assert(flushed != StepResult::kLimitExceeded && "only a debit's hold has a max");
  if (flushed == StepResult::kStop) co_return;
  if (result == StepResult::kPark || flushed == StepResult::kPark) {
    park(payment_id);
    co_return;
  }
  if (result == StepResult::kAwait) {
    assert(state.phase == Phase::kAwaitingBatch);
    await_batch(payment_id, state.credit_at_ms);
    co_return;
  }
  if (state.terminal() && !was_terminal) {
    if (on_terminal_) on_terminal_(state);
    if (ended_order_.size() == kEndedRememberedMax) {
      ended_lately_.erase(ended_order_.front());
      ended_order_.pop_front();
    }
    ended_order_.push_back(payment_id);
    ended_lately_.insert_or_assign(payment_id, state);
    terminal_waiters_.notify(payment_id);
  }
}

void PaymentSagaEngine::note_recorded(PaymentState& state, const ledger::AppendResult& appended) {
  // What fold() takes from the recorded events rather than from their contents, so that the
  // state equals the fold of the stream (checked by the property test).
  const std::int64_t count = appended.last_position - appended.first_position + 1;
  if (appended.stream_version - count < 1) state.created_at_ms = appended.recorded_at_ms;
  state.updated_at_ms = appended.recorded_at_ms;
  state.position = appended.last_position;
}

StepContext PaymentSagaEngine::context() const {
  return StepContext{registry_,
                     scheme_,
                     [this](const std::string& bank) { return banks_.spec(bank); },
                     [this](const std::string& bank) { return banks_.available(bank); },
                     config_.status_checks_max,
                     clock_.now_ms()};
}

asio::awaitable<StepResult> PaymentSagaEngine::step(PaymentState& state) {
  const Plan plan = plan_step(state, context());
  co_await backoff(plan.backoff_attempt);
  // A debit holds its amount against the payer bank's cap, which the ledger may refuse.
  std::optional<PaymentState> before_debit;
  if (plan.call && plan.call->kind == CallKind::kDebit) before_debit = state;
  stage(state, plan.events);
  if (plan.park) co_return StepResult::kPark;                // the saga is flushed before it parks
  if (plan.wait_until_ms > 0) co_return StepResult::kAwait;  // and before it waits for a batch
  if (!plan.call) co_return StepResult::kContinue;
  // Written ahead: the ledger records the leg (and a status query, which closes a leg the
  // bank never saw) before the bank hears of it.
  const StepResult written = co_await flush(state);
  if (written == StepResult::kLimitExceeded && before_debit) {
    state = std::move(*before_debit);
    unsaved_.drop_last(state.id, plan.events.size());
    stage(state, {net_debit_cap_exceeded(state, payer_cap(state))});
    co_return StepResult::kContinue;  // terminal now: run() writes it
  }
  assert(written != StepResult::kLimitExceeded && "only a debit's hold has a max");
  if (written != StepResult::kContinue) co_return written;
  co_return co_await call_bank(state, *plan.call);
}

asio::awaitable<StepResult> PaymentSagaEngine::call_bank(PaymentState& state,
                                                         const BankCall& call) {
  banks::BankGateway* bank = banks_.gateway(call.bank);
  assert(bank != nullptr && "a planned call names a bank on the network");
  switch (call.kind) {
    case CallKind::kDebit: {
      auto result = co_await bank->debit(call.leg_id, call.account, call.amount, leg_deadline());
      stage(state, leg_answered(state, call, result, context()));
      break;
    }
    case CallKind::kCredit: {
      auto result = co_await bank->credit(call.leg_id, call.account, call.amount, leg_deadline());
      stage(state, leg_answered(state, call, result, context()));
      break;
    }
    case CallKind::kReverse: {
      auto result = co_await bank->reverse(call.leg_id, call.debit_leg_id, leg_deadline());
      stage(state, reversal_answered(state, call, result));
      break;
    }
    case CallKind::kStatus: {
      auto result = co_await bank->status(call.leg_id, leg_deadline());
      stage(state, status_answered(state, call, result, context()));
      break;
    }
  }
  co_return StepResult::kContinue;
}

void PaymentSagaEngine::stage(PaymentState& state, const std::vector<ev::PaymentEvent>& events) {
  for (auto& e : to_new_events(state, events)) unsaved_.stage(state.id, std::move(e));
}

std::vector<ledger::NewEvent> PaymentSagaEngine::to_new_events(
    PaymentState& state, const std::vector<ev::PaymentEvent>& events) const {
  ledger::Metadata meta;
  meta.correlation_id = state.id;
  meta.causation_id = ev::saga_stream(state.id) + "@" + std::to_string(state.version);
  meta.node_id = config_.node_id;
  std::vector<ledger::NewEvent> out;
  out.reserve(events.size());
  for (const auto& e : events) {
    const bool debit = std::holds_alternative<ev::DebitRequested>(e);
    meta.charges = net_debit_charges(state, e, debit ? payer_cap(state) : std::nullopt);
    for (auto& charge : refund_charges(state, e)) meta.charges.push_back(std::move(charge));
    fold_event(state, e);
    out.push_back(ev::to_new_event(e, meta));
  }
  return out;
}

std::optional<Paise> PaymentSagaEngine::payer_cap(const PaymentState& state) const {
  const BankSpec* bank = state.payer ? banks_.spec(state.payer->bank) : nullptr;
  return bank ? bank->net_debit_cap : std::nullopt;
}

asio::awaitable<StepResult> PaymentSagaEngine::flush(PaymentState& state) {
  // Awaited into a variable: GCC 12 miscompiles a co_await in a switch condition (SIGILL).
  ledger::AppendResult appended;
  const FlushOutcome outcome = co_await unsaved_.flush(store_, state.id, state.version, &appended);
  switch (outcome) {
    case FlushOutcome::kWritten:
      if (appended.last_position > 0) note_recorded(state, appended);
      co_return StepResult::kContinue;
    case FlushOutcome::kConflict:
    case FlushOutcome::kNotStored:
      co_return StepResult::kStop;
    case FlushOutcome::kFailed:
      co_return StepResult::kPark;
    case FlushOutcome::kLimitExceeded:
      co_return StepResult::kLimitExceeded;
  }
  co_return StepResult::kStop;
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

asio::awaitable<void> PaymentSagaEngine::sweep() {
  if (stopped_) co_return;
  const auto now = MonotonicClock::now();
  std::vector<std::string> due;
  for (const auto& [id, when] : parked_) {
    if (when <= now) due.push_back(id);
  }
  for (const auto& id : due) drive(id);
  release_due_batches();
}

}  // namespace upi::sagas
