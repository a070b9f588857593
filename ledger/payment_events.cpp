#include "ledger/payment_events.h"

#include <cassert>

namespace upi::ledger::events {
namespace {

Error invalid_event(std::string_view type, std::string message) {
  return Error{ErrorKind::kInternal, "INVALID_EVENT", std::string(type) + ": " + message};
}

// Writes each field into a JSON object.
struct Encoder {
  json::object& out;
  void operator()(std::string_view key, const std::string& text) { out[key] = text; }
  void operator()(std::string_view key, std::int64_t number) { out[key] = number; }
  void operator()(std::string_view key, bool flag) { out[key] = flag; }
  void operator()(std::string_view key, const std::vector<SettlementLeg>& legs);
  void money(std::string_view key, Paise amount) { out[key] = format_money(amount); }
  void optional(std::string_view key, const std::string& text) {
    if (!text.empty()) out[key] = text;
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

void Encoder::operator()(std::string_view key, const std::vector<SettlementLeg>& legs) {
  json::array array;
  for (const auto& leg : legs) {
    json::object o;
    Encoder nested{o};
    SettlementLeg::fields(leg, nested);
    array.push_back(std::move(o));
  }
  out[key] = std::move(array);
}

// Reads each field back; the first problem is kept and the rest ignored.
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
  void operator()(std::string_view key, std::vector<SettlementLeg>& legs);
  void money(std::string_view key, Paise& amount) {
    std::string text;
    (*this)(key, text);
    if (!problem.empty()) return;
    auto parsed = parse_money(text);
    if (parsed)
      amount = *parsed;
    else
      problem = "field " + std::string(key) + ": " + parsed.error().message;
  }
  void optional(std::string_view key, std::string& text) {
    if (in.contains(key)) (*this)(key, text);
  }
  template <class Part>
  void inline_fields(Part& part) {
    Part::fields(part, *this);
  }
};

void Decoder::operator()(std::string_view key, std::vector<SettlementLeg>& legs) {
  auto* v = find(
      key, [](const json::value& x) { return x.is_array(); }, "an array");
  if (v == nullptr) return;
  for (const auto& item : v->as_array()) {
    if (!item.is_object()) {
      problem = "field " + std::string(key) + " must hold objects";
      return;
    }
    SettlementLeg leg;
    Decoder nested{item.as_object(), {}};
    SettlementLeg::fields(leg, nested);
    if (!nested.problem.empty()) {
      problem = std::string(key) + ": " + nested.problem;
      return;
    }
    legs.push_back(std::move(leg));
  }
}

// Collects the field names as encode() writes them.
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
  void optional(std::string_view key, T&) {
    out.emplace_back(key);
  }
  template <class Part>
  void inline_fields(Part& part) {
    Part::fields(part, *this);
  }
};

template <std::size_t I = 0>
Result<PaymentEvent> decode_as(std::string_view type, const json::object& data) {
  if constexpr (I == std::variant_size_v<PaymentEvent>) {
    return std::unexpected(invalid_event(type, "not a payment event type"));
  } else {
    using Event = std::variant_alternative_t<I, PaymentEvent>;
    if (type != Event::kType) return decode_as<I + 1>(type, data);
    Event event;
    Decoder decoder{data, {}};
    Event::fields(event, decoder);
    if (!decoder.problem.empty()) return std::unexpected(invalid_event(type, decoder.problem));
    return PaymentEvent{std::move(event)};
  }
}

template <std::size_t I = 0>
void list_fields(std::string_view type, std::vector<std::string>& out) {
  if constexpr (I < std::variant_size_v<PaymentEvent>) {
    using Event = std::variant_alternative_t<I, PaymentEvent>;
    if (type != Event::kType) return list_fields<I + 1>(type, out);
    Event event;
    Names names{out};
    Event::fields(event, names);
  }
}

template <std::size_t... I>
std::vector<std::string_view> type_names(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, PaymentEvent>::kType...};
}

}  // namespace

std::vector<std::string_view> all_types() {
  return type_names(std::make_index_sequence<std::variant_size_v<PaymentEvent>>());
}

std::vector<std::string> field_names(std::string_view type) {
  std::vector<std::string> out;
  list_fields(type, out);
  return out;
}

std::string_view type_of(const PaymentEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, event);
}

json::object encode(const PaymentEvent& event) {
  return std::visit([](const auto& e) { return encode_fields(e); }, event);
}

Result<PaymentEvent> decode(std::string_view type, const json::object& data) {
  return decode_as(type, data);
}

Result<PaymentEvent> decode(const RecordedEvent& event) {
  return decode_as(event.type, event.data);
}

NewEvent to_new_event(const PaymentEvent& event, Metadata metadata) {
  return NewEvent{std::string(type_of(event)), encode(event), std::move(metadata)};
}

std::string payment_id_of_stream(std::string_view stream) {
  constexpr std::string_view kPrefix = "payment-";
  if (!stream.starts_with(kPrefix)) return "";
  return std::string(stream.substr(kPrefix.size()));
}

}  // namespace upi::ledger::events
