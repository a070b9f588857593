// The payment saga runner: admission (a bound on sagas in flight), scheduling (one coroutine
// per payment in a task group, parking, a sweeper that resumes parked sagas), and carrying out
// each step that saga_steps.h plans: stage its events (folding them into the state), write them
// ahead (write_ahead.h) before any bank call, before parking and before ending, make the call,
// and stage what the answer means. Each append carries the expected stream version, so a
// duplicate driver loses the race instead of applying a step twice, and any driver can resume
// from the stream.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "banks/bank_network.h"
#include "common/async.h"
#include "common/clock.h"
#include "common/scheme.h"
#include "common/timer.h"
#include "common/waiters.h"
#include "ledger/event_store.h"
#include "psp/registry.h"
#include "sagas/payment_state.h"
#include "sagas/saga_steps.h"
#include "sagas/write_ahead.h"

namespace upi::sagas {

namespace asio = boost::asio;

struct SagaConfig {
  std::string node_id = "node-0";
  int leg_timeout_ms = 2'000;             // deadline of one bank call
  int status_checks_max = 6;              // per unknown outcome before escalating or parking
  int retry_backoff_base_ms = 50;         // status checks and reversals back off from here...
  int retry_backoff_max_ms = 2'000;       // ...doubling up to this
  int steps_per_drive_max = 32;           // then the saga parks and is resumed by the sweeper
  int park_ms = 1'000;                    // how long a parked saga waits
  std::size_t active_sagas_max = 10'000;  // admission bound
  // NEFT payments waiting for their batch are held apart, by due time; new payments are refused
  // while this many wait (sagas already running may still join them: at most active_sagas_max).
  std::size_t awaiting_batch_max = 100'000;
};

// kAwait: the saga waits until state.credit_at_ms (its NEFT batch).
enum class StepResult { kContinue, kPark, kStop, kLimitExceeded, kAwait };

class PaymentSagaEngine {
 public:
  PaymentSagaEngine(asio::io_context& io, ledger::EventStore& store, const psp::Registry& registry,
                    banks::BankNetwork& banks, const Scheme& scheme, const Clock& clock,
                    SagaConfig config);

  // Starts the sweeper that resumes parked sagas.
  void start();
  // Starts a new payment from its PaymentRequested event: the first append (that event with
  // the resolution, the rail and the debit request, or the failure) is made before this
  // returns; the rest runs on. Error codes: VERSION_CONFLICT (the payment exists: this node
  // drives it, or its stream has begun), STORE_UNAVAILABLE, STORE_BUSY, SWITCH_STOPPING.
  asio::awaitable<Result<void>> begin(std::string payment_id, ledger::NewEvent requested);
  // Starts a refund from its first events (RefundRequested and the parties, swapped): they are
  // appended alone, charging the payment's refund counters, before this returns; the rest runs
  // on. Error codes: LIMIT_EXCEEDED (a refund counter refused: nothing was written),
  // STORE_UNAVAILABLE, STORE_BUSY, SWITCH_STOPPING.
  asio::awaitable<Result<void>> begin_refund(
      std::string refund_id, std::vector<ledger::events::PaymentEvent> first_events);
  // Starts driving a payment already in the ledger unless this node already drives it.
  void drive(const std::string& payment_id);
  // Takes over a payment that its owner stopped driving (recovery): appends SagaResumed with
  // the expected stream version, which fences the previous driver, then drives it.
  void resume(const std::string& payment_id, const std::string& previous_owner);
  // True when this node is driving the payment, has parked it, or holds it for its batch.
  bool knows(const std::string& payment_id) const {
    return active_.contains(payment_id) || parked_.contains(payment_id) ||
           awaiting_.contains(payment_id);
  }
  // Checked before every step: when it says no (the node lost its lease), sagas stop where
  // they are and are left to recovery.
  void set_gate(std::function<bool()> may_drive) { may_drive_ = std::move(may_drive); }
  bool stopped() const { return stopped_; }
  // The terminal state of a payment that ended on this node lately (the last
  // kEndedRememberedMax to end here), else null. It equals the fold of its stream (nothing is
  // appended after the end), so it answers without a read; and a waiter that registered now
  // would not be woken.
  const PaymentState* ended_state(const std::string& payment_id) const {
    auto it = ended_lately_.find(payment_id);
    return it == ended_lately_.end() ? nullptr : &it->second;
  }
  // Returns when the payment is terminal here, or at the deadline.
  asio::awaitable<void> wait_terminal(const std::string& payment_id, Deadline deadline);
  // True when one more saga fits under active_sagas_max and awaiting_batch_max.
  bool has_capacity() const {
    return active_.size() + parked_.size() < config_.active_sagas_max &&
           awaiting_.size() < config_.awaiting_batch_max;
  }
  std::size_t active() const { return active_.size(); }
  std::size_t parked() const { return parked_.size(); }
  std::size_t awaiting_batch() const { return awaiting_.size(); }
  // Called once per payment that reaches a terminal status on this node.
  void on_terminal(std::function<void(const PaymentState&)> listener) { on_terminal_ = listener; }
  // Stops the sweeper; running sagas end at their next step (what they staged is written).
  void stop();
  // Returns once no saga coroutine and no sweeper is running (after stop()).
  asio::awaitable<void> join();

