#include "common/json.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/src.hpp>  // Boost.JSON compiled into this one file
#include <cmath>
#include <optional>
#include <set>
#include <vector>

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

// Finds what valid JSON may hold but the switch refuses: a key written twice in one object
// (compared decoded, so "a" and "\u0061" are the same key; standard JSON leaves duplicates
// undefined and Boost.JSON keeps the last one, so {"amount":"1.00","amount":"99999.00"} would
// mean what the last writer wanted), and a number too large for a double (it would read as
// infinity and print back as "Infinity", which is not JSON; found by tests/fuzz/fuzz_json).
class ValueChecker {
 public:
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;
  using error_code = boost::system::error_code;

  const std::optional<std::string>& duplicate() const { return duplicate_; }
  bool number_out_of_range() const { return number_out_of_range_; }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t, error_code&) { return true; }
  bool on_object_begin(error_code&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    keys_.pop_back();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, error_code&) { return true; }
  bool on_key_part(json::string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view last, std::size_t, error_code& ec) {
    key_.append(last.data(), last.size());
    if (!keys_.back().insert(key_).second) {
      duplicate_ = key_;
      ec = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
      return false;
    }
    key_.clear();
    return true;
  }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, error_code&) { return true; }
  bool on_double(double d, json::string_view, error_code& ec) {
    if (std::isfinite(d)) return true;
    number_out_of_range_ = true;
    ec = boost::system::errc::make_error_code(boost::system::errc::result_out_of_range);
    return false;
  }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  std::vector<std::set<std::string>> keys_;  // of each object open now
  std::string key_;
  std::optional<std::string> duplicate_;  // set, even to "", once a key repeats
  bool number_out_of_range_ = false;
};

// What ValueChecker refuses in text (valid JSON), as an error message, or nullopt.
std::optional<std::string> refused_value(std::string_view text,
                                         const json::parse_options& options) {
  json::basic_parser<ValueChecker> parser(options);
  boost::system::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  if (parser.handler().number_out_of_range()) return "body has a number out of range";
  const auto& duplicate = parser.handler().duplicate();
  if (!duplicate) return std::nullopt;
  return "body has the key \"" + *duplicate + "\" twice in one object";
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
  if (auto refused = refused_value(text, options))
    return fail(ErrorKind::kMalformed, "INVALID_JSON", *refused);
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
