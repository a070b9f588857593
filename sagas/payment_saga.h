// The payment saga engine: drives each payment through resolve, rail, debit, credit and, when
// the credit cannot happen, reversal. Steps are written ahead: the events of local steps are
// staged and appended together, always before the next bank call (so the stream records every
// leg before it is sent) and before the saga parks or ends. Each append carries the expected
// stream version, so a duplicate driver loses the race instead of applying a step twice, and
// any driver can resume from the stream.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "banks/bank_network.h"
#include "common/clock.h"
#include "common/scheme.h"
#include "common/timer.h"
#include "common/waiters.h"
#include "ledger/event_store.h"
#include "psp/registry.h"
#include "sagas/payment_state.h"

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
};

enum class StepResult { kContinue, kPark, kStop };

class PaymentSagaEngine {
 public:
  PaymentSagaEngine(asio::io_context& io, ledger::EventStore& store, const psp::Registry& registry,
                    banks::BankNetwork& banks, const Scheme& scheme, const Clock& clock,
                    SagaConfig config);

  // Starts the sweeper that resumes parked sagas.
  void start();
  // Starts a new payment from its PaymentRequested event: the first append (that event with
  // the resolution, the rail and the debit request, or the failure) is made before this
  // returns; the rest runs on. Error codes: STORE_UNAVAILABLE, STORE_BUSY, SWITCH_STOPPING.
  asio::awaitable<Result<void>> begin(std::string payment_id, ledger::NewEvent requested);
  // Starts driving a payment already in the ledger unless this node already drives it.
  void drive(const std::string& payment_id);
  // Takes over a payment that its owner stopped driving (recovery): appends SagaResumed with
  // the expected stream version, which fences the previous driver, then drives it.
  void resume(const std::string& payment_id, const std::string& previous_owner);
  // True when this node is driving the payment or has parked it.
  bool knows(const std::string& payment_id) const {
    return active_.contains(payment_id) || parked_.contains(payment_id);
  }
  // Checked before every step: when it says no (the node lost its lease), sagas stop where
  // they are and are left to recovery.
  void set_gate(std::function<bool()> may_drive) { may_drive_ = std::move(may_drive); }
  // Returns when the payment is terminal here, or at the deadline.
  asio::awaitable<void> wait_terminal(const std::string& payment_id, Deadline deadline);
  // True when one more saga fits under active_sagas_max.
  bool has_capacity() const { return active_.size() + parked_.size() < config_.active_sagas_max; }
  std::size_t active() const { return active_.size(); }
  std::size_t parked() const { return parked_.size(); }
  // Called once per payment that reaches a terminal status on this node.
  void on_terminal(std::function<void(const PaymentState&)> listener) { on_terminal_ = listener; }
  // Stops the sweeper; running sagas end at their next wait.
  void stop();

 private:
  struct FirstAppend;
  // Events folded into the state but not yet appended, and the version the stream has.
  struct Unsaved {
    std::vector<ledger::NewEvent> events;
    std::int64_t saved_version = 0;
    std::shared_ptr<FirstAppend> first_append;  // begin() waits on it
  };

  void spawn(const std::string& payment_id, asio::awaitable<void> saga);
  asio::awaitable<void> load_and_run(std::string payment_id,
                                     std::optional<std::string> resumed_from);
  asio::awaitable<void> run(PaymentState state, std::optional<std::string> resumed_from);
  void park(const std::string& payment_id);
  asio::awaitable<StepResult> step(PaymentState& state);
  // Folds events into the state and keeps them to append with the next flush.
  StepResult stage(PaymentState& state, std::vector<ledger::NewEvent> events);
  // Appends every staged event in one append (kStop on a version conflict, or when nothing of
  // the payment is in the ledger yet; kPark on other errors).
  asio::awaitable<StepResult> flush(PaymentState& state);
  asio::awaitable<StepResult> commit(PaymentState& state, std::vector<ledger::NewEvent> events);
  ledger::NewEvent event(const PaymentState& state, std::string_view type, json::object data) const;

  asio::awaitable<StepResult> resolve(PaymentState& state);
  asio::awaitable<StepResult> select_rail(PaymentState& state);
  asio::awaitable<StepResult> debit(PaymentState& state);
  asio::awaitable<StepResult> check_debit(PaymentState& state);
  asio::awaitable<StepResult> credit(PaymentState& state);
  // Asks the bank for the status of the leg whose outcome is unknown, after a backoff.
  asio::awaitable<StepResult> check_status(PaymentState& state, std::string bank,
                                           std::string leg_id);
  asio::awaitable<StepResult> check_credit(PaymentState& state);
  asio::awaitable<StepResult> request_reversal(PaymentState& state, std::string_view cause);
  asio::awaitable<StepResult> reverse(PaymentState& state);
  asio::awaitable<void> backoff(int attempt);
  asio::awaitable<void> sweep();
  json::object settlement(const PaymentState& state) const;
  // The events that follow a bank's answer to the debit or credit leg.
  std::vector<ledger::NewEvent> debit_answered(const PaymentState& state,
                                               const banks::LegAnswer& answer) const;
  std::vector<ledger::NewEvent> credit_answered(const PaymentState& state,
                                                const banks::LegAnswer& answer) const;
  // The events that follow a status query's answer for the leg whose outcome is unknown.
  std::vector<ledger::NewEvent> status_outcome(const PaymentState& state, json::object checked,
                                               const banks::StatusAnswer& status) const;
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
  std::map<std::string, Unsaved> unsaved_;
  Waiters<std::string> terminal_waiters_;
  std::function<void(const PaymentState&)> on_terminal_;
  std::function<bool()> may_drive_;
  Timer sweep_timer_;
  bool stopped_ = false;
};

// "2026-11-28T12": the hourly UTC settlement window that a completion falls in.
std::string settlement_window(std::int64_t unix_ms);

}  // namespace upi::sagas
