#include "ledger/collect_events.h"

#include <gtest/gtest.h>

#include "tests/event_catalogue.h"

namespace upi::ledger::events {
namespace {

RecordedEvent recorded(const CollectEvent& event, std::int64_t version) {
  const NewEvent e = to_new_event(event, "col_1", "bob@ybl", 5, "node-1");
  RecordedEvent out;
  out.stream = collect_stream("col_1");
  out.type = e.type;
  out.data = e.data;
  out.metadata = e.metadata;
  out.version = version;
  out.position = 10 + version;
  out.recorded_at_ms = 1'000 * version;
  return out;
}

TEST(CollectEvents, RoundTripAndChargeThePayeesPendingCounter) {
  const CollectRequested requested{"col_1", "bob@ybl", "alice@okaxis", 150'00, "dinner",
                                   60'000,  "h",       "psp-ybl"};
  for (const CollectEvent& event :
       {CollectEvent{requested}, CollectEvent{CollectApproved{"pay_1", "psp-okaxis"}},
        CollectEvent{CollectDeclined{"psp-okaxis", {"COLLECT_DECLINED", "ZA", "no"}}},
        CollectEvent{CollectExpired{{"COLLECT_EXPIRED", "U69", "late"}}}}) {
    const RecordedEvent e = recorded(event, 1);
    auto decoded = decode_collect(e);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    EXPECT_EQ(encode(*decoded), encode(event));
    ASSERT_EQ(e.metadata.charges.size(), 1u);
    EXPECT_EQ(e.metadata.charges[0].counter, "collect_pending/bob@ybl");
    const bool opens = std::holds_alternative<CollectRequested>(event);
    EXPECT_EQ(e.metadata.charges[0].delta, opens ? 1 : -1);
    EXPECT_EQ(e.metadata.charges[0].max.has_value(), opens);
  }
  EXPECT_EQ(collect_id_of_stream("collect-col_1"), "col_1");
  EXPECT_EQ(collect_id_of_stream("payment-pay_1"), "");
  RecordedEvent broken = recorded(CollectEvent{requested}, 1);
  broken.data["amount"] = "-1.00";
  EXPECT_EQ(decode_collect(broken).error().code, "INVALID_EVENT");
}

TEST(CollectEvents, ARequestFoldsToOneEnding) {
  CollectRequest r;
  fold_collect_event(r, recorded(CollectEvent{CollectRequested{"col_1", "bob@ybl", "alice@okaxis",
                                                               150'00, "", 60'000, "h", "p"}},
                                 1));
  EXPECT_TRUE(r.pending());
  EXPECT_EQ(r.first_position, 11);
  fold_collect_event(r, recorded(CollectEvent{CollectApproved{"pay_1", "psp-okaxis"}}, 2));
  EXPECT_EQ(r.status, kCollectApproved);
  EXPECT_EQ(r.payment_id, "pay_1");
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(r.updated_at_ms, 2'000);
}

TEST(CollectEvents, SpecsEventsMdListsExactlyTheirTypesAndFields) {
  std::map<std::string, std::set<std::string>> in_code;
  for (std::string_view type : collect_types()) {
    const auto names = collect_field_names(type);
    in_code[std::string(type)] = {names.begin(), names.end()};
  }
  EXPECT_EQ(testing::catalogue_table("| collect event | data fields |"), in_code);
}

}  // namespace
}  // namespace upi::ledger::events
