#include "banks/http_gateway.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "banks/bank_api.h"
#include "common/timer.h"

namespace upi::banks {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

int ms_left(Deadline deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - MonotonicClock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60'000));
}

LegCall unknown(std::string detail) {
  return LegCall{CallOutcome::kUnknown, {}, std::move(detail)};
}

}  // namespace

Result<std::pair<std::string, std::uint16_t>> parse_endpoint(const std::string& endpoint) {
  std::string_view rest = endpoint;
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  if (rest.starts_with("https://")) rest.remove_prefix(8);
  if (rest.ends_with("/")) rest.remove_suffix(1);
  const auto colon = rest.rfind(':');
  std::uint16_t port = 0;
  if (colon == std::string_view::npos || colon == 0) {
    return fail(ErrorKind::kInvalid, "INVALID_ENDPOINT",
                "endpoint must be http(s)://HOST:PORT: " + endpoint);
  }
  const auto digits = rest.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port == 0) {
    return fail(ErrorKind::kInvalid, "INVALID_ENDPOINT",
                "endpoint must be http(s)://HOST:PORT: " + endpoint);
  }
  return std::pair<std::string, std::uint16_t>{std::string(rest.substr(0, colon)), port};
}

HttpBankGateway::HttpBankGateway(asio::io_context& io, std::string code, std::string host,
                                 std::uint16_t port, HealthConfig health)
    : io_(io),
      code_(std::move(code)),
      host_(std::move(host)),
      port_(port),
      health_(health),
      slots_(kCallsInFlightMax),
      tasks_(io.get_executor()),
      heartbeats_("heartbeats of " + code_, std::chrono::milliseconds(health.heartbeat_ms),
                  [this] { return heartbeat(); }) {}

asio::awaitable<Result<http::ClientResponse>> HttpBankGateway::call(http::ClientRequest request,
                                                                    Deadline deadline) {
  if (!health_.available()) {
    co_return fail(
        ErrorKind::kUnavailable, "UNAVAILABLE",
        code_ + " is unavailable (circuit " + std::string(circuit_name(health_.circuit())) + ")");
  }
  const bool slot = co_await slots_.acquire(deadline);
  if (!slot) co_return fail(ErrorKind::kTimeout, "TIMEOUT", "too many calls in flight to " + code_);
  const int timeout_ms = ms_left(deadline);
  request.headers.emplace_back(kDeadlineHeader, std::to_string(std::max(timeout_ms, 1)));
  // GCC 12: no co_await inside a conditional expression (it destroys a temporary twice).
  Result<http::ClientResponse> response = fail(ErrorKind::kTimeout, "TIMEOUT", "no time left");
  if (timeout_ms > 0) {
    response = co_await fetch(std::move(request), timeout_ms);
  }
  slots_.release();
  const bool answered = response && response->status != 504 && response->status < 500;
  if (answered) {
    health_.on_success();
  } else {
    health_.on_failure(MonotonicClock::now());
  }
  co_return response;
}

asio::awaitable<LegCall> HttpBankGateway::leg(std::string path, json::object body,
                                              Deadline deadline) {
  http::ClientRequest request{
      "POST", std::move(path), to_json(body), {{"Content-Type", "application/json"}}};
  auto response = co_await call(std::move(request), deadline);
  if (!response) co_return unknown(code_ + ": " + response.error().message);
  if (response->status != 200) {
    co_return unknown(code_ + " answered HTTP " + std::to_string(response->status));
  }
  auto parsed = parse_json_object(response->body, 4);
  auto answer = parsed ? answer_from_json(*parsed) : std::unexpected(parsed.error());
  if (!answer) co_return unknown(code_ + " sent a bad answer: " + answer.error().message);
  co_return LegCall{CallOutcome::kAnswered, std::move(*answer), ""};
}

asio::awaitable<LegCall> HttpBankGateway::debit(std::string leg_id, std::string account,
                                                Paise amount, Deadline deadline) {
  json::object body{{"leg_id", leg_id}, {"account", account}, {"amount", format_money(amount)}};
  co_return co_await leg("/v1/debit", std::move(body), deadline);
}

asio::awaitable<LegCall> HttpBankGateway::credit(std::string leg_id, std::string account,
                                                 Paise amount, Deadline deadline) {
  json::object body{{"leg_id", leg_id}, {"account", account}, {"amount", format_money(amount)}};
  co_return co_await leg("/v1/credit", std::move(body), deadline);
}

asio::awaitable<LegCall> HttpBankGateway::reverse(std::string leg_id, std::string debit_leg_id,
                                                  Deadline deadline) {
  json::object body{{"leg_id", leg_id}, {"debit_leg_id", debit_leg_id}};
  co_return co_await leg("/v1/reversal", std::move(body), deadline);
}

