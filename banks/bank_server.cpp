#include "banks/bank_server.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "banks/bank_api.h"
#include "common/bearer.h"
#include "common/timer.h"

namespace upi::banks {
using http::Response;
using http::Status;

namespace {

http::ServerLimits bank_limits() {
  http::ServerLimits limits;
  limits.body_bytes_max = 16 * 1024;
  return limits;
}

// Every route of a bank is for the switch alone.
const Access kSwitchOnly = Access::roles({Role::kAdmin});

Response no_answer(const std::string& detail) {
  // The caller stopped waiting at its deadline; this answer only reaches a caller that did not.
  return http::problem(Error{ErrorKind::kTimeout, "NO_ANSWER", detail});
}

struct LegRequest {
  std::string leg_id;
  std::string account;
  Paise amount = 0;
  std::string debit_leg_id;
};

Result<LegRequest> parse_leg(const std::string& body, LegKind kind) {
  auto o = parse_json_object(body, 4);
  if (!o) return std::unexpected(o.error());
  const bool reversal = kind == LegKind::kReversal;
  auto known = reversal ? reject_unknown_fields(*o, {"leg_id", "debit_leg_id"}, "leg")
                        : reject_unknown_fields(*o, {"leg_id", "account", "amount"}, "leg");
  if (!known) return std::unexpected(known.error());
  LegRequest r;
  auto leg_id = required_string(*o, "leg_id", "leg");
  if (!leg_id) return std::unexpected(leg_id.error());
  if (leg_id->empty() || leg_id->size() > kLegIdBytesMax)
    return fail(ErrorKind::kInvalid, "INVALID_LEG", "leg_id must be 1-128 bytes");
  r.leg_id = *leg_id;
  if (reversal) {
    auto debit = required_string(*o, "debit_leg_id", "leg");
    if (!debit) return std::unexpected(debit.error());
    r.debit_leg_id = *debit;
    return r;
  }
  auto account = required_string(*o, "account", "leg");
  if (!account) return std::unexpected(account.error());
  auto amount_text = required_string(*o, "amount", "leg");
  if (!amount_text) return std::unexpected(amount_text.error());
  auto amount = parse_money(*amount_text);
  if (!amount)
    return fail(ErrorKind::kInvalid, "INVALID_AMOUNT", "amount: " + amount.error().message);
  r.account = *account;
  r.amount = *amount;
  return r;
}

Response leg_response(const LegCall& call) {
  if (call.outcome == CallOutcome::kUnknown) return no_answer(call.detail);
  return http::json_response(Status::ok, answer_to_json(call.answer));
}

}  // namespace

BankServer::BankServer(asio::io_context& io, MockBank& bank, std::string switch_key_sha256)
    : switch_key_sha256_(std::move(switch_key_sha256)),
      bank_(bank),
      core_(bank),
      gateway_(core_, bank.faults()),
      server_(io, bank_limits(), [this](const http::Request& r) { return handle(r); }) {
  router_.add("POST", "/v1/debit", kSwitchOnly,
              [this](const http::Request& r, const http::Params&, const Principal&) {
                return leg(r, LegKind::kDebit);
              });
  router_.add("POST", "/v1/credit", kSwitchOnly,
              [this](const http::Request& r, const http::Params&, const Principal&) {
                return leg(r, LegKind::kCredit);
              });
  router_.add("POST", "/v1/reversal", kSwitchOnly,
              [this](const http::Request& r, const http::Params&, const Principal&) {
                return leg(r, LegKind::kReversal);
              });
  auto bind = [this](auto method) {
    return [this, method](const http::Request& r, const http::Params& p, const Principal&) {
      return (this->*method)(r, p);
    };
  };
  router_.add("GET", "/v1/legs/{leg_id}", kSwitchOnly, bind(&BankServer::status));
  router_.add("GET", "/v1/legs", kSwitchOnly, bind(&BankServer::legs));
  router_.add("GET", "/v1/accounts", kSwitchOnly, bind(&BankServer::accounts));
  router_.add("GET", "/v1/accounts/{account}/balance", kSwitchOnly, bind(&BankServer::balance));
  router_.add("GET", "/v1/faults", kSwitchOnly, bind(&BankServer::faults));
  router_.add("PUT", "/v1/faults", kSwitchOnly, bind(&BankServer::faults));
  router_.add("DELETE", "/v1/faults", kSwitchOnly, bind(&BankServer::faults));
  router_.add("GET", "/v1/activity", kSwitchOnly,
              [this](const http::Request&, const http::Params&, const Principal&) {
                BankActivity activity = bank_.activity();
                activity["in_flight_max"] = in_flight_max_;
                return [](std::string code, BankActivity activity) -> asio::awaitable<Response> {
                  co_return http::json_response(
                      Status::ok,
                      json::object{{"bank", code}, {"activity", activity_to_json(activity)}});
                }(bank_.spec().code, std::move(activity));
              });
  router_.add(
      "GET", "/v1/heartbeat", kSwitchOnly,
      [this](const http::Request&, const http::Params&, const Principal&) {
        return [](std::string code) -> asio::awaitable<Response> {
          co_return http::json_response(Status::ok, json::object{{"bank", code}, {"status", "UP"}});
        }(bank_.spec().code);
      });
}

asio::awaitable<Response> BankServer::handle(const http::Request& req) {
  if (!switch_key_sha256_.empty()) {
    auto key = http::bearer_key(req);
    if (!key) co_return http::unauthenticated_response(key.error());
    if (!http::key_matches(*key, switch_key_sha256_)) {
      co_return http::unauthenticated_response(http::unauthenticated(
          "this bank takes calls from its switch only; the key is not the switch's"));
    }
  }
  co_return co_await router_.dispatch(req, switch_caller_);
}

Result<asio::ip::tcp::endpoint> BankServer::listen(const std::string& host, std::uint16_t port) {
  return server_.listen(host, port);
}

std::vector<std::string> BankServer::routes() const {
  std::vector<std::string> out;
  for (const auto& r : router_.routes()) out.push_back(r.method + " " + r.pattern);
  return out;
}

Result<Deadline> BankServer::deadline_of(const http::Request& req) const {
  int ms = kBankDeadlineMsDefault;
  if (auto it = req.find(kDeadlineHeader); it != req.end()) {
    const auto text = it->value();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size() || ms < 1 ||
        ms > kBankDeadlineMsMax) {
      return fail(ErrorKind::kMalformed, "INVALID_DEADLINE",
                  std::string(kDeadlineHeader) + " takes 1-60000");
    }
  }
  return MonotonicClock::now() + std::chrono::milliseconds(ms);
}

