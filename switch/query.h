// Query-string checks and problem answers shared by the handlers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/problem.h"
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

// PAYMENT_NOT_FOUND (404) for id.
Error payment_not_found(const std::string& id);
// NOT_READY (503): the switch is starting or stopping, or its store does not answer.
Error not_ready(std::string why);

}  // namespace upi::api
