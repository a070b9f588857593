#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "banks/bank_gateway.h"

namespace upi::banks {
namespace {

asio::awaitable<void> sleep_until(Deadline when) {
  asio::steady_timer timer(co_await asio::this_coro::executor, when);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

LegCall unknown(std::string detail) {
  return LegCall{CallOutcome::kUnknown, {}, std::move(detail)};
}

}  // namespace

template <typename Apply>
asio::awaitable<LegCall> InProcessGateway::leg(Operation op, LegKind kind,
                                               const std::string& leg_id,
                                               const std::string& account, Paise amount,
                                               Deadline deadline, Apply apply) {
  const auto fault = bank_.faults().draw(op);
  if (!fault) co_return LegCall{CallOutcome::kAnswered, apply(), ""};
  switch (fault->action) {
    case FaultAction::kFail:
      co_return LegCall{CallOutcome::kAnswered, bank_.decline(kind, leg_id, account, amount), ""};
    case FaultAction::kTimeout:
      co_await sleep_until(deadline);
      co_return unknown("no answer from " + bank_.spec().code + " before the deadline");
    case FaultAction::kLostResponse:
      apply();
      co_await sleep_until(deadline);
      co_return unknown("the answer from " + bank_.spec().code + " was lost");
    case FaultAction::kDelay: {
      LegAnswer answer = apply();
      const auto answer_at =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(fault->delay_ms);
      if (answer_at >= deadline) {
        co_await sleep_until(deadline);
        co_return unknown(bank_.spec().code + " answered after the deadline");
      }
      co_await sleep_until(answer_at);
      co_return LegCall{CallOutcome::kAnswered, answer, ""};
    }
  }
  co_return unknown("unknown fault action");
}

asio::awaitable<LegCall> InProcessGateway::debit(std::string leg_id, std::string account,
                                                 Paise amount, Deadline deadline) {
  co_return co_await leg(Operation::kDebit, LegKind::kDebit, leg_id, account, amount, deadline,
                         [&] { return bank_.debit(leg_id, account, amount); });
}

asio::awaitable<LegCall> InProcessGateway::credit(std::string leg_id, std::string account,
                                                  Paise amount, Deadline deadline) {
  co_return co_await leg(Operation::kCredit, LegKind::kCredit, leg_id, account, amount, deadline,
                         [&] { return bank_.credit(leg_id, account, amount); });
}

asio::awaitable<LegCall> InProcessGateway::reverse(std::string leg_id, std::string debit_leg_id,
                                                   Deadline deadline) {
  co_return co_await leg(Operation::kReversal, LegKind::kReversal, leg_id, "", 0, deadline,
                         [&] { return bank_.reverse(leg_id, debit_leg_id); });
}

asio::awaitable<StatusCall> InProcessGateway::status(std::string leg_id, Deadline deadline) {
  const auto fault = bank_.faults().draw(Operation::kStatus);
  if (!fault) co_return StatusCall{CallOutcome::kAnswered, bank_.status(leg_id), ""};
  switch (fault->action) {
    case FaultAction::kFail:
      co_return StatusCall{
          CallOutcome::kUnknown, {}, bank_.spec().code + " failed the status query"};
    case FaultAction::kTimeout:
    case FaultAction::kLostResponse:
      co_await sleep_until(deadline);
      co_return StatusCall{CallOutcome::kUnknown, {}, "no status answer before the deadline"};
    case FaultAction::kDelay: {
      const auto answer_at =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(fault->delay_ms);
      co_await sleep_until(std::min(answer_at, deadline));
      if (answer_at >= deadline) {
        co_return StatusCall{CallOutcome::kUnknown, {}, "status answered after the deadline"};
      }
      co_return StatusCall{CallOutcome::kAnswered, bank_.status(leg_id), ""};
    }
  }
  co_return StatusCall{};
}

asio::awaitable<Result<Paise>> InProcessGateway::balance(std::string account, Deadline) {
  co_return bank_.balance(account);
}

}  // namespace upi::banks