asio::awaitable<Response> BankServer::leg(const http::Request& req, LegKind kind) {
  const InFlight counted(*this);
  auto deadline = deadline_of(req);
  if (!deadline) co_return http::problem(deadline.error());
  auto r = parse_leg(req.body(), kind);
  if (!r) co_return http::problem(r.error());
  switch (kind) {
    case LegKind::kDebit:
      co_return leg_response(co_await gateway_.debit(r->leg_id, r->account, r->amount, *deadline));
    case LegKind::kCredit:
      co_return leg_response(co_await gateway_.credit(r->leg_id, r->account, r->amount, *deadline));
    case LegKind::kReversal:
      co_return leg_response(co_await gateway_.reverse(r->leg_id, r->debit_leg_id, *deadline));
  }
  co_return http::problem(Error{ErrorKind::kInternal, "INTERNAL", "unknown leg kind"});
}

asio::awaitable<Response> BankServer::status(const http::Request& req, const http::Params& params) {
  const InFlight counted(*this);
  auto deadline = deadline_of(req);
  if (!deadline) co_return http::problem(deadline.error());
  auto call = co_await gateway_.status(params.at("leg_id"), *deadline);
  if (call.outcome == CallOutcome::kUnknown) co_return no_answer(call.detail);
  co_return http::json_response(Status::ok, status_to_json(call.answer));
}

asio::awaitable<Response> BankServer::legs(const http::Request& req, const http::Params&) {
  auto target = http::parse_target(req.target());
  if (!target) co_return http::problem(target.error());
  std::string after;
  std::size_t limit = kLegsPageMax;
  for (const auto& [key, value] : target->query) {
    if (key == "after") {
      after = value;
    } else if (key == "limit") {
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < 1 || n > kLegsPageMax)
        co_return http::problem(Error{ErrorKind::kInvalid, "INVALID_QUERY", "limit takes 1-1000"});
      limit = n;
    } else {
      co_return http::problem(
          Error{ErrorKind::kInvalid, "INVALID_QUERY", "unknown query parameter " + key});
    }
  }
  json::array page;
  for (const auto& leg : bank_.legs()) {  // in leg id order
    if (leg.leg_id <= after && !after.empty()) continue;
    if (page.size() == limit) break;
    page.push_back(leg_record_to_json(leg));
  }
  co_return http::json_response(Status::ok, json::object{{"legs", std::move(page)}});
}

asio::awaitable<Response> BankServer::accounts(const http::Request&, const http::Params&) {
  json::array list;
  for (const auto& [account, balance] : bank_.balances()) {
    list.push_back(json::object{{"account", account}, {"balance", format_money(balance)}});
  }
  co_return http::json_response(
      Status::ok, json::object{{"bank", bank_.spec().code}, {"accounts", std::move(list)}});
}

asio::awaitable<Response> BankServer::balance(const http::Request&, const http::Params& params) {
  auto balance = bank_.balance(params.at("account"));
  if (!balance) co_return http::problem(balance.error());
  co_return http::json_response(Status::ok, json::object{{"account", params.at("account")},
                                                         {"balance", format_money(*balance)}});
}

asio::awaitable<Response> BankServer::faults(const http::Request& req, const http::Params&) {
  if (req.method() == http::beast_http::verb::put) {
    auto body = parse_json_object(req.body(), 8);
    if (!body) co_return http::problem(body.error());
    auto rules = parse_fault_rules(*body);
    if (!rules) co_return http::problem(rules.error());
    bank_.faults().set(*rules);
    spdlog::info("fault rules: {}", to_json(fault_rules_to_json(*rules)));
  } else if (req.method() == http::beast_http::verb::delete_) {
    bank_.faults().set({});
    spdlog::info("fault rules cleared");
  }
  co_return http::json_response(Status::ok, fault_rules_to_json(bank_.faults().rules()));
}

}  // namespace upi::banks
