#include "switch/api_settlement.h"

#include <cassert>
#include <charconv>

#include "common/clock.h"
#include "common/json.h"
#include "settlement/leg_merkle.h"
#include "settlement/reconciliation.h"
#include "switch/query.h"

namespace upi::api {
using http::Status;

namespace {

constexpr auto kViewsWait = std::chrono::seconds(5);
constexpr auto kReconcileTime = std::chrono::seconds(10);  // for every bank together
constexpr std::size_t kDifferencesShown = 100;             // per list

json::array legs_json(const std::vector<ledger::SettledLeg>& legs) {
  json::array out;
  for (std::size_t i = 0; i < legs.size() && i < kDifferencesShown; ++i)
    out.push_back(ledger::settled_leg_to_json(legs[i]));
  return out;
}

json::object reconciliation_to_json(const settlement::BankReconciliation& r) {
  json::object out{{"bank", r.bank}, {"status", r.status}};
  if (r.status == settlement::kBankUnreachable) {
    out["detail"] = r.detail;
    return out;
  }
  json::array mismatched;
  for (std::size_t i = 0; i < r.mismatched.size() && i < kDifferencesShown; ++i) {
    mismatched.push_back(
        json::object{{"leg_id", r.mismatched[i].at_switch.leg_id},
                     {"at_switch", ledger::settled_leg_to_json(r.mismatched[i].at_switch)},
                     {"at_bank", ledger::settled_leg_to_json(r.mismatched[i].at_bank)}});
  }
  out["legs_at_switch"] = r.legs_at_switch;
  out["legs_at_bank"] = r.legs_at_bank;
  out["matched"] = r.matched;
  out["missing_at_bank"] = legs_json(r.missing_at_bank);
  out["missing_at_switch"] = legs_json(r.missing_at_switch);
  out["mismatched"] = std::move(mismatched);
  return out;
}

Error cycle_not_found(std::string_view id) {
  return Error{ErrorKind::kNotFound, "CYCLE_NOT_FOUND",
               "no settlement cycle " + std::string(id) + " (cycles are numbered from 1)"};
}

// A cycle number from the path: 1 and up, digits only.
std::optional<std::int64_t> parse_cycle(std::string_view text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || text.front() == '+')
    return std::nullopt;
  return n;
}

json::value position_or_null(std::int64_t position) {
  return position > 0 ? json::value(position) : json::value(nullptr);
}

json::object summary_json(const ledger::CycleSummary& c) {
  return json::object{
      {"cycle", c.cycle},
      {"status", c.status},
      {"cutoff_at", c.cutoff_position > 0 ? json::value(format_timestamp(c.cutoff_at_ms))
                                          : json::value(nullptr)},
      {"cutoff_position", position_or_null(c.cutoff_position)},
      {"closed_position", position_or_null(c.closed_position)},
      {"payments", json::object{{"completed", c.completed}, {"reversed", c.reversed}}},
      {"volume", format_money(c.volume)}};
}

bool settles_gross(const ledger::events::CycleBankRail& row) {
  return row.rail == ledger::kGrossRail;
}

json::object rail_json(const ledger::events::CycleBankRail& row) {
  return json::object{{"rail", row.rail},
                      {"settles", settles_gross(row) ? "GROSS" : "NET"},
                      {"debits", format_money(row.debits)},
                      {"credits", format_money(row.credits)},
                      {"debit_count", row.debit_count},
                      {"credit_count", row.credit_count},
                      {"net", format_money(row.net())}};
}

}  // namespace

json::object cycle_report_to_json(const ledger::CycleReport& report) {
  assert(ledger::consistent(report) && "a cycle's totals agree with its rows");
  json::object out = summary_json(report.summary);
  json::array banks;
  Paise net_total = 0;
  for (std::size_t i = 0; i < report.rows.size();) {
    const std::string& bank = report.rows[i].bank;
    json::array rails;
    Paise net = 0;
    for (; i < report.rows.size() && report.rows[i].bank == bank; ++i) {
      rails.push_back(rail_json(report.rows[i]));
      if (!settles_gross(report.rows[i])) net += report.rows[i].net();
    }
    net_total += net;
    banks.push_back(
        json::object{{"bank", bank}, {"net", format_money(net)}, {"rails", std::move(rails)}});
  }
  assert(net_total == 0 && "a cycle's nets sum to zero: every leg is double-entry");
  out["banks"] = std::move(banks);
  out["net_total"] = format_money(net_total);
  // Gross rails settle each payment on its own, at once: listed, not netted.
  json::array gross;
  for (const auto& item : report.gross_items) gross.push_back(ledger::gross_item_to_json(item));
  out["gross_items"] = std::move(gross);
  return out;
}

