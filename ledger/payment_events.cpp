#include "ledger/payment_events.h"

#include <cassert>

#include "common/clock.h"
#include "common/ids.h"
#include "ledger/event_fields.h"

namespace upi::ledger::events {
namespace {

template <std::size_t I = 0>
Result<PaymentEvent> decode_as(std::string_view type, const json::object& data) {
  if constexpr (I == std::variant_size_v<PaymentEvent>) {
    return std::unexpected(invalid_event(type, "not a payment event type"));
  } else {
    using Event = std::variant_alternative_t<I, PaymentEvent>;
    if (type != Event::kType) return decode_as<I + 1>(type, data);
    auto event = decode_fields<Event>(data);
    if (!event) return std::unexpected(event.error());
    return PaymentEvent{std::move(*event)};
  }
}

template <std::size_t I = 0>
void list_fields(std::string_view type, std::vector<std::string>& out) {
  if constexpr (I < std::variant_size_v<PaymentEvent>) {
    using Event = std::variant_alternative_t<I, PaymentEvent>;
    if (type != Event::kType) return list_fields<I + 1>(type, out);
    out = names_of<Event>();
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

std::string saga_stream(std::string_view saga_id) {
  return saga_id.starts_with(kRefundIdPrefix) ? refund_stream(saga_id) : payment_stream(saga_id);
}

std::string payment_id_of_stream(std::string_view stream) {
  for (std::string_view prefix : {"payment-", "refund-"}) {
    if (stream.starts_with(prefix)) return std::string(stream.substr(prefix.size()));
  }
  return "";
}

std::string neft_batch_id(std::int64_t at_ms) {
  return "NEFT-" + format_timestamp(at_ms).substr(0, 19) + "Z";
}

}  // namespace upi::ledger::events
