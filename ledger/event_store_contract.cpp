#include "ledger/event_store_contract.h"

namespace upi::ledger {
namespace {

NewEvent event(const std::string& type, int n) {
  return NewEvent{type, json::object{{"n", n}}, Metadata{"corr", "cause", "", "node-1"}};
}

TEST_P(EventStoreContract, AppendsAndReadsAStream) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  auto run_blocking = [&](auto op) { return run_on(fixture->io(), std::move(op)); };
  auto first = run_blocking(store->append("s-1", kNoStream, {event("A", 1), event("B", 2)}));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->first_position, 1);
  EXPECT_EQ(first->last_position, 2);
  EXPECT_EQ(first->stream_version, 2);
  auto events = run_blocking(store->read_stream("s-1", 1, 100)).value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "A");
  EXPECT_EQ(events[1].version, 2);
  EXPECT_EQ(events[1].data.at("n").as_int64(), 2);
  EXPECT_EQ(events[1].metadata.correlation_id, "corr");
  EXPECT_EQ(run_blocking(store->read_stream("s-1", 2, 100)).value().size(), 1u);
  EXPECT_TRUE(run_blocking(store->read_stream("nope", 1, 100)).value().empty());
}

TEST_P(EventStoreContract, RejectsAWrongExpectedVersionAndChangesNothing) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  auto run_blocking = [&](auto op) { return run_on(fixture->io(), std::move(op)); };
  ASSERT_TRUE(run_blocking(store->append("s-1", kNoStream, {event("A", 1)})).has_value());
  auto stale = run_blocking(store->append("s-1", kNoStream, {event("B", 2)}));
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, "VERSION_CONFLICT");
  auto ahead = run_blocking(store->append("s-1", 5, {event("B", 2)}));
  ASSERT_FALSE(ahead.has_value());
  EXPECT_EQ(run_blocking(store->read_all(0, 100)).value().size(), 1u);
  EXPECT_TRUE(run_blocking(store->append("s-1", 1, {event("B", 2)})).has_value());
  EXPECT_TRUE(run_blocking(store->append("s-1", kAnyVersion, {event("C", 3)})).has_value());
  EXPECT_EQ(run_blocking(store->read_stream("s-1", 1, 100)).value().size(), 3u);
}

TEST_P(EventStoreContract, RejectsMalformedAppends) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  auto run_blocking = [&](auto op) { return run_on(fixture->io(), std::move(op)); };
  EXPECT_EQ(run_blocking(store->append("", kNoStream, {event("A", 1)})).error().code,
            "INVALID_APPEND");
  EXPECT_EQ(run_blocking(store->append("s", kNoStream, {})).error().code, "INVALID_APPEND");
  EXPECT_EQ(run_blocking(store->append("s", kNoStream, {event("", 1)})).error().code,
            "INVALID_APPEND");
  EXPECT_TRUE(run_blocking(store->read_all(0, 100)).value().empty());
}

TEST_P(EventStoreContract, GlobalLogIsGapFreeInterleavedAndChained) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  auto run_blocking = [&](auto op) { return run_on(fixture->io(), std::move(op)); };
  for (int i = 0; i < 50; ++i) {
    const std::string stream = "s-" + std::to_string(i % 7);
    ASSERT_TRUE(run_blocking(store->append(stream, kAnyVersion, {event("E", i)})).has_value());
  }
  auto all = run_blocking(store->read_all(0, 1000)).value();
  ASSERT_EQ(all.size(), 50u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].position, static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ(all[i].data.at("n").as_int64(), static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(all[0].prev_hash, kGenesisHash);
  EXPECT_FALSE(verify_chain(all).first_broken_position.has_value());
  auto page = run_blocking(store->read_all(45, 3)).value();
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].position, 46);
  auto s3 = run_blocking(store->read_stream("s-3", 1, 100)).value();
  for (std::size_t v = 0; v < s3.size(); ++v)
    EXPECT_EQ(s3[v].version, static_cast<std::int64_t>(v) + 1);
}

TEST_P(EventStoreContract, ReadsAStreamLongerThanOnePage) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  auto run_blocking = [&](auto op) { return run_on(fixture->io(), std::move(op)); };
  std::int64_t version = kNoStream;
  while (version < static_cast<std::int64_t>(kReadLimitMax) + 100) {
    std::vector<NewEvent> batch;
    for (std::size_t i = 0; i < kAppendEventsMax; ++i) batch.push_back(event("E", 0));
    auto appended = run_blocking(store->append("long", version, std::move(batch)));
    ASSERT_TRUE(appended.has_value());
    version = appended->stream_version;
  }
  auto all = run_blocking(read_whole_stream(*store, "long"));
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(static_cast<std::int64_t>(all->size()), version);
  EXPECT_EQ(all->back().version, version);
  EXPECT_EQ(run_blocking(store->read_stream("long", 1, kReadLimitMax + 5)).value().size(),
            kReadLimitMax);
}

TEST_P(EventStoreContract, WakesSubscribersAfterEachCommit) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  auto run_blocking = [&](auto op) { return run_on(fixture->io(), std::move(op)); };
  // A wake-up is a hint to re-read, not a delivery: a store may send more than one.
  std::vector<std::int64_t> woken;
  store->on_commit([&](std::int64_t position) { woken.push_back(position); });
  ASSERT_TRUE(
      run_blocking(store->append("s", kNoStream, {event("A", 1), event("B", 2)})).has_value());
  ASSERT_NE(std::find(woken.begin(), woken.end(), 2), woken.end());
  ASSERT_TRUE(run_blocking(store->append("s", 2, {event("C", 3)})).has_value());
  EXPECT_NE(std::find(woken.begin(), woken.end(), 3), woken.end());
}

}  // namespace
}  // namespace upi::ledger