SettlementApi::SettlementApi(ledger::EventStore& store, ledger::ViewStore& views,
                             ledger::Projector& projector, settlement::CycleCloser& closer,
                             banks::BankNetwork& banks)
    : store_(store), views_(views), projector_(projector), closer_(closer), banks_(banks) {}

void SettlementApi::add_routes(http::Router& router) {
  auto on = member_routes(router, this);
  on("GET", "/v1/settlement/cycles", kReaders, &SettlementApi::list_cycles);
  on("GET", "/v1/settlement/cycles/current", kReaders, &SettlementApi::current_cycle);
  on("GET", "/v1/settlement/cycles/{id}", kReaders, &SettlementApi::get_cycle);
  on("GET", "/v1/settlement/cycles/{id}/report.csv", kReaders, &SettlementApi::cycle_csv);
  on("POST", "/v1/admin/settlement/close", kAdmins, &SettlementApi::close_cycle);
  on("GET", "/v1/settlement/cycles/{id}/banks/{code}/proof", kReaders, &SettlementApi::leg_proof);
  on("GET", "/v1/settlement/cycles/{id}/reconciliation", kReaders, &SettlementApi::reconciliation);
}

asio::awaitable<Result<ledger::CycleReport>> SettlementApi::report(const std::string& id) {
  const auto cycle = parse_cycle(id);
  if (!cycle) co_return std::unexpected(cycle_not_found(id));
  co_return co_await report(*cycle);
}

asio::awaitable<Result<ledger::CycleReport>> SettlementApi::report(std::int64_t cycle) {
  auto found = co_await views_.settlement_cycle(cycle);
  if (!found) co_return std::unexpected(found.error());
  if (!*found) co_return std::unexpected(cycle_not_found(std::to_string(cycle)));
  co_return std::move(**found);
}

asio::awaitable<Response> SettlementApi::list_cycles(const Request& req, const Params&,
                                                     const Principal&) {
  auto target = parse_target(req.target());
  if (!target) co_return http::problem(target.error());
  if (auto ok = only_known(target->query, {"limit", "cursor"}); !ok)
    co_return http::problem(ok.error());
  auto limit = query_int(target->query, "limit", 20, 1, ledger::kCycleListLimitMax);
  if (!limit) co_return http::problem(limit.error());
  auto cursor = query_int(target->query, "cursor", 0, 1, INT64_MAX);
  if (!cursor) co_return http::problem(cursor.error());
  auto cycles = co_await views_.settlement_cycles(*cursor, static_cast<std::size_t>(*limit));
  if (!cycles) co_return http::problem(cycles.error());
  json::array items;
  for (const auto& c : *cycles) items.push_back(summary_json(c));
  // Cycles are numbered from 1 with none missing: a page that ends above 1 has a next one.
  const bool more = !cycles->empty() && cycles->back().cycle > 1 &&
                    cycles->size() == static_cast<std::size_t>(*limit);
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] =
      more ? json::value(std::to_string(cycles->back().cycle)) : json::value(nullptr);
  co_return http::json_response(Status::ok, body);
}

asio::awaitable<Response> SettlementApi::current_cycle(const Request& req, const Params&,
                                                       const Principal&) {
  auto target = parse_target(req.target());
  if (!target) co_return http::problem(target.error());
  if (auto ok = only_known(target->query, {"min_position"}); !ok)
    co_return http::problem(ok.error());
  auto fresh = co_await views_at_least(projector_, target->query);
  if (!fresh) co_return http::problem(fresh.error());
  auto newest = co_await views_.settlement_cycles(0, 1);
  if (!newest) co_return http::problem(newest.error());
  assert(!newest->empty() && newest->front().status == ledger::kCycleOpen);
  auto found = co_await report(newest->front().cycle);
  if (!found) co_return http::problem(found.error());
  co_return http::json_response(Status::ok, cycle_report_to_json(*found));
}

asio::awaitable<Response> SettlementApi::get_cycle(const Request&, const Params& params,
                                                   const Principal&) {
  auto found = co_await report(params.at("id"));
  if (!found) co_return http::problem(found.error());
  auto roots = co_await leg_roots(found->summary);
  if (!roots) co_return http::problem(roots.error());
  json::object body = cycle_report_to_json(*found);
  json::array root_list;
  for (const auto& r : *roots) {
    root_list.push_back(
        json::object{{"bank", r.bank}, {"legs", r.legs}, {"merkle_root", r.merkle_root}});
  }
  body["leg_roots"] = std::move(root_list);
  co_return http::json_response(Status::ok, body);
}

