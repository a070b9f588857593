// How the switch talks to a bank: one call per leg, each with a deadline. A gateway may be
// in-process (SimulatedGateway) or remote over HTTP; the saga cannot tell them apart.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "banks/bank_core.h"
#include "banks/mock_bank.h"
#include "common/error.h"
#include "common/money.h"
#include "common/timer.h"

namespace upi::banks {

namespace asio = boost::asio;
using Deadline = upi::Deadline;

enum class CallOutcome {
  kAnswered,  // the bank answered; see LegAnswer
  kUnknown,   // no answer before the deadline, or the connection broke: it may have applied
};

struct LegCall {
  CallOutcome outcome = CallOutcome::kUnknown;
  LegAnswer answer;    // when answered
  std::string detail;  // when unknown: why
};

struct StatusCall {
  CallOutcome outcome = CallOutcome::kUnknown;
  StatusAnswer answer;
  std::string detail;
};

class BankGateway {
 public:
  virtual ~BankGateway() = default;
  virtual asio::awaitable<LegCall> debit(std::string leg_id, std::string account, Paise amount,
                                         Deadline deadline) = 0;
  virtual asio::awaitable<LegCall> credit(std::string leg_id, std::string account, Paise amount,
                                          Deadline deadline) = 0;
  virtual asio::awaitable<LegCall> reverse(std::string leg_id, std::string debit_leg_id,
                                           Deadline deadline) = 0;
  virtual asio::awaitable<StatusCall> status(std::string leg_id, Deadline deadline) = 0;
  // Error codes: ACCOUNT_NOT_FOUND, BANK_UNAVAILABLE.
  virtual asio::awaitable<Result<Paise>> balance(std::string account, Deadline deadline) = 0;
  // The bank's own leg records after leg id `after`, in leg id order, at most limit
  // (1..kLegsPageMax), as BankCore::legs. Error code: BANK_UNAVAILABLE.
  virtual asio::awaitable<Result<std::vector<LegRecord>>> legs(std::string after, std::size_t limit,
                                                               Deadline deadline) = 0;
};

// A gateway that plays a bank's fault rules for real in front of its books: a timeout waits
// out the caller's deadline, a lost response applies the leg and then waits it out.
class SimulatedGateway final : public BankGateway {
 public:
  SimulatedGateway(BankCore& core, FaultPlan& faults) : core_(core), faults_(faults) {}

  asio::awaitable<LegCall> debit(std::string leg_id, std::string account, Paise amount,
                                 Deadline deadline) override;
  asio::awaitable<LegCall> credit(std::string leg_id, std::string account, Paise amount,
                                  Deadline deadline) override;
  asio::awaitable<LegCall> reverse(std::string leg_id, std::string debit_leg_id,
                                   Deadline deadline) override;
  asio::awaitable<StatusCall> status(std::string leg_id, Deadline deadline) override;
  asio::awaitable<Result<Paise>> balance(std::string account, Deadline deadline) override;
  // Records are read past the fault rules: they are the bank's books, not a leg call.
  asio::awaitable<Result<std::vector<LegRecord>>> legs(std::string after, std::size_t limit,
                                                       Deadline deadline) override;

 private:
  template <typename Apply>
  asio::awaitable<LegCall> leg(Operation op, LegKind kind, const std::string& leg_id,
                               const std::string& account, Paise amount, Deadline deadline,
                               Apply apply);
  BankCore& core_;
  FaultPlan& faults_;
};

}  // namespace upi::banks
