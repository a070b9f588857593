#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "banks/bank_gateway.h"
#include "common/timer.h"

namespace upi::banks {
namespace {

asio::awaitable<void> sleep_until(Deadline when) {
  Timer timer(co_await asio::this_coro::executor, when);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

LegCall unknown(std::string detail) {
  return LegCall{CallOutcome::kUnknown, {}, std::move(detail)};
}

// A bank whose books cannot be reached gives no answer.
LegCall answered(Result<LegAnswer> answer) {
  if (!answer) return unknown(answer.error().message);
  return LegCall{CallOutcome::kAnswered, std::move(*answer), ""};
}

StatusCall status_answered(Result<StatusAnswer> answer) {
  if (!answer) return StatusCall{CallOutcome::kUnknown, {}, answer.error().message};
  return StatusCall{CallOutcome::kAnswered, std::move(*answer), ""};
}

}  // namespace

template <typename Apply>
asio::awaitable<LegCall> SimulatedGateway::leg(Operation op, LegKind kind,
                                               const std::string& leg_id,
                                               const std::string& account, Paise amount,
                                               Deadline deadline, Apply apply) {
  const auto fault = faults_.draw(op);
  const std::string& code = core_.spec().code;
  if (!fault) co_return answered(co_await apply());
  switch (fault->action) {
    case FaultAction::kFail:
      co_return answered(co_await core_.decline(kind, leg_id, account, amount));
    case FaultAction::kTimeout:
      co_await sleep_until(deadline);
      co_return unknown("no answer from " + code + " before the deadline");
    case FaultAction::kLostResponse:
      co_await apply();
      co_await sleep_until(deadline);
      co_return unknown("the answer from " + code + " was lost");
    case FaultAction::kDelay: {
      auto answer = co_await apply();
      const auto answer_at = MonotonicClock::now() + std::chrono::milliseconds(fault->delay_ms);
      if (answer_at >= deadline) {
        co_await sleep_until(deadline);
        co_return unknown(code + " answered after the deadline");
      }
      co_await sleep_until(answer_at);
      co_return answered(std::move(answer));
    }
  }
  co_return unknown("unknown fault action");
}

asio::awaitable<LegCall> SimulatedGateway::debit(std::string leg_id, std::string account,
                                                 Paise amount, Deadline deadline) {
  co_return co_await leg(Operation::kDebit, LegKind::kDebit, leg_id, account, amount, deadline,
                         [&] { return core_.debit(leg_id, account, amount); });
}

asio::awaitable<LegCall> SimulatedGateway::credit(std::string leg_id, std::string account,
                                                  Paise amount, Deadline deadline) {
  co_return co_await leg(Operation::kCredit, LegKind::kCredit, leg_id, account, amount, deadline,
                         [&] { return core_.credit(leg_id, account, amount); });
}

asio::awaitable<LegCall> SimulatedGateway::reverse(std::string leg_id, std::string debit_leg_id,
                                                   Deadline deadline) {
  co_return co_await leg(Operation::kReversal, LegKind::kReversal, leg_id, "", 0, deadline,
                         [&] { return core_.reverse(leg_id, debit_leg_id); });
}

asio::awaitable<StatusCall> SimulatedGateway::status(std::string leg_id, Deadline deadline) {
  const auto fault = faults_.draw(Operation::kStatus);
  if (!fault) co_return status_answered(co_await core_.status(leg_id));
  switch (fault->action) {
    case FaultAction::kFail:
      co_return StatusCall{
          CallOutcome::kUnknown, {}, core_.spec().code + " failed the status query"};
    case FaultAction::kTimeout:
    case FaultAction::kLostResponse:
      co_await sleep_until(deadline);
      co_return StatusCall{CallOutcome::kUnknown, {}, "no status answer before the deadline"};
    case FaultAction::kDelay: {
      const auto answer_at = MonotonicClock::now() + std::chrono::milliseconds(fault->delay_ms);
      co_await sleep_until(std::min(answer_at, deadline));
      if (answer_at >= deadline) {
        co_return StatusCall{CallOutcome::kUnknown, {}, "status answered after the deadline"};
      }
      co_return status_answered(co_await core_.status(leg_id));
    }
  }
  co_return StatusCall{};
}

asio::awaitable<Result<Paise>> SimulatedGateway::balance(std::string account, Deadline) {
  co_return co_await core_.balance(account);
}

asio::awaitable<Result<std::vector<LegRecord>>> SimulatedGateway::legs(std::string after,
                                                                       std::size_t limit,
                                                                       Deadline) {
  co_return co_await core_.legs(std::move(after), limit);
}

}  // namespace upi::banks