asio::awaitable<StatusCall> HttpBankGateway::status(std::string leg_id, Deadline deadline) {
  http::ClientRequest request{"GET", "/v1/legs/" + leg_id, "", {}};
  auto response = co_await call(std::move(request), deadline);
  if (!response) co_return StatusCall{CallOutcome::kUnknown, {}, response.error().message};
  if (response->status != 200) {
    co_return StatusCall{
        CallOutcome::kUnknown, {}, code_ + " answered HTTP " + std::to_string(response->status)};
  }
  auto parsed = parse_json_object(response->body, 4);
  auto status = parsed ? status_from_json(*parsed) : std::unexpected(parsed.error());
  if (!status) co_return StatusCall{CallOutcome::kUnknown, {}, status.error().message};
  co_return StatusCall{CallOutcome::kAnswered, std::move(*status), ""};
}

asio::awaitable<Result<Paise>> HttpBankGateway::balance(std::string account, Deadline deadline) {
  http::ClientRequest request{"GET", "/v1/accounts/" + account + "/balance", "", {}};
  auto response = co_await call(std::move(request), deadline);
  if (!response)
    co_return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE", response.error().message);
  if (response->status == 404)
    co_return fail(ErrorKind::kNotFound, "ACCOUNT_NOT_FOUND", "no such account at " + code_);
  auto parsed = parse_json_object(response->body, 4);
  if (response->status != 200 || !parsed)
    co_return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE", code_ + " sent no balance");
  auto amount = parse_money(string_or_empty(*parsed, "balance"), ZeroPolicy::kAllow);
  if (!amount)
    co_return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE", code_ + " sent a bad balance");
  co_return *amount;
}

asio::awaitable<Result<std::vector<LegRecord>>> HttpBankGateway::legs(std::string after,
                                                                      std::size_t limit,
                                                                      Deadline deadline) {
  // Leg ids are [A-Za-z0-9_:-]: nothing in them needs escaping in a query.
  http::ClientRequest request{
      "GET",
      "/v1/legs?limit=" + std::to_string(limit) + (after.empty() ? "" : "&after=" + after),
      "",
      {}};
  auto response = co_await call(std::move(request), deadline);
  if (!response)
    co_return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE", response.error().message);
  auto parsed = parse_json_object(response->body, 6);
  const json::value* list = parsed ? parsed->if_contains("legs") : nullptr;
  if (response->status != 200 || list == nullptr || !list->is_array() ||
      list->as_array().size() > limit) {
    co_return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE", code_ + " sent no leg records");
  }
  std::vector<LegRecord> page;
  for (const auto& item : list->as_array()) {
    auto leg = item.is_object() ? leg_record_from_json(item.as_object())
                                : Result<LegRecord>(std::unexpected(Error{}));
    if (!leg || leg->leg_id <= after) {
      co_return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE",
                     code_ + " sent a leg record out of order or malformed");
    }
    after = leg->leg_id;
    page.push_back(std::move(*leg));
  }
  co_return page;
}

asio::awaitable<Result<http::ClientResponse>> HttpBankGateway::forward(http::ClientRequest request,
                                                                       Deadline deadline) {
  const int timeout_ms = ms_left(deadline);
  co_return co_await fetch(std::move(request), std::max(timeout_ms, 1));
}

asio::awaitable<Result<http::ClientResponse>> HttpBankGateway::fetch(http::ClientRequest request,
                                                                     int timeout_ms) {
  if (!authorization_.empty()) request.headers.emplace_back("Authorization", authorization_);
  co_return co_await http::async_fetch(host_, port_, std::move(request), timeout_ms, tls_);
}

void HttpBankGateway::start() {
  heartbeats_.start(tasks_);
}

void HttpBankGateway::stop() {
  tasks_.stop();
}

asio::awaitable<void> HttpBankGateway::join() {
  co_await tasks_.join();
}

asio::awaitable<void> HttpBankGateway::heartbeat() {
  const HealthConfig& config = health_.config();
  const auto now = MonotonicClock::now();
  if (health_.circuit() == Circuit::kOpen && !health_.probe_due(now)) co_return;
  const bool probe = health_.circuit() == Circuit::kHalfOpen;
  http::ClientRequest request{"GET", "/v1/heartbeat", "", {}};
  auto response = co_await fetch(std::move(request), config.heartbeat_timeout_ms);
  const Circuit before = health_.circuit();
  if (response && response->status == 200) {
    health_.on_success();
  } else {
    health_.on_failure(MonotonicClock::now());
  }
  if (health_.circuit() != before || probe) {
    spdlog::info("bank {}: circuit {}", code_, circuit_name(health_.circuit()));
  }
}

}  // namespace upi::banks