asio::awaitable<Result<std::vector<ledger::events::BankLegRoot>>> SettlementApi::leg_roots(
    const ledger::CycleSummary& cycle) {
  namespace ev = ledger::events;
  if (cycle.status != ledger::kCycleClosed) co_return std::vector<ev::BankLegRoot>{};
  // Named, not a temporary in the co_await's arguments (GCC 12 cannot keep one in the frame).
  const std::string stream(ev::kSettlementStream);
  auto read = co_await store_.read_stream(stream, ev::closed_version(cycle.cycle), 1);
  if (!read) co_return std::unexpected(read.error());
  assert(!read->empty() && "the views saw the close, so the ledger has it");
  if (read->empty()) co_return std::vector<ev::BankLegRoot>{};
  auto closed = ev::decode_settlement(read->front());
  assert(closed && std::holds_alternative<ev::SettlementCycleClosed>(*closed));
  if (!closed) co_return std::unexpected(closed.error());
  co_return std::get<ev::SettlementCycleClosed>(*closed).leg_roots;
}

asio::awaitable<Result<ledger::CycleReport>> SettlementApi::closed_report(const std::string& id) {
  auto found = co_await report(id);
  if (found && found->summary.status != ledger::kCycleClosed) {
    co_return fail(ErrorKind::kConflict, "CYCLE_NOT_CLOSED",
                   "cycle " + id + " is " + found->summary.status +
                       ": its legs and roots are final once it is closed");
  }
  co_return found;
}

asio::awaitable<Response> SettlementApi::reconciliation(const Request&, const Params& params,
                                                        const Principal&) {
  auto found = co_await closed_report(params.at("id"));
  if (!found) co_return http::problem(found.error());
  const std::int64_t cycle = found->summary.cycle;
  const std::string every_bank;
  auto legs = co_await views_.cycle_legs(cycle, every_bank);
  if (!legs) co_return http::problem(legs.error());
  const std::set<std::string> payments = settlement::payments_of(*legs);
  const banks::Deadline deadline = MonotonicClock::now() + kReconcileTime;
  json::array banks;
  bool unavailable = false, mismatched = false;
  for (const auto& code : banks_.codes()) {
    banks::BankGateway* gateway = banks_.gateway(code);
    assert(gateway != nullptr && "the network's codes name its gateways");
    auto at_bank = co_await settlement::bank_legs_for(*gateway, payments, deadline);
    settlement::BankReconciliation r;
    if (at_bank) {
      r = settlement::compare_legs(code, (*legs)[code], *at_bank);
    } else {
      r.bank = code;
      r.status = settlement::kBankUnreachable;
      r.detail = at_bank.error().message;
    }
    unavailable |= r.status == settlement::kBankUnreachable;
    mismatched |= r.status == settlement::kMismatched;
    banks.push_back(reconciliation_to_json(r));
  }
  const std::string_view status = mismatched    ? settlement::kMismatched
                                  : unavailable ? std::string_view("INCOMPLETE")
                                                : settlement::kReconciled;
  co_return http::json_response(Status::ok, json::object{{"cycle", cycle},
                                                         {"status", status},
                                                         {"payments", payments.size()},
                                                         {"banks", std::move(banks)}});
}

