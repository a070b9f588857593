#include "ledger/payment_events.h"

#include <gtest/gtest.h>

#include <set>

namespace upi::ledger::events {
namespace {

// Gives every field of an event a distinct, valid value, so a round trip that drops or swaps a
// field shows.
struct Filler {
  int n = 0;
  std::string next(std::string_view key) { return std::string(key) + "-" + std::to_string(++n); }
  void operator()(std::string_view key, std::string& text) { text = next(key); }
  void operator()(std::string_view, std::int64_t& number) { number = 100 + ++n; }
  void operator()(std::string_view, bool& flag) { flag = ++n % 2 == 0; }
  void operator()(std::string_view, std::vector<SettlementLeg>& legs) {
    legs = {{"HDFC", "IMPS", "2026-11-29T07", "debit", 123'45},
            {"ICICI", "IMPS", "2026-11-29T07", "credit", 123'45}};
  }
  void money(std::string_view, Paise& amount) { amount = 1'000 + ++n; }
  void optional(std::string_view key, std::string& text) { text = next(key); }
  template <class Part>
  void inline_fields(Part& part) {
    Part::fields(part, *this);
  }
};

template <class Event>
Event filled() {
  Event e;
  Filler filler;
  Event::fields(e, filler);
  return e;
}

template <std::size_t... I>
std::vector<PaymentEvent> one_of_each(std::index_sequence<I...>) {
  return {PaymentEvent{filled<std::variant_alternative_t<I, PaymentEvent>>()}...};
}

std::vector<PaymentEvent> samples() {
  return one_of_each(std::make_index_sequence<std::variant_size_v<PaymentEvent>>());
}

TEST(PaymentEvents, EveryTypeRoundTripsThroughItsJson) {
  const auto all = samples();
  ASSERT_EQ(all.size(), all_types().size());
  for (const auto& event : all) {
    const json::object data = encode(event);
    auto decoded = decode(type_of(event), data);
    ASSERT_TRUE(decoded.has_value()) << type_of(event) << ": " << decoded.error().message;
    EXPECT_EQ(type_of(*decoded), type_of(event));
    EXPECT_EQ(encode(*decoded), data) << type_of(event);
  }
}

TEST(PaymentEvents, FieldNamesAreExactlyTheKeysEncodeWrites) {
  for (const auto& event : samples()) {
    std::set<std::string> keys;
    for (const auto& [key, value] : encode(event)) keys.emplace(key);
    const auto names = field_names(type_of(event));
    EXPECT_EQ(keys, std::set<std::string>(names.begin(), names.end())) << type_of(event);
  }
}

TEST(PaymentEvents, DecodeRefusesAMissingOrMistypedFieldNamingIt) {
  for (const auto& event : samples()) {
    const json::object data = encode(event);
    for (const auto& [key, value] : data) {
      if (type_of(event) == StatusChecked::kType && key == "detail") continue;  // optional
      if (type_of(event) == PaymentRequested::kType && key == "requested_by") continue;
      json::object missing = data;
      missing.erase(key);
      auto refused = decode(type_of(event), missing);
      ASSERT_FALSE(refused.has_value()) << type_of(event) << " without " << key;
      EXPECT_EQ(refused.error().code, "INVALID_EVENT");
      EXPECT_NE(refused.error().message.find(std::string(key)), std::string::npos)
          << refused.error().message;
      json::object mistyped = data;
      mistyped[key] = nullptr;
      EXPECT_FALSE(decode(type_of(event), mistyped).has_value()) << type_of(event) << " " << key;
    }
  }
}

TEST(PaymentEvents, DecodeRefusesBadAmountsAndUnknownTypesButIgnoresExtraFields) {
  PaymentRequested requested = filled<PaymentRequested>();
  json::object data = encode(requested);
  data["amount"] = "12.345";
  EXPECT_FALSE(decode(PaymentRequested::kType, data).has_value());
  data["amount"] = "0.00";
  EXPECT_FALSE(decode(PaymentRequested::kType, data).has_value());
  data = encode(requested);
  data["added_later"] = "ignored";
  EXPECT_TRUE(decode(PaymentRequested::kType, data).has_value());
  EXPECT_EQ(decode("PaymentTeleported", data).error().code, "INVALID_EVENT");
}

TEST(PaymentEvents, StreamNamesAndIdsGoBothWays) {
  EXPECT_EQ(payment_stream("pay_1"), "payment-pay_1");
  EXPECT_EQ(payment_id_of_stream("payment-pay_1"), "pay_1");
  EXPECT_EQ(saga_stream("pay_1"), "payment-pay_1");
  EXPECT_EQ(saga_stream("rfd_1"), "refund-rfd_1");
  EXPECT_EQ(payment_id_of_stream("refund-rfd_1"), "rfd_1");
  EXPECT_EQ(payment_id_of_stream("settlement"), "");
}

}  // namespace
}  // namespace upi::ledger::events
