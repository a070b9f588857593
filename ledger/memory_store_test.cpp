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

TEST(MemoryStore, ReadsBackAcrossSegmentsWithAnIntactChain) {
  MemoryStore store(system_clock);
  constexpr int kEvents = 9'000;  // more than two segments of the index
  for (int i = 0; i < kEvents; ++i) {
    const std::string stream = "payment-pay_" + std::to_string(i % 700);
    Metadata m{"pay_" + std::to_string(i % 700), stream + "@1", i % 700 == 0 ? "key" : "",
               "node-0"};
    ASSERT_TRUE(store.append_now(stream, kAnyVersion, {NewEvent{"E", {{"n", i}, {"s", "x"}}, m}})
                    .has_value());
  }
  ChainVerifier verifier;
  for (std::int64_t after = 0; after < kEvents; after += kReadLimitMax) {
    for (const auto& e : store.read_all_now(after, kReadLimitMax)) ASSERT_TRUE(verifier.feed(e));
  }
  EXPECT_EQ(verifier.report().events_checked, kEvents);
  const auto stream = store.read_stream_now("payment-pay_5", 1, 100);
  ASSERT_EQ(stream.size(), 13u);  // i = 5, 705, ..., 8405
  EXPECT_EQ(stream[12].data.at("n").as_int64(), 8'405);
  EXPECT_EQ(stream[12].metadata.correlation_id, "pay_5");
  EXPECT_EQ(stream[12].metadata.causation_id, "payment-pay_5@1");
  EXPECT_EQ(stream[12].metadata.node_id, "node-0");
}

TEST(MemoryStore, RefusesAppendsBeyondItsBoundsAndChangesNothing) {
  MemoryStore by_count(system_clock, MemoryStoreLimits{.events_max = 3});
  ASSERT_TRUE(
      by_count.append_now("s", kAnyVersion, {NewEvent{"E", {}, {}}, NewEvent{"E", {}, {}}}));
  auto full = by_count.append_now("s", kAnyVersion, {NewEvent{"E", {}, {}}, NewEvent{"E", {}, {}}});
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error().code, "STORE_FULL");
  EXPECT_EQ(by_count.head_position(), 2);
  EXPECT_TRUE(by_count.append_now("s", 2, {NewEvent{"E", {}, {}}}).has_value());

  MemoryStore by_bytes(system_clock, MemoryStoreLimits{.events_max = 1'000, .bytes_max = 1});
  auto refused = by_bytes.append_now("s", kAnyVersion, {NewEvent{"E", {}, {}}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "STORE_FULL");
  EXPECT_NE(refused.error().message.find("MiB"), std::string::npos);
  EXPECT_EQ(by_bytes.head_position(), 0);
}

}  // namespace
}  // namespace upi::ledger
