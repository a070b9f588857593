#include "ledger/views.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "ledger/memory_store.h"
#include "ledger/payment_events.h"
#include "ledger/projector.h"

namespace upi::ledger {
namespace {

ManualClock test_clock(1'790'000'000'000);

void requested(MemoryStore& store, const std::string& id, const std::string& payer,
               const std::string& payee, const std::string& amount) {
  events::PaymentRequested e;
  e.payment_id = id;
  e.payer_vpa = payer;
  e.payee_vpa = payee;
  e.amount = parse_money(amount).value();
  ASSERT_TRUE(store.append_now(events::payment_stream(id), kNoStream, {events::to_new_event(e, {})})
                  .has_value());
}

void then(MemoryStore& store, const std::string& id, const events::PaymentEvent& event) {
  ASSERT_TRUE(
      store.append_now(events::payment_stream(id), kAnyVersion, {events::to_new_event(event, {})})
          .has_value());
}

events::PaymentCompleted settlement(const std::string& from, const std::string& to,
                                    const std::string& rail, const std::string& amount) {
  const Paise paise = parse_money(amount).value();
  events::PaymentCompleted completed;
  completed.settlement.push_back({from, rail, "2026-11-28T12", "debit", paise});
  completed.settlement.push_back({to, rail, "2026-11-28T12", "credit", paise});
  return completed;
}

// Three payments: completed on IMPS, reversed on NEFT, failed before a rail was chosen.
void populate(MemoryStore& store) {
  requested(store, "pay_01", "alice@ok", "bob@ybl", "100.00");
  requested(store, "pay_02", "bob@ybl", "carol@ok", "60000.00");
  then(store, "pay_01", events::RailSelected{"IMPS"});
  then(store, "pay_02", events::RailSelected{"NEFT"});
  then(store, "pay_01", settlement("HDFC", "ICICI", "IMPS", "100.00"));
  requested(store, "pay_03", "alice@ok", "nobody@ok", "5.00");
  then(store, "pay_03", events::PaymentFailed{{{"VPA_NOT_FOUND", "ZH", "no such VPA"}}});
  then(store, "pay_02", events::PaymentReversed{{{"CREDIT_DECLINED", "U31", "declined"}}});
}

ReadViews fold(const MemoryStore& store) {
  ReadViews views;
  for (const auto& e : store.read_all_now(0, kReadLimitMax)) views.apply(e);
  return views;
}

TEST(ReadViews, SummarisePayments) {
  MemoryStore store(test_clock);
  populate(store);
  ReadViews views = fold(store);
  ASSERT_NE(views.payment("pay_01"), nullptr);
  EXPECT_EQ(views.payment("pay_01")->status, "COMPLETED");
  EXPECT_EQ(views.payment("pay_01")->rail, "IMPS");
  EXPECT_EQ(views.payment("pay_02")->status, "REVERSED");
  EXPECT_EQ(views.payment("pay_02")->reason->code, "CREDIT_DECLINED");
  EXPECT_EQ(views.payment("pay_03")->status, "FAILED");
  EXPECT_EQ(views.payment("pay_03")->rail, "");
  EXPECT_EQ(views.payment("pay_04"), nullptr);
  EXPECT_EQ(views.checkpoint(), 8);
}

TEST(ReadViews, ListNewestFirstWithCursorsAndFilters) {
  MemoryStore store(test_clock);
  populate(store);
  ReadViews views = fold(store);
  auto page = views.list_payments({.limit = 2});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, "pay_03");
  EXPECT_EQ(page.items[1].id, "pay_02");
  EXPECT_EQ(page.next_cursor, "pay_02");
  auto rest = views.list_payments({.limit = 2, .cursor = page.next_cursor});
  ASSERT_EQ(rest.items.size(), 1u);
  EXPECT_EQ(rest.items[0].id, "pay_01");
  EXPECT_EQ(rest.next_cursor, "");
  auto alice = views.list_payments({.vpa = "alice@ok", .limit = 10});
  ASSERT_EQ(alice.items.size(), 2u);
  EXPECT_EQ(alice.items[0].id, "pay_03");
  auto failed = views.list_payments({.status = "FAILED", .limit = 10});
  ASSERT_EQ(failed.items.size(), 1u);
  auto bob_completed = views.list_payments({.vpa = "bob@ybl", .status = "COMPLETED", .limit = 1});
  ASSERT_EQ(bob_completed.items.size(), 1u);
  EXPECT_EQ(bob_completed.items[0].id, "pay_01");
  auto imps = views.list_payments({.rail = "IMPS", .limit = 10});
  ASSERT_EQ(imps.items.size(), 1u);
  EXPECT_EQ(imps.items[0].id, "pay_01");
  EXPECT_TRUE(views.list_payments({.rail = "RTGS", .limit = 10}).items.empty());
  auto reversed_neft = views.list_payments({.status = "REVERSED", .rail = "NEFT", .limit = 10});
  ASSERT_EQ(reversed_neft.items.size(), 1u);
  EXPECT_EQ(reversed_neft.items[0].id, "pay_02");
  EXPECT_TRUE(
      views.list_payments({.status = "COMPLETED", .rail = "NEFT", .limit = 10}).items.empty());
}

TEST(ReadViews, PositionsAreDoubleEntry) {
  MemoryStore store(test_clock);
  populate(store);
  ReadViews views = fold(store);
  auto hdfc = views.positions("HDFC");
  ASSERT_EQ(hdfc.size(), 1u);
  EXPECT_EQ(hdfc[0].net(), -10000);
  EXPECT_EQ(views.positions("ICICI")[0].net(), 10000);
  EXPECT_TRUE(views.positions("SBI").empty());
  EXPECT_EQ(views.positions_total(), 0);
  EXPECT_EQ(views.rail_stats().at("IMPS").completed_volume, 10000);
  EXPECT_EQ(views.rail_stats().at("NEFT").payments_by_status.at("REVERSED"), 1);
  EXPECT_EQ(views.rail_stats().at("NONE").payments_by_status.at("FAILED"), 1);
}

TEST(Projector, CatchesUpLiveAndMatchesARebuildFromZero) {
  MemoryStore store(test_clock);
  populate(store);  // before the projector starts: it must catch up from position 0
  asio::io_context io;
  MemoryViewStore live;
  Projector projector(io, store, live);
  projector.start();
  requested(store, "pay_04", "carol@ok", "alice@ok", "250000.00");
  then(store, "pay_04", events::RailSelected{"RTGS"});
  then(store, "pay_04", settlement("SBI", "HDFC", "RTGS", "250000.00"));
  auto caught_up =
      asio::co_spawn(io, projector.wait_for(11, std::chrono::seconds(5)), asio::use_future);
  auto too_far =
      asio::co_spawn(io, projector.wait_for(12, std::chrono::milliseconds(50)), asio::use_future);
  io.run();
  EXPECT_TRUE(caught_up.get());
  EXPECT_FALSE(too_far.get());
  EXPECT_EQ(to_json(live.views().snapshot()), to_json(fold(store).snapshot()));
  EXPECT_EQ(live.views().positions_total(), 0);
}

TEST(ReadViews, AListLooksAtBoundedlyManyPaymentsAndGoesOnFromItsCursor) {
  MemoryStore store(test_clock);
  requested(store, "pay_00000", "alice@ok", "bob@ybl", "1.00");
  then(store, "pay_00000", events::PaymentFailed{{{"VPA_NOT_FOUND", "ZH", "no such VPA"}}});
  const int newer = static_cast<int>(kListExaminedMax) + 500;
  ReadViews views = fold(store);
  for (int i = 1; i <= newer; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "pay_%05d", i);
    requested(store, id, "alice@ok", "bob@ybl", "1.00");
  }
  for (const auto& e : store.read_all_now(views.checkpoint(), kReadLimitMax)) views.apply(e);
  for (const auto& e : store.read_all_now(views.checkpoint(), kReadLimitMax)) views.apply(e);
  ASSERT_EQ(views.checkpoint(), newer + 2);
  EXPECT_EQ(views.pending_payments("", 5).front().id, "pay_00001");  // the failed one is not
  EXPECT_EQ(views.pending_payments("pay_00001", 5).front().id, "pay_00002");
  EXPECT_EQ(views.pending_payments("pay_00001", 5).size(), 5u);

  for (const std::string vpa : {"", "bob@ybl"}) {
    ListQuery query{.vpa = vpa, .status = "FAILED", .limit = 10};
    PaymentPage first = views.list_payments(query);
    EXPECT_TRUE(first.items.empty());
    ASSERT_FALSE(first.next_cursor.empty()) << "a short page still says where to go on";
    query.cursor = first.next_cursor;
    PaymentPage second = views.list_payments(query);
    ASSERT_EQ(second.items.size(), 1u) << vpa;
    EXPECT_EQ(second.items[0].id, "pay_00000");
    EXPECT_TRUE(second.next_cursor.empty());
  }
}

}  // namespace
}  // namespace upi::ledger