asio::awaitable<Response> SettlementApi::leg_proof(const Request& req, const Params& params,
                                                   const Principal&) {
  auto target = parse_target(req.target());
  if (!target) co_return http::problem(target.error());
  if (auto ok = only_known(target->query, {"leg_id"}); !ok) co_return http::problem(ok.error());
  const auto given = target->query.find("leg_id");
  const std::string leg_id = given == target->query.end() ? "" : given->second;
  if (leg_id.empty() || leg_id.size() > 128) {
    co_return http::problem(
        Error{ErrorKind::kInvalid, "INVALID_QUERY", "leg_id is required: 1-128 characters"});
  }
  auto found = co_await closed_report(params.at("id"));
  if (!found) co_return http::problem(found.error());
  const std::int64_t cycle = found->summary.cycle;
  auto roots = co_await leg_roots(found->summary);
  if (!roots) co_return http::problem(roots.error());
  const std::string& bank = params.at("code");
  auto root =
      std::find_if(roots->begin(), roots->end(), [&](const auto& r) { return r.bank == bank; });
  auto legs = co_await views_.cycle_legs(cycle, bank);  // this bank's only: its tree
  if (!legs) co_return http::problem(legs.error());
  std::optional<settlement::LegProof> proof;
  if (root != roots->end()) proof = settlement::leg_proof((*legs)[bank], leg_id);
  if (!proof) {
    co_return http::problem(
        Error{ErrorKind::kNotFound, "LEG_NOT_FOUND",
              "no leg " + leg_id + " of bank " + bank + " in cycle " + std::to_string(cycle)});
  }
  // The views' legs must give the root the ledger published: checked on every read.
  if (proof->root != root->merkle_root || proof->size != static_cast<std::size_t>(root->legs)) {
    co_return http::problem(Error{ErrorKind::kInternal, "LEG_ROOT_MISMATCH",
                                  "the legs of bank " + bank + " in cycle " +
                                      std::to_string(cycle) +
                                      " no longer give the root their close published"});
  }
  json::array path;
  for (const auto& h : proof->path) path.push_back(json::value(h));
  co_return http::json_response(Status::ok,
                                json::object{{"cycle", cycle},
                                             {"bank", bank},
                                             {"leg", ledger::settled_leg_to_json(proof->leg)},
                                             {"leaf", settlement::leg_leaf(proof->leg)},
                                             {"leaf_hash", proof->leaf_hash},
                                             {"index", proof->index},
                                             {"size", proof->size},
                                             {"path", std::move(path)},
                                             {"merkle_root", root->merkle_root}});
}

asio::awaitable<Response> SettlementApi::cycle_csv(const Request&, const Params& params,
                                                   const Principal&) {
  auto found = co_await report(params.at("id"));
  if (!found) co_return http::problem(found.error());
  const std::int64_t cycle = found->summary.cycle;
  // Bank codes and rails are [A-Z0-9] (world file, scheme): no field needs quoting.
  std::string csv =
      "cycle,status,bank,rail,settles,debits,credits,debit_count,credit_count,net\r\n";
  for (const auto& row : found->rows) {
    csv += std::to_string(cycle) + "," + found->summary.status + "," + row.bank + "," + row.rail +
           "," + (settles_gross(row) ? "GROSS" : "NET") + "," + format_money(row.debits) + "," +
           format_money(row.credits) + "," + std::to_string(row.debit_count) + "," +
           std::to_string(row.credit_count) + "," + format_money(row.net()) + "\r\n";
  }
  Response res{Status::ok, 11};
  res.set(http::beast_http::field::content_type, "text/csv; charset=utf-8; header=present");
  res.set(http::beast_http::field::content_disposition,
          "attachment; filename=\"settlement-cycle-" + std::to_string(cycle) + ".csv\"");
  res.body() = std::move(csv);
  co_return res;
}

asio::awaitable<Response> SettlementApi::close_cycle(const Request& req, const Params&,
                                                     const Principal& caller) {
  std::int64_t cycle = 0;
  if (!req.body().empty()) {
    auto body = parse_json_object(req.body(), 2);
    if (!body) co_return http::problem(body.error());
    if (auto ok = reject_unknown_fields(*body, {"cycle"}, "body"); !ok)
      co_return http::problem(ok.error());
    const json::value* n = body->if_contains("cycle");
    if (n != nullptr && (!n->is_int64() || n->as_int64() < 1)) {
      co_return http::problem(Error{ErrorKind::kInvalid, "INVALID_FIELD",
                                    "body field \"cycle\" must be an integer of 1 or more"});
    }
    if (n != nullptr) cycle = n->as_int64();
  }
  SystemClock clock;
  settlement::CloseRequest request{settlement::kCauseAdmin, caller.id, clock.now_ms(), cycle};
  auto closed = co_await closer_.close(std::move(request));
  if (!closed) co_return http::problem(closed.error());
  const bool folded = co_await projector_.wait_for(closed->position, kViewsWait);
  if (!folded) {
    co_return http::problem(Error{ErrorKind::kUnavailable, "VIEWS_BEHIND",
                                  "cycle " + std::to_string(closed->cycle) +
                                      " is closed; the read views do not show it yet"});
  }
  auto found = co_await report(closed->cycle);
  if (!found) co_return http::problem(found.error());
  json::object body = cycle_report_to_json(*found);
  body["cut_off_by_this_request"] = closed->cut_off_here;
  co_return http::json_response(Status::ok, body);
}

}  // namespace upi::api
