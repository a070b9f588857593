// Query-string checks and problem answers shared by the handlers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/json.h"
#include "common/principal.h"
#include "common/problem.h"
#include "common/router.h"
#include "ledger/projector.h"

namespace upi::api {

// A query parameter as an integer in [min, max], or fallback when absent.
// Error code: INVALID_QUERY.
Result<std::int64_t> query_int(const std::map<std::string, std::string>& query,
                               const std::string& name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max);
// INVALID_QUERY for the first parameter not in known.
Result<void> only_known(const std::map<std::string, std::string>& query,
                        std::initializer_list<std::string_view> known);

// Waits up to 5 s until the read views include the query's min_position (read-your-writes).
// Error codes: INVALID_QUERY, VIEW_NOT_CAUGHT_UP.
boost::asio::awaitable<Result<void>> views_at_least(
    ledger::Projector& projector, const std::map<std::string, std::string>& query);

// A page's next_cursor as JSON: null on the last page (an empty id, or position 0).
json::value next_cursor_json(const std::string& cursor);
json::value next_cursor_json(std::int64_t cursor);

// A list route's answer: the query parsed from the target (narrowed to a PSP's own handle), the
// views waited for up to min_position, one page fetched, and its items as JSON with
// view_position and next_cursor. parse: query map -> Result<Query>; fetch: Query ->
// awaitable<Result<Page>>; item_json: an item -> json::object.
template <class Parse, class Fetch, class ItemJson>
boost::asio::awaitable<http::Response> list_response(const http::Request& req,
                                                     const Principal& caller,
                                                     ledger::Projector& projector, Parse parse,
                                                     Fetch fetch, ItemJson item_json) {
  auto target = http::parse_target(req.target());
  if (!target) co_return http::problem(target.error());
  auto query = parse(target->query);
  if (!query) co_return http::problem(query.error());
  if (!caller.sees_all()) query->handle = caller.psp;
  auto fresh = co_await views_at_least(projector, target->query);
  if (!fresh) co_return http::problem(fresh.error());
  const std::int64_t view_position = projector.checkpoint();
  auto page = co_await fetch(*query);
  if (!page) co_return http::problem(page.error());
  json::array items;
  for (const auto& item : page->items) items.push_back(item_json(item));
  json::object body{{"items", std::move(items)}, {"view_position", view_position}};
  body["next_cursor"] = next_cursor_json(page->next_cursor);
  co_return http::json_response(http::Status::ok, body);
}

// PAYMENT_NOT_FOUND (404) for id.
Error payment_not_found(const std::string& id);
// NOT_READY (503): the switch is starting or stopping, or its store does not answer.
Error not_ready(std::string why);

}  // namespace upi::api
