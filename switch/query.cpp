#include "switch/query.h"

#include <algorithm>
#include <charconv>

namespace upi::api {

Result<std::int64_t> query_int(const std::map<std::string, std::string>& query,
                               const std::string& name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) {
  auto it = query.find(name);
  if (it == query.end()) return fallback;
  std::int64_t value = 0;
  const auto& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    return fail(ErrorKind::kInvalid, "INVALID_QUERY",
                "query parameter \"" + name + "\" must be an integer from " + std::to_string(min) +
                    " to " + std::to_string(max));
  }
  return value;
}

Result<void> only_known(const std::map<std::string, std::string>& query,
                        std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : query) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return fail(ErrorKind::kInvalid, "INVALID_QUERY", "unknown query parameter \"" + name + "\"");
    }
  }
  return {};
}

Error payment_not_found(const std::string& id) {
  return Error{ErrorKind::kNotFound, "PAYMENT_NOT_FOUND", "no payment " + id};
}

Error not_ready(std::string why) {
  return Error{ErrorKind::kUnavailable, "NOT_READY", std::move(why)};
}

boost::asio::awaitable<Result<void>> views_at_least(
    ledger::Projector& projector, const std::map<std::string, std::string>& query) {
  constexpr auto kFreshnessWaitMax = std::chrono::seconds(5);
  auto min_position = query_int(query, "min_position", 0, 0, INT64_MAX);
  if (!min_position) co_return std::unexpected(min_position.error());
  if (*min_position == 0) co_return Result<void>{};
  const bool fresh = co_await projector.wait_for(*min_position, kFreshnessWaitMax);
  if (!fresh) {
    co_return fail(
        ErrorKind::kInvalid, "VIEW_NOT_CAUGHT_UP",
        "the read views did not reach position " + std::to_string(*min_position) + " within 5 s");
  }
  co_return Result<void>{};
}

json::value next_cursor_json(const std::string& cursor) {
  return cursor.empty() ? json::value(nullptr) : json::value(cursor);
}

json::value next_cursor_json(std::int64_t cursor) {
  return cursor == 0 ? json::value(nullptr) : json::value(cursor);
}

}  // namespace upi::api
