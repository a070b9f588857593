// VPAs, banks, positions and fault rules.
#include <spdlog/spdlog.h>

#include <cassert>

#include "common/timer.h"
#include "psp/registry.h"
#include "switch/api_directory.h"

#include "ledger/operator_events.h"
#include "ledger/settlement_events.h"
#include "switch/query.h"

namespace upi::api {
using http::Status;

namespace {

constexpr auto kBankCallTimeout = std::chrono::seconds(2);

// A bank's net debit against its cap: what it owes for netted payments completed since the
// last closed cycle plus what its payments in flight hold.
json::object net_debit_to_json(std::optional<Paise> cap, Paise used) {
  if (!cap)
    return json::object{{"cap", nullptr}, {"used", format_money(used)}, {"available", nullptr}};
  return json::object{{"cap", format_money(*cap)},
                      {"used", format_money(used)},
                      {"available", format_money(*cap - used)}};
}

Response bank_not_found(const std::string& code) {
  return http::problem(Error{ErrorKind::kNotFound, "BANK_NOT_FOUND", "no bank with code " + code});
}

json::array rail_names(const std::vector<Rail>& rails) {
  json::array out;
  for (Rail rail : rails) out.push_back(json::value(rail_name(rail)));
  return out;
}

}  // namespace

DirectoryApi::DirectoryApi(const World& world, const psp::Registry& registry,
                           banks::BankNetwork& banks, ledger::EventStore& store,
                           ledger::ViewStore& views, ledger::Projector& projector,
                           std::string node_id)
    : world_(world),
      registry_(registry),
      banks_(banks),
      store_(store),
      views_(views),
      projector_(projector),
      node_id_(std::move(node_id)) {}

void DirectoryApi::add_routes(http::Router& router) {
  auto on = member_routes(router, this);
  on("GET", "/v1/vpas/{vpa}", kEveryRole, &DirectoryApi::resolve_vpa);
  on("GET", "/v1/vpas/{vpa}/balance", kEveryRole, &DirectoryApi::vpa_balance);
  on("GET", "/v1/banks", kEveryRole, &DirectoryApi::list_banks);
  on("GET", "/v1/banks/{code}/positions", kReaders, &DirectoryApi::bank_positions);
  on("GET", "/v1/admin/banks/{code}/faults", kReaders, &DirectoryApi::get_faults);
  on("PUT", "/v1/admin/banks/{code}/faults", kAdmins, &DirectoryApi::put_faults);
  on("DELETE", "/v1/admin/banks/{code}/faults", kAdmins, &DirectoryApi::delete_faults);
}

asio::awaitable<Response> DirectoryApi::resolve_vpa(const Request&, const Params& params,
                                                    const Principal&) {
  auto vpa = parse_vpa(params.at("vpa"));
  if (!vpa) co_return http::problem(vpa.error());
  auto found = registry_.resolve(*vpa);
  if (!found) co_return http::problem(found.error());
  const BankSpec* bank = world_.find_bank(found->bank);
  json::object psp{{"handle", found->psp_handle}};
  for (const auto& p : registry_.psps()) {
    if (p.handle == found->psp_handle) psp["name"] = p.name;
  }
  co_return http::json_response(Status::ok,
                                json::object{{"vpa", found->vpa},
                                             {"name", found->name},
                                             {"bank", found->bank},
                                             {"bank_name", bank ? bank->name : ""},
                                             {"account_masked", psp::mask_account(found->account)},
                                             {"psp", std::move(psp)}});
}

asio::awaitable<Response> DirectoryApi::vpa_balance(const Request&, const Params& params,
                                                    const Principal& caller) {
  auto vpa = parse_vpa(params.at("vpa"));
  if (!vpa) co_return http::problem(vpa.error());
  if (!caller.sees_all() && !caller.owns_vpa(vpa->str())) {
    co_return http::problem(Error{ErrorKind::kForbidden, "FORBIDDEN",
                                  "a PSP reads the balance of its own customers' VPAs only"});
  }
  auto found = registry_.resolve(*vpa);
  if (!found) co_return http::problem(found.error());
  auto balance = co_await banks_.gateway(found->bank)
                     ->balance(found->account, MonotonicClock::now() + kBankCallTimeout);
  if (!balance) {
    co_return http::problem(
        Error{ErrorKind::kUnavailable, "BANK_UNAVAILABLE", balance.error().message});
  }
  co_return http::json_response(Status::ok, json::object{{"vpa", found->vpa},
                                                         {"bank", found->bank},
                                                         {"balance", format_money(*balance)},
                                                         {"currency", "INR"}});
}

asio::awaitable<Response> DirectoryApi::list_banks(const Request&, const Params&,
                                                   const Principal&) {
  json::array list;
  for (const auto& bank : world_.banks) {
    json::object entry{{"code", bank.code},
                       {"name", bank.name},
                       {"rails", rail_names(bank.rails)},
                       {"mode", bank.endpoint.empty() ? "in-process" : "remote"}};
    const banks::HttpBankGateway* remote = banks_.remote(bank.code);
    if (remote == nullptr) {
      entry["books"] = banks_.durable() ? "postgres" : "memory";
      entry["health"] = "UP";
    } else {
      const auto& health = remote->health();
      entry["endpoint"] = bank.endpoint;
      entry["health"] = health.available() ? "UP" : "DOWN";
      entry["circuit"] = banks::circuit_name(health.circuit());
      entry["consecutive_failures"] = health.consecutive_failures();
    }
    list.push_back(std::move(entry));
  }
  co_return http::json_response(Status::ok, json::object{{"banks", std::move(list)}});
}

asio::awaitable<Response> DirectoryApi::bank_positions(const Request& req, const Params& params,
                                                       const Principal&) {
  const std::string& code = params.at("code");
  if (!world_.find_bank(code)) co_return bank_not_found(code);
  auto target = parse_target(req.target());
  if (!target) co_return http::problem(target.error());
  if (auto ok = only_known(target->query, {"min_position"}); !ok)
    co_return http::problem(ok.error());
  auto fresh = co_await views_at_least(projector_, target->query);
  if (!fresh) co_return http::problem(fresh.error());
  const std::int64_t view_position = projector_.checkpoint();
  auto positions = co_await views_.positions(code);
  if (!positions) co_return http::problem(positions.error());
  json::array rows;
  Paise net = 0;
  for (const auto& row : *positions) {
    rows.push_back(json::object{{"rail", row.rail},
                                {"window", row.window},
                                {"debits", format_money(row.debits)},
                                {"credits", format_money(row.credits)},
                                {"net", format_money(row.net())}});
    net += row.net();
  }
  const std::string counter = ledger::events::net_debit_counter(code);
  auto counters = co_await views_.counters(counter);
  if (!counters) co_return http::problem(counters.error());
  const auto used = counters->find(counter);
  co_return http::json_response(
      Status::ok,
      json::object{{"bank", code},
                   {"net", format_money(net)},
                   {"positions", std::move(rows)},
                   {"net_debit", net_debit_to_json(world_.find_bank(code)->net_debit_cap,
                                                   used == counters->end() ? 0 : used->second)},
                   {"view_position", view_position}});
}

asio::awaitable<Response> DirectoryApi::forward_faults(const Request& req,
                                                       const std::string& code) {
  banks::HttpBankGateway* remote = banks_.remote(code);
  assert(remote != nullptr);
  http::ClientRequest forwarded{std::string(req.method_string()),
                                "/v1/faults",
                                req.body(),
                                {{"Content-Type", "application/json"}}};
  auto answer =
      co_await remote->forward(std::move(forwarded), MonotonicClock::now() + kBankCallTimeout);
  if (!answer) {
    co_return http::problem(Error{ErrorKind::kBadUpstream, "BANK_UNAVAILABLE",
                                  code + " did not answer: " + answer.error().message});
  }
  Response res{static_cast<Status>(answer->status), 11};
  res.set(http::beast_http::field::content_type, answer->header("content-type"));
  res.body() = std::move(answer->body);
  res.prepare_payload();
  co_return res;
}

asio::awaitable<Response> DirectoryApi::get_faults(const Request& req, const Params& params,
                                                   const Principal&) {
  const std::string& code = params.at("code");
  if (banks_.remote(code) != nullptr) co_return co_await forward_faults(req, code);
  banks::FaultPlan* faults = banks_.faults(code);
  if (faults == nullptr) co_return bank_not_found(code);
  co_return http::json_response(Status::ok, banks::fault_rules_to_json(faults->rules()));
}

asio::awaitable<Response> DirectoryApi::put_faults(const Request& req, const Params& params,
                                                   const Principal& caller) {
  const std::string& code = params.at("code");
  if (world_.find_bank(code) == nullptr) co_return bank_not_found(code);
  auto body = parse_json_object(req.body(), 8);
  if (!body) co_return http::problem(body.error());
  auto rules = banks::parse_fault_rules(*body);
  if (!rules) co_return http::problem(rules.error());
  co_return co_await change_faults(req, code, std::move(*rules), caller);
}

asio::awaitable<Response> DirectoryApi::delete_faults(const Request& req, const Params& params,
                                                      const Principal& caller) {
  const std::string& code = params.at("code");
  if (world_.find_bank(code) == nullptr) co_return bank_not_found(code);
  co_return co_await change_faults(req, code, {}, caller);
}

asio::awaitable<Response> DirectoryApi::change_faults(const Request& req, const std::string& code,
                                                      std::vector<banks::FaultRule> rules,
                                                      const Principal& caller) {
  ledger::events::BankFaultsChanged changed;
  changed.bank = code;
  changed.rules = banks::fault_rules_to_json(rules).at("rules").as_array();
  changed.changed_by = caller.id;
  std::vector<ledger::NewEvent> record{ledger::events::to_new_event(changed, node_id_)};
  auto recorded = co_await store_.append(ledger::events::bank_stream(code), ledger::kAnyVersion,
                                         std::move(record));
  if (!recorded) co_return http::problem(recorded.error());
  if (banks_.remote(code) != nullptr) co_return co_await forward_faults(req, code);
  banks::FaultPlan* faults = banks_.faults(code);
  if (faults == nullptr) co_return bank_not_found(code);
  faults->set(rules);
  spdlog::info("fault rules for {} set by {}: {}", code, caller.id,
               to_json(banks::fault_rules_to_json(rules)));
  co_return http::json_response(Status::ok, banks::fault_rules_to_json(rules));
}

}  // namespace upi::api
