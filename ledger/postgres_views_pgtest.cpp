// The read views in PostgreSQL against a real server: two nodes' projectors folding one log
// concurrently give exactly the rows the memory views give, and a rebuild from zero gives
// them again.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <random>

#include "common/run_blocking.h"
#include "ledger/payment_events.h"
#include "ledger/postgres_store.h"
#include "ledger/postgres_views.h"
#include "ledger/projector.h"
#include "ledger/settlement_events.h"

namespace upi::ledger {
namespace {

SystemClock system_clock;

const char* database_url() {
  const char* url = std::getenv("UPI_TEST_DATABASE_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

events::PaymentCompleted settlement(const std::string& from, const std::string& to,
                                    const std::string& rail, const std::string& amount) {
  const Paise paise = parse_money(amount).value();
  const std::string window = "2026-11-28T1" + std::to_string(amount.size() % 3);
  events::PaymentCompleted completed;
  completed.settlement.push_back({from, rail, window, "debit", paise});
  completed.settlement.push_back({to, rail, window, "credit", paise});
  return completed;
}

struct Side {
  std::string vpa, bank;
};

// A completed refund of half of payment id (the i-th), as the saga writes one: its payee pays
// its payer back.
std::pair<std::string, std::vector<NewEvent>> refund_of(const std::string& payment_id, int i,
                                                        Paise paid, const Side& payer,
                                                        const Side& payee) {
  char id[32];
  std::snprintf(id, sizeof id, "rfd_%016x", i + 1);
  const Paise amount = paid / 2;
  Metadata meta{id, "", "", "node-2"};
  Metadata charged = meta;
  charged.charges.push_back({events::refunded_counter(payment_id), amount, paid});
  std::vector<NewEvent> events;
  events.push_back(events::to_new_event(
      events::RefundRequested{id, payment_id, amount, paid, "back", "h", "psp-1"}, charged));
  events.push_back(events::to_new_event(
      events::PayerResolved{{{payee.vpa, "Q", payee.bank, "2002", "ybl"}}}, meta));
  events.push_back(events::to_new_event(
      events::PayeeResolved{{{payer.vpa, "P", payer.bank, "1001", "ok"}}}, meta));
  events.push_back(events::to_new_event(events::RailSelected{"IMPS"}, meta));
  const std::string prefix(id);
  events.push_back(events::to_new_event(
      events::DebitRequested{{prefix + ":debit:1", payee.bank, "2002", amount}}, meta));
  events.push_back(events::to_new_event(
      events::CreditRequested{{prefix + ":credit:1", payer.bank, "1001", amount}}, meta));
  events.push_back(
      events::to_new_event(settlement(payee.bank, payer.bank, "IMPS", format_money(amount)), meta));
  return {id, std::move(events)};
}

json::value ids_json(const std::vector<std::string>& ids) {
  json::array out;
  for (const auto& id : ids) out.push_back(json::value(id));
  return out;
}

// Collect requests as the switch writes them: pending (some past their expiry at 5'000),
// approved (some naming a payment the log never gets), declined and expired.
std::vector<std::pair<std::string, std::vector<NewEvent>>> collect_requests(int n) {
  std::vector<std::pair<std::string, std::vector<NewEvent>>> out;
  for (int i = 0; i < n; ++i) {
    char id[32], payment[32];
    std::snprintf(id, sizeof id, "col_%016x", i + 1);
    std::snprintf(payment, sizeof payment, "pay_%016x", i % 2 == 0 ? i + 1 : 0x7000 + i);
    const std::string payee = i % 3 == 0 ? "bob@ybl" : "carol@ok";
    std::vector<NewEvent> events;
    events.push_back(events::to_new_event(
        events::CollectRequested{id, payee, "alice@ok", 100 + i, "c", 1'000 * (i % 10), "h", "p"},
        id, payee, 1'000, "node-1"));
    switch (i % 5) {
      case 1:
        events.push_back(events::to_new_event(events::CollectApproved{payment, "payer-psp"}, id,
                                              payee, 0, "node-2"));
        break;
      case 2:
        events.push_back(events::to_new_event(
            events::CollectDeclined{"payer-psp", {"COLLECT_DECLINED", "ZA", "no"}}, id, payee, 0,
            "node-1"));
        break;
      case 3:
        events.push_back(events::to_new_event(
            events::CollectExpired{{"COLLECT_EXPIRED", "U69", "late"}}, id, payee, 0, "node-2"));
        break;
      default:
        break;  // pending
    }
    out.emplace_back(id, std::move(events));
  }
  return out;
}

// A seeded mix of payments (and refunds of some completed ones): completed, failed before or after
// a rail, reversed, taken over by another node, and some left pending. Each entry is one payment's
// events in order.
std::vector<std::pair<std::string, std::vector<NewEvent>>> payments(std::uint64_t seed, int n) {
  const std::vector<std::string> vpas{"alice@ok", "bob@ybl", "carol@ok", "dave@paytm"};
  const std::vector<std::string> banks{"HDFC", "ICICI", "SBI"};
  const std::vector<std::string> rails{"IMPS", "NEFT", "RTGS"};
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::string, std::vector<NewEvent>>> out;
  for (int i = 0; i < n; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "pay_%016x", i + 1);
    const std::string payer = vpas[rng() % vpas.size()], payee = vpas[rng() % vpas.size()];
    const std::string amount = std::to_string(1 + rng() % 90'000) + ".0" + std::to_string(i % 10);
    Metadata by_node_1{id, "", "", "node-1"};
    Metadata by_node_2{id, "", "", "node-2"};
    std::vector<NewEvent> events;
    events::PaymentRequested requested;
    requested.payment_id = id;
    requested.payer_vpa = payer;
    requested.payee_vpa = payee;
    requested.amount = parse_money(amount).value();
    requested.note = "n" + std::to_string(i);
    events.push_back(events::to_new_event(requested, by_node_1));
    const int fate = static_cast<int>(rng() % 6);
    if (fate == 0) {
      events.push_back(
          events::to_new_event(events::PaymentFailed{{{"VPA_NOT_FOUND", "ZH", "x"}}}, by_node_1));
    } else {
      const std::string rail = rails[rng() % rails.size()];
      const std::string payer_bank = banks[rng() % banks.size()];
      const std::string payee_bank = banks[rng() % banks.size()];
      const Paise paise = requested.amount;
      // Charges as the saga makes them, so that the counters fold too.
      auto charged = [](Metadata meta, const std::string& bank, Paise delta) {
        meta.charges.push_back({events::net_debit_counter(bank), delta, std::nullopt});
        return meta;
      };
      const std::string debit_leg = std::string(id) + ":debit:1";
      events.push_back(events::to_new_event(
          events::PayerResolved{{{payer, "P", payer_bank, "1001", "ok"}}}, by_node_1));
      events.push_back(events::to_new_event(
          events::PayeeResolved{{{payee, "Q", payee_bank, "2002", "ybl"}}}, by_node_1));
      events.push_back(events::to_new_event(events::RailSelected{rail}, by_node_1));
      events.push_back(
          events::to_new_event(events::DebitRequested{{debit_leg, payer_bank, "1001", paise}},
                               charged(by_node_1, payer_bank, paise)));
      if (fate == 1) {
        events.push_back(events::to_new_event(events::SagaResumed{"node-1"}, by_node_2));
      }
      if (fate <= 3) {
        events.push_back(events::to_new_event(
            events::CreditRequested{{std::string(id) + ":credit:1", payee_bank, "2002", paise}},
            by_node_1));
        events.push_back(
            events::to_new_event(settlement(payer_bank, payee_bank, rail, amount),
                                 charged(fate == 1 ? by_node_2 : by_node_1, payee_bank, -paise)));
      } else if (fate == 4) {
        const std::string reversal_leg = std::string(id) + ":reversal:1";
        events.push_back(
            events::to_new_event(events::ReversalSucceeded{reversal_leg, "ref", true}, by_node_1));
        events.push_back(
            events::to_new_event(events::PaymentReversed{{{"CREDIT_DECLINED", "U31", "no"}}},
                                 charged(by_node_1, payer_bank, -paise)));
      }  // fate 5: still pending
      if (fate <= 3 && rng() % 3 == 0) {
        out.emplace_back(id, std::move(events));
        out.push_back(refund_of(id, i, paise, {payer, payer_bank}, {payee, payee_bank}));
        continue;
      }
    }
    out.emplace_back(id, std::move(events));
  }
  return out;
}

// Appends every payment's events, round by round, each round's appends concurrently (so
// payments interleave in the log and group commits carry several of them).
asio::awaitable<bool> append_all(
    EventStore& store, const std::vector<std::pair<std::string, std::vector<NewEvent>>>& all) {
  auto executor = co_await asio::this_coro::executor;
  for (std::size_t round = 0; round < 9; ++round) {
    auto failures = std::make_shared<std::atomic<int>>(0);
    auto left = std::make_shared<int>(0);
    Timer done(executor, Timer::time_point::max());
    for (const auto& [id, events] : all) {
      if (round >= events.size()) continue;
      ++*left;
      std::vector<NewEvent> one{events[round]};
      asio::co_spawn(
          executor,
          [&store,
           stream = id.starts_with("col_") ? events::collect_stream(id) : events::saga_stream(id),
           one, failures, left, &done]() -> asio::awaitable<void> {
            auto r = co_await store.append(stream, kAnyVersion, one);
            if (!r) ++*failures;
            if (--*left == 0) done.cancel();
          },
          asio::detached);
    }
    if (*left > 0) co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (*failures > 0) co_return false;
    // Settlement: cycle 1 cut off after round 5; after round 6, closed and cycle 2 cut off
    // (left unclosed), so payments end in cycles 1, 2 and 3.
    std::vector<events::SettlementEvent> settlement;
    if (round == 5) settlement = {events::SettlementCutOff{1, 1'000, "ADMIN", "admin-1"}};
    if (round == 6) {
      settlement = {events::SettlementCycleClosed{1, 0, 0, 0, 0, {}},
                    events::SettlementCutOff{2, 2'000, "SCHEDULE", ""}};
    }
    for (const auto& e : settlement) {
      std::vector<NewEvent> one{events::to_new_event(e, "node-1")};
      const std::string stream(events::kSettlementStream);
      auto r = co_await store.append(stream, kAnyVersion, one);
      if (!r) co_return false;
    }
  }
  co_return true;
}

TEST(PostgresViews, TwoNodesFoldTheSameRowsAsMemoryAndARebuildGivesThemAgain) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "views" + std::to_string(::getpid());
  asio::io_context io;
  auto store =
      run_on(io, PostgresStore::open(io, system_clock, PostgresConfig{database_url(), schema}));
  ASSERT_TRUE(store.has_value()) << store.error().message;
  pg::Pool pool_1(database_url(), schema, 4, 10'000), pool_2(database_url(), schema, 4, 10'000);
  PostgresViews views_1(pool_1), views_2(pool_2);
  Projector node_1(io, **store, views_1), node_2(io, **store, views_2);
  node_1.start();
  node_2.start();
  auto all = payments(20261128, 400);
  for (auto& collect : collect_requests(60)) all.push_back(std::move(collect));
  ASSERT_TRUE(run_on(io, append_all(**store, all)));
  auto log = run_on(io, read_whole_log(**store));
  ASSERT_TRUE(log.has_value());
  const std::int64_t head = log->back().position;
  EXPECT_TRUE(run_on(io, node_1.wait_for(head, std::chrono::seconds(10))));
  EXPECT_TRUE(run_on(io, node_2.wait_for(head, std::chrono::seconds(10))));

  ReadViews memory;
  for (const auto& e : *log) memory.apply(e);
  const json::object memory_snapshot = memory.snapshot();
  // The comparison covers legs and counters only if there are some.
  EXPECT_GT(memory_snapshot.at("settlement_legs").as_array().size(), 300u);
  EXPECT_GT(memory_snapshot.at("counters").as_object().size(), 1u);
  const std::string expected = to_json(memory_snapshot);
  auto live = run_on(io, views_1.snapshot());
  ASSERT_TRUE(live.has_value()) << live.error().message;
  EXPECT_EQ(to_json(*live), expected);
  EXPECT_NE(expected.find("\"owner_node\":\"node-2\""), std::string::npos);

  // The queries the API makes agree with the memory views too.
  for (const ListQuery& q :
       {ListQuery{.limit = 7}, ListQuery{.vpa = "bob@ybl", .limit = 100},
        ListQuery{.status = "REVERSED", .limit = 3, .cursor = "pay_00000000000000f0"},
        ListQuery{.rail = "IMPS", .limit = 50},
        ListQuery{.vpa = "bob@ybl", .status = "COMPLETED", .rail = "NEFT", .limit = 100}}) {
    auto page = run_on(io, views_2.list_payments(q));
    ASSERT_TRUE(page.has_value());
    const auto want = memory.list_payments(q);
    ASSERT_EQ(page->items.size(), want.items.size());
    for (std::size_t i = 0; i < want.items.size(); ++i) {
      EXPECT_EQ(to_json(summary_to_json(page->items[i])), to_json(summary_to_json(want.items[i])));
    }
    EXPECT_EQ(page->next_cursor, want.next_cursor);
  }
  for (std::int64_t cycle : {1, 2, 3, 4}) {
    auto report = run_on(io, views_2.settlement_cycle(cycle));
    ASSERT_TRUE(report.has_value());
    const auto want = memory.cycle(cycle);
    ASSERT_EQ(report->has_value(), want.has_value()) << cycle;
    if (!want) continue;
    EXPECT_EQ(to_json(cycle_summary_to_json((*report)->summary)),
              to_json(cycle_summary_to_json(want->summary)));
    ASSERT_EQ((*report)->gross_items.size(), want->gross_items.size());
    for (std::size_t i = 0; i < want->gross_items.size(); ++i) {
      EXPECT_EQ(to_json(gross_item_to_json((*report)->gross_items[i])),
                to_json(gross_item_to_json(want->gross_items[i])));
    }
    ASSERT_EQ((*report)->rows.size(), want->rows.size());
    for (std::size_t i = 0; i < want->rows.size(); ++i) {
      EXPECT_EQ(to_json(cycle_row_to_json(cycle, (*report)->rows[i])),
                to_json(cycle_row_to_json(cycle, want->rows[i])));
    }
  }
  auto cycles = run_on(io, views_1.settlement_cycles(3, 10));
  ASSERT_TRUE(cycles.has_value());
  ASSERT_EQ(cycles->size(), 2u);
  EXPECT_EQ((*cycles)[0].cycle, 2);
  EXPECT_EQ((*cycles)[0].status, kCycleCutOff);
  EXPECT_EQ((*cycles)[1].status, kCycleClosed);
  ASSERT_TRUE(memory.cycle(3).has_value());
  EXPECT_EQ(memory.cycle(3)->summary.status, kCycleOpen);
  EXPECT_GT(memory.cycle(2)->summary.completed, 0);
  EXPECT_GT(memory.cycle(3)->summary.completed, 0);
  EXPECT_FALSE(memory.cycle(3)->gross_items.empty()) << "the mix has RTGS payments";
  // The collect queries the API and the expiry pass make agree with the memory views.
  auto read_collects = [&]() -> asio::awaitable<Result<std::vector<json::value>>> {
    std::vector<json::value> out;
    for (const CollectQuery& q :
         {CollectQuery{.limit = 7}, CollectQuery{.vpa = "bob@ybl", .limit = 100},
          CollectQuery{.handle = "ok", .status = "PENDING", .limit = 5, .before_position = 0}}) {
      auto page = co_await views_2.collects(q);
      if (!page) co_return std::unexpected(page.error());
      json::array items;
      for (const auto& c : page->items) items.push_back(collect_request_to_json(c));
      out.push_back(json::object{{"items", items}, {"next", page->next_cursor}});
    }
    auto expired = co_await views_2.collects_expired(5'000, 100);
    auto unpaid = co_await views_2.collects_unpaid(100);
    if (!expired || !unpaid) co_return std::unexpected(Error{});
    out.push_back(ids_json(*expired));
    out.push_back(ids_json(*unpaid));
    co_return out;
  };
  auto collect_answers = run_on(io, read_collects());
  ASSERT_TRUE(collect_answers.has_value());
  std::vector<json::value> want_collects;
  for (const CollectQuery& q :
       {CollectQuery{.limit = 7}, CollectQuery{.vpa = "bob@ybl", .limit = 100},
        CollectQuery{.handle = "ok", .status = "PENDING", .limit = 5, .before_position = 0}}) {
    const auto page = memory.collects(q);
    json::array items;
    for (const auto& c : page.items) items.push_back(collect_request_to_json(c));
    want_collects.push_back(json::object{{"items", items}, {"next", page.next_cursor}});
  }
  want_collects.push_back(ids_json(memory.collects_expired(5'000, 100)));
  want_collects.push_back(ids_json(memory.collects_unpaid(100)));
  ASSERT_EQ(collect_answers->size(), want_collects.size());
  for (std::size_t i = 0; i < want_collects.size(); ++i)
    EXPECT_EQ(to_json((*collect_answers)[i]), to_json(want_collects[i])) << i;
  EXPECT_FALSE(memory.collects_expired(5'000, 100).empty());
  EXPECT_FALSE(memory.collects_unpaid(100).empty());
  EXPECT_EQ(memory_snapshot.at("collects").as_array().size(), 60u);

  // A payment's refunds, in the ledger's order, as the memory views have them (read in one
  // run: run_on polls the loop in slices, which would cost a slice per read).
  std::vector<std::string> paid;
  for (const auto& entry : all) {
    if (entry.first.starts_with("pay_")) paid.push_back(entry.first);
  }
  auto read_refunds = [&]() -> asio::awaitable<Result<std::vector<std::vector<PaymentSummary>>>> {
    std::vector<std::vector<PaymentSummary>> out;
    for (const auto& id : paid) {
      auto refunds = co_await views_2.refunds(id);
      if (!refunds) co_return std::unexpected(refunds.error());
      out.push_back(std::move(*refunds));
    }
    co_return out;
  };
  auto refunds = run_on(io, read_refunds());
  ASSERT_TRUE(refunds.has_value()) << refunds.error().message;
  std::size_t refunds_seen = 0;
  for (std::size_t p = 0; p < paid.size(); ++p) {
    const auto want = memory.refunds(paid[p]);
    ASSERT_EQ((*refunds)[p].size(), want.size()) << paid[p];
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(to_json(refund_summary_to_json((*refunds)[p][i])),
                to_json(refund_summary_to_json(want[i])));
    }
    refunds_seen += want.size();
  }
  EXPECT_GT(refunds_seen, 30u);
  auto pending = run_on(io, views_2.pending("", kPendingPageMax));
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->size(), memory.pending_payments("", kPendingPageMax).size());
  ASSERT_GT(pending->size(), 1u);
  // Read on from an id: those after it, as the memory views have them.
  const std::string first_id = pending->front().id;
  auto rest = run_on(io, views_2.pending(first_id, kPendingPageMax));
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(rest->size(), pending->size() - 1);
  EXPECT_EQ(rest->front().id, (*pending)[1].id);
  EXPECT_EQ(memory.pending_payments(first_id, 1).front().id, (*pending)[1].id);

  auto rebuilt_to = run_on(io, views_2.rebuild(**store));
  ASSERT_TRUE(rebuilt_to.has_value()) << rebuilt_to.error().message;
  EXPECT_EQ(*rebuilt_to, head);
  auto rebuilt = run_on(io, views_1.snapshot());
  ASSERT_TRUE(rebuilt.has_value());
  EXPECT_EQ(to_json(*rebuilt), expected);
  (*store)->close();
  io.run_for(std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace upi::ledger
