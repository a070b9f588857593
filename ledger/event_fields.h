// The visitors that turn an event struct's fields() description into JSON and back, shared by
// every family of events (payment, settlement): Encoder writes, Decoder reads strictly (every
// field present with its JSON type; the first problem is kept), Names lists the keys.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/money.h"

namespace upi::ledger::events {

inline Error invalid_event(std::string_view type, std::string message) {
  return Error{ErrorKind::kInternal, "INVALID_EVENT", std::string(type) + ": " + message};
}

struct Encoder {
  json::object& out;
  void operator()(std::string_view key, const std::string& text) { out[key] = text; }
  void operator()(std::string_view key, std::int64_t number) { out[key] = number; }
  void operator()(std::string_view key, bool flag) { out[key] = flag; }
  // A list of parts, each an object of its own fields.
  template <class Part>
  void operator()(std::string_view key, const std::vector<Part>& parts) {
    json::array array;
    for (const auto& part : parts) {
      json::object o;
      Encoder nested{o};
      Part::fields(part, nested);
      array.push_back(std::move(o));
    }
    out[key] = std::move(array);
  }
  void money(std::string_view key, Paise amount) { out[key] = format_money(amount); }
  void total(std::string_view key, Paise amount) { out[key] = format_money(amount); }
  void optional(std::string_view key, const std::string& text) {
    if (!text.empty()) out[key] = text;
  }
  template <class Part>
  void optional(std::string_view key, const std::vector<Part>& parts) {
    if (!parts.empty()) (*this)(key, parts);
  }
  template <class Part>
  void inline_fields(const Part& part) {
    Part::fields(part, *this);
  }
};

template <class Struct>
json::object encode_fields(const Struct& e) {
  json::object out;
  Encoder encoder{out};
  Struct::fields(e, encoder);
  return out;
}

struct Decoder {
  const json::object& in;
  std::string problem;

  const json::value* find(std::string_view key, bool ok_type(const json::value&),
                          std::string_view expected) {
    const json::value* v = in.if_contains(key);
    if (v != nullptr && ok_type(*v)) return v;
    if (problem.empty())
      problem = "field " + std::string(key) + " must be " + std::string(expected);
    return nullptr;
  }
  void operator()(std::string_view key, std::string& text) {
    if (auto* v = find(
            key, [](const json::value& x) { return x.is_string(); }, "a string"))
      text = v->as_string();
  }
  void operator()(std::string_view key, std::int64_t& number) {
    if (auto* v = find(
            key, [](const json::value& x) { return x.is_int64(); }, "an integer"))
      number = v->as_int64();
  }
  void operator()(std::string_view key, bool& flag) {
    if (auto* v = find(
            key, [](const json::value& x) { return x.is_bool(); }, "true or false"))
      flag = v->as_bool();
  }
  template <class Part>
  void operator()(std::string_view key, std::vector<Part>& parts) {
    auto* v = find(
        key, [](const json::value& x) { return x.is_array(); }, "an array");
    if (v == nullptr) return;
    for (const auto& item : v->as_array()) {
      if (!item.is_object()) {
        problem = "field " + std::string(key) + " must hold objects";
        return;
      }
      Part part;
      Decoder nested{item.as_object(), {}};
      Part::fields(part, nested);
      if (!nested.problem.empty()) {
        problem = std::string(key) + ": " + nested.problem;
        return;
      }
      parts.push_back(std::move(part));
    }
  }
  // An amount: more than zero.
  void money(std::string_view key, Paise& amount) {
    amount_field(key, amount, ZeroPolicy::kReject);
  }
  // A sum of amounts: zero or more.
  void total(std::string_view key, Paise& amount) { amount_field(key, amount, ZeroPolicy::kAllow); }
  void amount_field(std::string_view key, Paise& amount, ZeroPolicy zero) {
    std::string text;
    (*this)(key, text);
    if (!problem.empty()) return;
    auto parsed = parse_money(text, zero);
    if (parsed)
      amount = *parsed;
    else
      problem = "field " + std::string(key) + ": " + parsed.error().message;
  }
  void optional(std::string_view key, std::string& text) {
    if (in.contains(key)) (*this)(key, text);
  }
  template <class Part>
  void optional(std::string_view key, std::vector<Part>& parts) {
    if (in.contains(key)) (*this)(key, parts);
  }
  template <class Part>
  void inline_fields(Part& part) {
    Part::fields(part, *this);
  }
};

// Reads data as Struct; INVALID_EVENT names the first field that is missing or malformed.
template <class Struct>
Result<Struct> decode_fields(const json::object& data) {
  Struct event;
  Decoder decoder{data, {}};
  Struct::fields(event, decoder);
  if (!decoder.problem.empty())
    return std::unexpected(invalid_event(Struct::kType, decoder.problem));
  return event;
}

// Collects the field names as Encoder writes them.
struct Names {
  std::vector<std::string>& out;
  template <class T>
  void operator()(std::string_view key, T&) {
    out.emplace_back(key);
  }
  template <class T>
  void money(std::string_view key, T&) {
    out.emplace_back(key);
  }
  template <class T>
  void total(std::string_view key, T&) {
    out.emplace_back(key);
  }
  template <class T>
  void optional(std::string_view key, T&) {
    out.emplace_back(key);
  }
  template <class Part>
  void inline_fields(Part& part) {
    Part::fields(part, *this);
  }
};

template <class Struct>
std::vector<std::string> names_of() {
  std::vector<std::string> out;
  Struct event;
  Names names{out};
  Struct::fields(event, names);
  return out;
}

// A variant of event structs (a stream family's events), by type name: decoding, field lists
// and the type names in the variant's order.
template <class Variant, std::size_t I = 0>
Result<Variant> decode_variant(std::string_view type, const json::object& data,
                               std::string_view family) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return std::unexpected(invalid_event(type, "not a " + std::string(family) + " event type"));
  } else {
    using Event = std::variant_alternative_t<I, Variant>;
    if (type != Event::kType) return decode_variant<Variant, I + 1>(type, data, family);
    auto event = decode_fields<Event>(data);
    if (!event) return std::unexpected(event.error());
    return Variant{std::move(*event)};
  }
}

template <class Variant, std::size_t I = 0>
std::vector<std::string> variant_field_names(std::string_view type) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return {};
  } else {
    using Event = std::variant_alternative_t<I, Variant>;
    if (type != Event::kType) return variant_field_names<Variant, I + 1>(type);
    return names_of<Event>();
  }
}

template <class Variant>
std::vector<std::string_view> variant_type_names() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return std::vector<std::string_view>{std::variant_alternative_t<I, Variant>::kType...};
  }
  (std::make_index_sequence<std::variant_size_v<Variant>>());
}

}  // namespace upi::ledger::events
