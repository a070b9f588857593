#include "common/json.h"

#include <algorithm>
#include <boost/json/src.hpp>  // Boost.JSON compiled into this one file

namespace upi {
namespace {

std::string field_ref(std::string_view where, std::string_view field) {
  return std::string(where) + " field \"" + std::string(field) + "\"";
}

std::string kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "unknown";
}

}  // namespace

Result<json::object> parse_json_object(std::string_view text, std::size_t depth_max) {
  json::parse_options options;
  options.max_depth = depth_max;
  boost::system::error_code ec;
  json::value value = json::parse(text, ec, {}, options);
  if (ec)
    return fail(ErrorKind::kMalformed, "INVALID_JSON", "body is not valid JSON: " + ec.message());
  if (!value.is_object())
    return fail(ErrorKind::kMalformed, "INVALID_JSON", "body must be a JSON object");
  return std::move(value.as_object());
}

Result<std::string> required_string(const json::object& obj, std::string_view field,
                                    std::string_view where) {
  auto value = optional_string(obj, field, where);
  if (!value) return std::unexpected(value.error());
  if (!*value)
    return fail(ErrorKind::kInvalid, "INVALID_FIELD", field_ref(where, field) + " is required");
  return std::move(**value);
}

Result<std::optional<std::string>> optional_string(const json::object& obj, std::string_view field,
                                                   std::string_view where) {
  const json::value* value = obj.if_contains(field);
  if (value == nullptr) return std::optional<std::string>{};
  if (!value->is_string()) {
    return fail(ErrorKind::kInvalid, "INVALID_FIELD",
                field_ref(where, field) + " must be a string, not " + kind_name(*value));
  }
  return std::optional<std::string>(std::string(value->as_string()));
}

Result<const json::array*> required_array(const json::object& obj, std::string_view field,
                                          std::string_view where) {
  const json::value* value = obj.if_contains(field);
  if (value == nullptr)
    return fail(ErrorKind::kInvalid, "INVALID_FIELD", field_ref(where, field) + " is required");
  if (!value->is_array()) {
    return fail(ErrorKind::kInvalid, "INVALID_FIELD",
                field_ref(where, field) + " must be an array, not " + kind_name(*value));
  }
  return &value->as_array();
}

Result<std::optional<std::int64_t>> optional_int(const json::object& obj, std::string_view field,
                                                 std::int64_t min, std::int64_t max,
                                                 std::string_view where) {
  const json::value* value = obj.if_contains(field);
  if (value == nullptr) return std::optional<std::int64_t>{};
  const std::string range = " in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (!value->is_int64() && !value->is_uint64()) {
    return fail(ErrorKind::kInvalid, "INVALID_FIELD",
                field_ref(where, field) + " must be an integer" + range);
  }
  if (value->is_uint64() && value->as_uint64() > static_cast<std::uint64_t>(max)) {
    return fail(ErrorKind::kInvalid, "INVALID_FIELD",
                field_ref(where, field) + " must be an integer" + range);
  }
  const std::int64_t n =
      value->is_int64() ? value->as_int64() : static_cast<std::int64_t>(value->as_uint64());
  if (n < min || n > max) {
    return fail(ErrorKind::kInvalid, "INVALID_FIELD",
                field_ref(where, field) + " must be an integer" + range);
  }
  return std::optional<std::int64_t>(n);
}

Result<void> reject_unknown_fields(const json::object& obj,
                                   std::initializer_list<std::string_view> allowed,
                                   std::string_view where) {
  for (const auto& entry : obj) {
    if (std::find(allowed.begin(), allowed.end(), entry.key()) == allowed.end()) {
      return fail(ErrorKind::kInvalid, "UNKNOWN_FIELD",
                  field_ref(where, entry.key()) + " is not recognised");
    }
  }
  return {};
}

std::string to_json(const json::value& value) {
  return json::serialize(value);
}

std::string string_or_empty(const json::object& obj, std::string_view field) {
  const json::value* v = obj.if_contains(field);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace upi
