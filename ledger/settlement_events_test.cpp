#include "ledger/settlement_events.h"

#include <gtest/gtest.h>

#include "tests/event_catalogue.h"

namespace upi::ledger::events {
namespace {

RecordedEvent recorded(const SettlementEvent& event) {
  const NewEvent e = to_new_event(event, "node-1");
  RecordedEvent out;
  out.stream = std::string(kSettlementStream);
  out.type = e.type;
  out.data = e.data;
  return out;
}

TEST(SettlementEvents, RoundTripThroughTheirJsonWithZeroTotals) {
  const SettlementCycleClosed closed{
      3, 41, 2, 1, 130, {{"HDFC", "IMPS", 100, 30, 1, 1}, {"SBI", "IMPS", 0, 70, 0, 1}}};
  for (const SettlementEvent& event :
       {SettlementEvent{SettlementCutOff{3, 1'000, "ADMIN", "admin-1"}}, SettlementEvent{closed}}) {
    auto decoded = decode_settlement(recorded(event));
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    EXPECT_EQ(encode(*decoded), encode(event));
  }
  RecordedEvent broken = recorded(SettlementEvent{closed});
  broken.data["banks"].as_array()[0].as_object()["debits"] = "-1.00";
  EXPECT_EQ(decode_settlement(broken).error().code, "INVALID_EVENT");
  broken.type = "PaymentCompleted";
  EXPECT_FALSE(decode_settlement(broken).has_value());
}

TEST(SettlementEvents, SpecsEventsMdListsExactlyTheirTypesAndFields) {
  std::map<std::string, std::set<std::string>> in_code;
  for (std::string_view type : settlement_types()) {
    const auto names = settlement_field_names(type);
    in_code[std::string(type)] = {names.begin(), names.end()};
  }
  EXPECT_EQ(testing::catalogue_table("| settlement event | data fields |"), in_code);
}

}  // namespace
}  // namespace upi::ledger::events
