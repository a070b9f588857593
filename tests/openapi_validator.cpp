#include "tests/openapi_validator.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <regex>
#include <sstream>
#include "tests/source_path.h"

namespace upi::testing {
namespace {

constexpr int kYamlDepthMax = 64;

// A plain YAML scalar typed by the core schema (null, booleans, integers, floats), else text.
json::value typed_scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return json::value(text);  // quoted: always a string
  if (text == "~" || text == "null" || text.empty()) return nullptr;
  if (text == "true") return true;
  if (text == "false") return false;
  static const std::regex integer(R"(^-?(0|[1-9][0-9]*)$)");
  static const std::regex real(R"(^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(text, integer)) return std::strtoll(text.c_str(), nullptr, 10);
  if (std::regex_match(text, real)) return std::strtod(text.c_str(), nullptr);
  return json::value(text);
}

Result<json::value> to_json_value(const YAML::Node& node, int depth) {
  if (depth > kYamlDepthMax)
    return fail(ErrorKind::kInvalid, "INVALID_OPENAPI", "nested too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json::value(nullptr);
    case YAML::NodeType::Scalar:
      return typed_scalar(node);
    case YAML::NodeType::Sequence: {
      json::array out;
      for (const auto& item : node) {
        auto v = to_json_value(item, depth + 1);
        if (!v) return v;
        out.push_back(std::move(*v));
      }
      return json::value(std::move(out));
    }
    case YAML::NodeType::Map: {
      json::object out;
      for (const auto& entry : node) {
        auto v = to_json_value(entry.second, depth + 1);
        if (!v) return v;
        out[entry.first.Scalar()] = std::move(*v);
      }
      return json::value(std::move(out));
    }
  }
  return fail(ErrorKind::kInvalid, "INVALID_OPENAPI", "unknown YAML node");
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// The number of literal segments when template matches path, or -1.
int match_score(const std::string& path_template, const std::string& path) {
  const auto want = segments(path_template), have = segments(path);
  if (want.size() != have.size()) return -1;
  int literal = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].starts_with('{') && want[i].ends_with('}')) continue;
    if (want[i] != have[i]) return -1;
    ++literal;
  }
  return literal;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool has_type(const json::value& v, std::string_view type) {
  if (type == "null") return v.is_null();
  if (type == "boolean") return v.is_bool();
  if (type == "string") return v.is_string();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "integer") return v.is_int64() || v.is_uint64();
  if (type == "number") return v.is_number();
  return false;
}

double number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return v.is_double() ? v.as_double() : 0;
}

}  // namespace

Result<OpenApiDocument> OpenApiDocument::load(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {  // a library boundary: its errors become values here
    return fail(ErrorKind::kInvalid, "INVALID_OPENAPI", path + ": " + e.what());
  }
  auto doc = to_json_value(root, 0);
  if (!doc) return std::unexpected(doc.error());
  if (!doc->is_object() || !doc->as_object().contains("paths"))
    return fail(ErrorKind::kInvalid, "INVALID_OPENAPI", path + " has no paths");
  return OpenApiDocument(std::move(doc->as_object()));
}

const json::value& OpenApiDocument::resolve(const json::value& maybe_ref) const {
  const json::value* v = &maybe_ref;
  for (int hops = 0; hops < 16 && v->is_object() && v->as_object().contains("$ref"); ++hops) {
    const std::string ref(v->as_object().at("$ref").as_string());
    EXPECT_TRUE(ref.starts_with("#/")) << "only local references: " << ref;
    const json::value* at = nullptr;
    const json::object* scope = &doc_;
    for (const auto& part : segments(ref.substr(1))) {
      at = scope ? scope->if_contains(part) : nullptr;
      if (at == nullptr) break;
      scope = at->is_object() ? &at->as_object() : nullptr;
    }
    EXPECT_NE(at, nullptr) << "unresolved reference " << ref;
    if (at == nullptr) break;
    v = at;
  }
  return *v;
}

