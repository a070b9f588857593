// Boost.JSON helpers that turn malformed input into precise Errors.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace upi {

namespace json = boost::json;

// Parses text that must be one JSON object, at most depth_max levels deep.
// Error code: INVALID_JSON.
Result<json::object> parse_json_object(std::string_view text, std::size_t depth_max = 16);

// The field as a string; "where" names the object in messages (e.g. "request body").
// A missing field or a non-string is an INVALID_FIELD error naming the field.
Result<std::string> required_string(const json::object& obj, std::string_view field,
                                    std::string_view where);
Result<std::optional<std::string>> optional_string(const json::object& obj, std::string_view field,
                                                   std::string_view where);
// A required array field.
Result<const json::array*> required_array(const json::object& obj, std::string_view field,
                                          std::string_view where);
// An optional integer field within [min, max].
Result<std::optional<std::int64_t>> optional_int(const json::object& obj, std::string_view field,
                                                 std::int64_t min, std::int64_t max,
                                                 std::string_view where);
// UNKNOWN_FIELD error for the first field not in allowed.
Result<void> reject_unknown_fields(const json::object& obj,
                                   std::initializer_list<std::string_view> allowed,
                                   std::string_view where);

std::string to_json(const json::value& value);

// The field's string value, or "" when it is absent or not a string (for reading data this
// program wrote itself; input from outside goes through required_string).
std::string string_or_empty(const json::object& obj, std::string_view field);

}  // namespace upi
