#include "ledger/event_store_contract.h"

#include "ledger/counters.h"

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

NewEvent charged(const std::string& type, std::int64_t delta, std::optional<std::int64_t> max) {
  NewEvent e = event(type, 0);
  e.metadata.charges.push_back({"held_paise/BANK", delta, max});
  return e;
}

TEST_P(EventStoreContract, RefusesAnAppendWhoseChargePassesItsMaxAndWritesNothingOfIt) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  auto run_blocking = [&](auto op) { return run_on(fixture->io(), std::move(op)); };
  ASSERT_TRUE(run_blocking(store->append("a", kNoStream, {charged("Hold", 60, 100)})).has_value());
  // Two events of one append: the second would pass the max, so neither is written.
  auto over = run_blocking(
      store->append("b", kNoStream, {charged("Hold", 30, 100), charged("Hold", 20, 100)}));
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code, "LIMIT_EXCEEDED");
  EXPECT_EQ(over.error().kind, ErrorKind::kConflict);
  EXPECT_NE(over.error().message.find("held_paise/BANK"), std::string::npos);
  EXPECT_TRUE(run_blocking(store->read_stream("b", 1, 10)).value().empty());
  EXPECT_EQ(run_blocking(store->read_all(0, 10)).value().size(), 1u);
  // Exactly up to the max is allowed; a release (negative) is never refused and frees room.
  ASSERT_TRUE(run_blocking(store->append("b", kNoStream, {charged("Hold", 40, 100)})).has_value());
  ASSERT_FALSE(run_blocking(store->append("c", kNoStream, {charged("Hold", 1, 100)})).has_value());
  ASSERT_TRUE(run_blocking(store->append("a", 1, {charged("Release", -60, std::nullopt)})));
  ASSERT_TRUE(run_blocking(store->append("c", kNoStream, {charged("Hold", 60, 100)})).has_value());
  // The charges are recorded with their events, under the hash chain.
  const auto all = run_blocking(store->read_all(0, 10)).value();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].metadata.charges, charged("Release", -60, std::nullopt).metadata.charges);
  EXPECT_TRUE(verify_chain(all).problem.empty());
  Counters folded;
  for (const auto& e : all) folded.apply(e.metadata);
  EXPECT_EQ(folded.value("held_paise/BANK"), 100);
}

TEST_P(EventStoreContract, ChargesMadeAtOnceNeverPassTheirMax) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  // 40 appends of 7 against a max of 100 arrive together (one group commit, or several): 14
  // are written, whatever the interleaving, and the rest are refused.
  std::vector<std::future<Result<AppendResult>>> appends;
  for (int i = 0; i < 40; ++i) {
    appends.push_back(asio::co_spawn(
        fixture->io(),
        store->append("s-" + std::to_string(i), kNoStream, {charged("Hold", 7, 100)}),
        asio::use_future));
  }
  ASSERT_TRUE(run_until_ready(fixture->io(), appends, std::chrono::seconds(30)));
  int written = 0;
  for (auto& f : appends) {
    auto r = f.get();
    if (r) {
      ++written;
    } else {
      EXPECT_EQ(r.error().code, "LIMIT_EXCEEDED");
    }
  }
  EXPECT_EQ(written, 14);
  const auto all = run_on(fixture->io(), store->read_all(0, 100)).value();
  EXPECT_EQ(all.size(), 14u);
}

TEST_P(EventStoreContract, RejectsMalformedCharges) {
  UPI_CONTRACT_FIXTURE();
  auto* store = &fixture->store();
  auto run_blocking = [&](auto op) { return run_on(fixture->io(), std::move(op)); };
  for (const CounterCharge& bad :
       {CounterCharge{"", 1, std::nullopt}, CounterCharge{"x", 0, 5}, CounterCharge{"x", 1, -1},
        CounterCharge{std::string(129, 'x'), 1, std::nullopt}}) {
    NewEvent e = event("A", 1);
    e.metadata.charges.push_back(bad);
    EXPECT_EQ(run_blocking(store->append("s", kNoStream, {e})).error().code, "INVALID_APPEND");
  }
  EXPECT_TRUE(run_blocking(store->read_all(0, 100)).value().empty());
}

}  // namespace
}  // namespace upi::ledger