const json::object* OpenApiDocument::operation_for(const std::string& method,
                                                   const std::string& path,
                                                   bool* path_known) const {
  const json::object* best = nullptr;
  int best_score = -1;
  for (const auto& [path_template, item] : doc_.at("paths").as_object()) {
    const int score = match_score(std::string(path_template), path);
    if (score <= best_score || !item.is_object()) continue;
    best_score = score;
    best = &item.as_object();
  }
  *path_known = best != nullptr;
  if (best == nullptr) return nullptr;
  const json::value* op = best->if_contains(lower(method));
  return op && op->is_object() ? &op->as_object() : nullptr;
}

std::vector<std::string> OpenApiDocument::check_response(const std::string& method,
                                                         const std::string& target, int status,
                                                         const std::string& content_type,
                                                         const std::string& body) const {
  const std::string path = target.substr(0, target.find('?'));
  const std::string where = method + " " + target + " -> " + std::to_string(status);
  bool path_known = false;
  const json::object* op = operation_for(method, path, &path_known);
  const json::value problem{{"$ref", "#/components/schemas/Problem"}};
  json::object fallback;  // a route or method the document does not have: a problem only
  if (op == nullptr) {
    fallback["responses"] = json::object{
        {std::to_string(status),
         json::object{{"content", json::object{{"application/problem+json",
                                                json::object{{"schema", problem}}}}}}}};
    op = &fallback;
  }
  const json::value* response = op->at("responses").as_object().if_contains(std::to_string(status));
  if (response == nullptr) return {where + ": status not documented for this operation"};
  const json::value& documented = resolve(*response);
  const json::value* content = documented.as_object().if_contains("content");
  if (content == nullptr) {
    if (body.empty()) return {};
    return {where + ": documented without a body, answered " + body.substr(0, 200)};
  }
  const std::string media = lower(content_type.substr(0, content_type.find(';')));
  const json::value* entry = content->as_object().if_contains(media);
  if (entry == nullptr) return {where + ": media type '" + media + "' not documented"};
  const json::value* schema = entry->as_object().if_contains("schema");
  if (schema == nullptr) return {};
  if (media.find("json") == std::string::npos) return validate(json::value(body), *schema, "body");
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec) return {where + ": body is not JSON: " + body.substr(0, 200)};
  auto errors = validate(parsed, *schema, "body");
  for (auto& e : errors) e = where + ": " + e;
  return errors;
}

std::vector<std::string> OpenApiDocument::validate(const json::value& value,
                                                   const json::value& schema,
                                                   const std::string& at) const {
  std::vector<std::string> out;
  validate_into(value, schema, at, out);
  return out;
}

