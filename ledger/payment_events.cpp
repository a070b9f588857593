#include "ledger/payment_events.h"

#include <cassert>

#include "common/clock.h"
#include "common/ids.h"
#include "ledger/event_fields.h"

namespace upi::ledger {

Reason reason_of(ReasonCode code, std::string message) {
  const ReasonInfo& info = reason_info(code);
  return Reason{std::string(info.code), std::string(info.upi_code), std::move(message)};
}

}  // namespace upi::ledger

namespace upi::ledger::events {

std::vector<std::string_view> all_types() {
  return variant_type_names<PaymentEvent>();
}

std::vector<std::string> field_names(std::string_view type) {
  return variant_field_names<PaymentEvent>(type);
}

std::string_view type_of(const PaymentEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, event);
}

json::object encode(const PaymentEvent& event) {
  return std::visit([](const auto& e) { return encode_fields(e); }, event);
}

Result<PaymentEvent> decode(std::string_view type, const json::object& data) {
  return decode_variant<PaymentEvent>(type, data, "payment");
}

Result<PaymentEvent> decode(const RecordedEvent& event) {
  return decode_variant<PaymentEvent>(event.type, event.data, "payment");
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
