#include "ledger/memory_store.h"

#include "ledger/event_store_contract.h"

namespace upi::ledger {
namespace {

SystemClock system_clock;

struct MemoryFixture : StoreFixture {
  asio::io_context io_context;
  MemoryStore memory{system_clock};
  EventStore& store() override { return memory; }
  asio::io_context& io() override { return io_context; }
};

INSTANTIATE_TEST_SUITE_P(Memory, EventStoreContract, ::testing::Values(StoreFactory([] {
                           return std::unique_ptr<StoreFixture>(new MemoryFixture);
                         })),
                         [](const auto&) { return std::string("memory"); });

TEST(MemoryStore, VerifyFindsTheFirstTamperedEvent) {
  MemoryStore store(system_clock);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store.append_now("s", kAnyVersion, {NewEvent{"E", {{"n", i}}, {}}}).has_value());
  }
  EXPECT_EQ(verify_chain(store.read_all_now(0, 100)).events_checked, 10);
  store.tamper_for_test(4, json::object{{"n", 999}});
  auto report = verify_chain(store.read_all_now(0, 100));
  EXPECT_EQ(report.first_broken_position, 4);
  EXPECT_EQ(report.problem, "hash does not match the event's contents");
  EXPECT_EQ(report.events_checked, 3);
}

TEST(MemoryStore, VerifyNoticesAMissingEvent) {
  MemoryStore store(system_clock);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store.append_now("s", kAnyVersion, {NewEvent{"E", {{"n", i}}, {}}}).has_value());
  }
  auto events = store.read_all_now(0, 100);
  events.erase(events.begin() + 2);
  EXPECT_EQ(verify_chain(events).first_broken_position, 3);
}

}  // namespace
}  // namespace upi::ledger