void OpenApiDocument::validate_into(const json::value& value, const json::value& schema_in,
                                    const std::string& at, std::vector<std::string>& out) const {
  const json::value& resolved = resolve(schema_in);
  if (!resolved.is_object()) return;  // true/{}: anything
  const json::object& s = resolved.as_object();
  if (const json::value* all = s.if_contains("allOf")) {
    for (const auto& sub : all->as_array()) validate_into(value, sub, at, out);
  }
  for (const char* keyword : {"oneOf", "anyOf"}) {
    const json::value* choices = s.if_contains(keyword);
    if (choices == nullptr) continue;
    int matched = 0;
    for (const auto& sub : choices->as_array()) matched += validate(value, sub, at).empty();
    const bool one = std::string_view(keyword) == "oneOf";
    if (one ? matched != 1 : matched == 0)
      out.push_back(at + ": matches " + std::to_string(matched) + " of its " + keyword);
  }
  if (const json::value* type = s.if_contains("type")) {
    bool ok = false;
    if (type->is_string()) ok = has_type(value, type->as_string());
    if (type->is_array()) {
      for (const auto& t : type->as_array()) ok = ok || has_type(value, t.as_string());
    }
    if (!ok) {
      out.push_back(at + ": " + json::serialize(value).substr(0, 80) + " is not of type " +
                    json::serialize(*type));
      return;
    }
  }
  if (const json::value* choices = s.if_contains("enum")) {
    bool found = false;
    for (const auto& c : choices->as_array()) found = found || c == value;
    if (!found)
      out.push_back(at + ": " + json::serialize(value) + " is not one of " +
                    json::serialize(*choices));
  }
  if (const json::value* c = s.if_contains("const"); c && *c != value)
    out.push_back(at + ": " + json::serialize(value) + " is not " + json::serialize(*c));
  if (value.is_string()) {
    const std::string text(value.as_string());
    if (const json::value* p = s.if_contains("pattern");
        p && !std::regex_search(text, std::regex(std::string(p->as_string()))))
      out.push_back(at + ": \"" + text + "\" does not match " + std::string(p->as_string()));
    if (const json::value* n = s.if_contains("minLength");
        n && static_cast<double>(text.size()) < number_of(*n))
      out.push_back(at + ": shorter than " + json::serialize(*n));
    if (const json::value* n = s.if_contains("maxLength");
        n && static_cast<double>(text.size()) > number_of(*n))
      out.push_back(at + ": longer than " + json::serialize(*n));
    static const std::regex date_time(
        R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$)");
    if (const json::value* f = s.if_contains("format");
        f && f->as_string() == "date-time" && !std::regex_match(text, date_time))
      out.push_back(at + ": \"" + text + "\" is not a date-time");
  }
  if (value.is_number()) {
    if (const json::value* n = s.if_contains("minimum"); n && number_of(value) < number_of(*n))
      out.push_back(at + ": below " + json::serialize(*n));
    if (const json::value* n = s.if_contains("maximum"); n && number_of(value) > number_of(*n))
      out.push_back(at + ": above " + json::serialize(*n));
  }
  if (value.is_array()) {
    const auto& items = value.as_array();
    if (const json::value* n = s.if_contains("maxItems");
        n && static_cast<double>(items.size()) > number_of(*n))
      out.push_back(at + ": more than " + json::serialize(*n) + " items");
    if (const json::value* n = s.if_contains("minItems");
        n && static_cast<double>(items.size()) < number_of(*n))
      out.push_back(at + ": fewer than " + json::serialize(*n) + " items");
    if (const json::value* item = s.if_contains("items")) {
      for (std::size_t i = 0; i < items.size(); ++i)
        validate_into(items[i], *item, at + "[" + std::to_string(i) + "]", out);
    }
  }
  if (value.is_object()) {
    const json::object& o = value.as_object();
    if (const json::value* required = s.if_contains("required")) {
      for (const auto& name : required->as_array()) {
        if (!o.contains(name.as_string()))
          out.push_back(at + ": lacks required " + std::string(name.as_string()));
      }
    }
    const json::value* properties = s.if_contains("properties");
    const json::value* additional = s.if_contains("additionalProperties");
    for (const auto& [name, v] : o) {
      const json::value* property =
          properties ? properties->as_object().if_contains(name) : nullptr;
      const std::string child = at + "." + std::string(name);
      if (property) {
        validate_into(v, *property, child, out);
      } else if (additional && additional->is_bool() && !additional->as_bool()) {
        out.push_back(child + ": not a documented property");
      } else if (additional && additional->is_object()) {
        validate_into(v, *additional, child, out);
      }
    }
  }
}

const OpenApiDocument& openapi() {
  static const OpenApiDocument doc = [] {
    const std::string path = source_path("specs/openapi.yaml");
    auto loaded = OpenApiDocument::load(path);
    if (!loaded) {
      std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
      std::abort();  // every end-to-end test depends on it: stop at once, loudly
    }
    return std::move(*loaded);
  }();
  return doc;
}

}  // namespace upi::testing
