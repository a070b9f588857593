// The payment saga's steps as pure functions: from a payment's state, and what the switch knows
// of its banks and the time, to the events to record and the bank call to make. No I/O, no
// clock reads, no state changes: the runner (payment_saga.h) stages the events (folding them
// into the state), writes them ahead, makes the call, and hands the answer back here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "banks/bank_gateway.h"
#include "common/scheme.h"
#include "ledger/payment_events.h"
#include "psp/registry.h"
#include "sagas/payment_state.h"

namespace upi::sagas {

// What a step may know besides the payment's state.
struct StepContext {
  const psp::Registry& registry;
  const Scheme& scheme;
  std::function<const BankSpec*(const std::string& bank)> bank_spec;  // null: not on the network
  std::function<bool(const std::string& bank)> bank_available;        // circuit closed
  int status_checks_max = 6;
  std::int64_t now_ms = 0;  // for the settlement window of a completion
};

enum class CallKind { kDebit, kCredit, kReverse, kStatus };

// One bank call, made only after the plan's events are in the ledger (written ahead).
struct BankCall {
  CallKind kind = CallKind::kDebit;
  std::string bank, leg_id;
  std::string account;       // debit, credit
  Paise amount = 0;          // debit, credit
  std::string debit_leg_id;  // reverse
};

// The next step of a saga.
struct Plan {
  int backoff_attempt = 0;                           // wait first (status checks, reversal retries)
  std::vector<ledger::events::PaymentEvent> events;  // to stage
  std::optional<BankCall> call;                      // then, once written, this call
  bool park = false;                                 // then wait for the sweeper (a bank is away)
  std::int64_t wait_until_ms = 0;                    // or then wait until this time (a NEFT batch)
};

// The next step for a non-terminal payment.
Plan plan_step(const PaymentState& state, const StepContext& context);
// The events that follow a debit or credit call's result (answered or not).
std::vector<ledger::events::PaymentEvent> leg_answered(const PaymentState& state,
                                                       const BankCall& call,
                                                       const banks::LegCall& result,
                                                       const StepContext& context);
// The events that follow a reversal call's result.
std::vector<ledger::events::PaymentEvent> reversal_answered(const PaymentState& state,
                                                            const BankCall& call,
                                                            const banks::LegCall& result);
// The events that follow a status query for the leg whose outcome is unknown.
std::vector<ledger::events::PaymentEvent> status_answered(const PaymentState& state,
                                                          const BankCall& call,
                                                          const banks::StatusCall& result,
                                                          const StepContext& context);

// What an event moves of the payer's and payee's net debit counters (ledger::net_debit_counter)
// when the payment is netted in settlement cycles (every rail but RTGS): a DebitRequested holds
// the amount at the payer's bank, refused by the ledger beyond payer_cap; a PaymentCompleted
// lowers the payee bank's by it (the payer's hold stays as its debit); a PaymentFailed or
// PaymentReversed after a DebitRequested releases the hold. `before` is the state the event
// follows.
std::vector<ledger::CounterCharge> net_debit_charges(const PaymentState& before,
                                                     const ledger::events::PaymentEvent& event,
                                                     std::optional<Paise> payer_cap);
// What an event of a refund moves of its payment's refund counters (ev::refunded_counter and
// ev::refund_count_counter): a RefundRequested adds its amount, refused beyond the payment's
// amount, and one refund, refused beyond kRefundsPerPaymentMax; a PaymentFailed or
// PaymentReversed gives the amount back. Nothing for a payment's own events.
std::vector<ledger::CounterCharge> refund_charges(const PaymentState& before,
                                                  const ledger::events::PaymentEvent& event);
// The event that ends a payment whose debit the payer bank's net debit cap refused.
ledger::events::PaymentEvent net_debit_cap_exceeded(const PaymentState& state,
                                                    std::optional<Paise> payer_cap);

// The first NEFT batch strictly after now_ms: batches run every interval_s from 00:00 UTC.
std::int64_t next_neft_batch_ms(std::int64_t now_ms, std::int64_t interval_s);

// "2026-11-28T12": the hourly UTC settlement window that a completion falls in.
std::string settlement_window(std::int64_t unix_ms);

}  // namespace upi::sagas