 private:
  void spawn(const std::string& payment_id, asio::awaitable<void> saga);
  asio::awaitable<void> load_and_run(std::string payment_id,
                                     std::optional<std::string> resumed_from);
  asio::awaitable<void> run(PaymentState state, std::optional<std::string> resumed_from);
  void park(const std::string& payment_id);
  // Holds the saga until the wall clock reaches due_ms; the sweeper drives it then.
  void await_batch(const std::string& payment_id, std::int64_t due_ms);
  // Drives every held saga whose batch is due.
  void release_due_batches();
  // Carries out the next step that saga_steps plans.
  asio::awaitable<StepResult> step(PaymentState& state);
  asio::awaitable<StepResult> call_bank(PaymentState& state, const BankCall& call);
  // The payer bank's net debit cap, if it has one.
  std::optional<Paise> payer_cap(const PaymentState& state) const;
  // Folds events into the state and keeps them for the next flush; metadata names the
  // version they followed.
  void stage(PaymentState& state, const std::vector<ledger::events::PaymentEvent>& events);
  // Folds events into the state and returns them as the ledger takes them: metadata, charges.
  std::vector<ledger::NewEvent> to_new_events(
      PaymentState& state, const std::vector<ledger::events::PaymentEvent>& events) const;
  // Appends every staged event in one append (kStop on a version conflict, or when nothing of
  // the payment is in the ledger yet; kLimitExceeded when a charge was refused, the events
  // still staged; kPark on other errors).
  asio::awaitable<StepResult> flush(PaymentState& state);
  // Takes into the state what the ledger recorded with its events (position, times).
  static void note_recorded(PaymentState& state, const ledger::AppendResult& appended);
  asio::awaitable<void> backoff(int attempt);
  asio::awaitable<void> sweep();
  StepContext context() const;
  banks::Deadline leg_deadline() const;

  asio::io_context& io_;
  ledger::EventStore& store_;
  const psp::Registry& registry_;
  banks::BankNetwork& banks_;
  const Scheme& scheme_;
  const Clock& clock_;
  SagaConfig config_;
  std::set<std::string> active_;
  std::map<std::string, Deadline> parked_;
  std::unordered_map<std::string, std::int64_t> awaiting_;          // payment id -> due (Unix ms)
  std::set<std::pair<std::int64_t, std::string>> awaiting_by_due_;  // the same, soonest first
  WriteAheadBuffer unsaved_;
  Waiters<std::string> terminal_waiters_;
  static constexpr std::size_t kEndedRememberedMax = 4096;
  std::unordered_map<std::string, PaymentState> ended_lately_;
  std::deque<std::string> ended_order_;  // oldest first, to forget beyond the bound
  std::function<void(const PaymentState&)> on_terminal_;
  std::function<bool()> may_drive_;
  TaskGroup sagas_;       // one coroutine per payment being driven; ended by stop_ at a step
  TaskGroup background_;  // the sweeper; cancelled by stop()
  PeriodicTask sweeper_;
  bool stopped_ = false;
};

}  // namespace upi::sagas
