// Thousands of seeded random payments under random fault rules, for a handful of seeds: then
// the independent checker (tools/sim/checker.h) holds every payment, account, leg and bank
// position against the statuses, and the read views agree with the banks' own legs. Time is
// simulated (common/timer.h), so a seed replays the same interleaving, event for event: replay
// one with UPI_PROPERTY_SEED=N (the failure message prints the command).
#include <fstream>
#include <functional>
#include <random>
#include <set>

#include "common/timer.h"
#include "ledger/projector.h"
#include "sagas/saga_test_harness.h"
#include "settlement/cycle_closer.h"
#include "settlement/leg_merkle.h"
#include "settlement/reconciliation.h"
#include "tests/event_catalogue.h"
#include "tools/sim/checker.h"

namespace upi::sagas {
namespace {

using banks::FaultAction;
using banks::Operation;

constexpr int kPaymentsPerSeed = 1500;

std::vector<banks::FaultRule> random_rules(std::mt19937_64& rng) {
  std::vector<banks::FaultRule> rules;
  const int n = static_cast<int>(rng() % 5);
  for (int i = 0; i < n; ++i) {
    banks::FaultRule r;
    r.operation = static_cast<Operation>(rng() % 4);
    r.action = static_cast<FaultAction>(rng() % 4);
    r.probability = static_cast<double>(rng() % 60) / 100.0;
    r.count = static_cast<std::int64_t>(1 + rng() % 60);
    r.delay_ms = static_cast<std::int64_t>(rng() % 60);
    rules.push_back(r);
  }
  return rules;
}

// The banks' books and activity, as the checker reads them.
std::vector<sim::BankBooks> bank_books(testing::Harness& h) {
  std::vector<sim::BankBooks> out;
  for (const auto& code : h.banks->codes()) {
    sim::BankBooks books{code};
    for (const auto& a : h.world.accounts) {
      if (a.bank == code) books.opening[a.account] = a.balance;
    }
    const auto* bank = h.banks->mock(code);
    books.balances = bank->balances();
    books.legs = bank->legs();
    books.activity = bank->activity();
    out.push_back(std::move(books));
  }
  return out;
}

// Each bank's net position over every rail and window, from the read views.
std::map<std::string, Paise> view_nets(const ledger::ReadViews& views,
                                       const std::vector<std::string>& banks) {
  std::map<std::string, Paise> net;
  for (const auto& code : banks) {
    for (const auto& row : views.positions(code)) net[code] += row.net();
  }
  return net;
}

// Every settlement cycle, checked against the payments and the banks' own leg records: nets
// sum to zero; each completed or reversed payment is in exactly one cycle and each failed one
// in none; a bank's net in a cycle is what its applied legs for that cycle's completed payments
// say.
void check_cycles(testing::Harness& h, const ledger::ReadViews& views,
                  const std::vector<std::string>& ids,
                  const std::map<std::string, int>& by_status) {
  std::map<std::int64_t, std::map<std::string, Paise>> nets_from_legs;  // cycle -> bank -> net
  std::map<std::string, std::int64_t> cycle_of;                         // completed payments
  std::map<std::int64_t, int> completed_in, reversed_in;
  for (const auto& id : ids) {
    const ledger::PaymentSummary* p = views.payment(id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_EQ(p->settlement_cycle == 0, p->status == "FAILED") << id << " " << p->status;
    if (p->status == "COMPLETED")
      ++completed_in[p->settlement_cycle], cycle_of[id] = p->settlement_cycle;
    if (p->status == "REVERSED") ++reversed_in[p->settlement_cycle];
  }
  for (const auto& code : h.banks->codes()) {
    for (const auto& leg : h.banks->mock(code)->legs()) {
      const auto it = cycle_of.find(banks::payment_of_leg(leg.leg_id));
      if (it == cycle_of.end() || leg.answer.outcome != banks::LegOutcome::kApplied) continue;
      if (leg.kind == banks::LegKind::kDebit) nets_from_legs[it->second][code] -= leg.amount;
      if (leg.kind == banks::LegKind::kCredit) nets_from_legs[it->second][code] += leg.amount;
    }
  }
  int completed = 0, reversed = 0, cycles_with_payments = 0;
  for (const auto& summary : views.cycles(0, ledger::kCycleListLimitMax)) {
    const auto report = views.cycle(summary.cycle).value();
    SCOPED_TRACE("cycle " + std::to_string(summary.cycle));
    EXPECT_EQ(summary.completed, completed_in[summary.cycle]);
    EXPECT_EQ(summary.reversed, reversed_in[summary.cycle]);
    completed += static_cast<int>(summary.completed);
    reversed += static_cast<int>(summary.reversed);
    cycles_with_payments += summary.completed > 0;
    Paise total = 0;
    std::map<std::string, Paise> nets;
    for (const auto& row : report.rows) {
      nets[row.bank] += row.net();
      total += row.net();
    }
    EXPECT_EQ(total, 0);
    for (auto& [bank, net] : nets_from_legs[summary.cycle]) EXPECT_EQ(nets[bank], net) << bank;
  }
  auto count_of = [&](const char* status) {
    auto it = by_status.find(status);
    return it == by_status.end() ? 0 : it->second;
  };
  EXPECT_EQ(completed, count_of("COMPLETED"));
  EXPECT_EQ(reversed, count_of("REVERSED"));
  EXPECT_GE(cycles_with_payments, 3) << "the closes should have split the run into cycles";
}

// NEFT credits waited for their batch: a NEFT payment whose debit succeeded was deferred at once
// (CreditDeferred written with DebitSucceeded) to a batch on the scheme's interval after the
// debit, and its credit was not requested before the batch ran; no other rail was deferred.
// Returns how many NEFT payments completed through a batch.
int check_neft_batches(testing::Harness& h, const std::vector<std::string>& ids) {
  const std::int64_t interval_ms = h.scheme.neft_batch_interval_s * 1'000;
  int completed = 0;
  for (const auto& id : ids) {
    SCOPED_TRACE(id);
    const auto stream =
        h.store.read_stream_now(ledger::events::payment_stream(id), 1, ledger::kReadLimitMax);
    const PaymentState state = fold(stream);
    std::int64_t debited_at_ms = -1, credit_at_ms = -1;
    for (std::size_t i = 0; i < stream.size(); ++i) {
      const auto& e = stream[i];
      if (e.type == ledger::events::kDebitSucceeded) {
        debited_at_ms = e.recorded_at_ms;
        const bool deferred = i + 1 < stream.size() &&
                              stream[i + 1].type == ledger::events::kCreditDeferred &&
                              stream[i + 1].position == e.position + 1;
        EXPECT_EQ(deferred, state.rail == "NEFT") << "the credit is deferred iff the rail is NEFT";
      }
      if (e.type == ledger::events::kCreditDeferred) {
        const auto deferred = std::get<ledger::events::CreditDeferred>(*ledger::events::decode(e));
        credit_at_ms = deferred.credit_at_ms;
        EXPECT_EQ(credit_at_ms % interval_ms, 0) << "batches run on the interval";
        EXPECT_GT(credit_at_ms, debited_at_ms);
        EXPECT_LE(credit_at_ms, debited_at_ms + interval_ms) << "the next batch, not a later one";
      }
      if (e.type == ledger::events::kCreditRequested && state.rail == "NEFT") {
        EXPECT_GE(e.recorded_at_ms, credit_at_ms) << "credited before its batch ran";
      }
    }
    completed += state.rail == "NEFT" && state.status == "COMPLETED";
  }
  return completed;
}

// The demo world with net debit caps on three banks, low enough that a run meets them.
World capped_world() {
  World world = parse_world(demo_world_json()).value();
  const std::map<std::string, Paise> caps{
      {"HDFC", 2'000'000'00}, {"SBI", 4'000'000'00}, {"COOP", 100'000'00}};
  for (auto& bank : world.banks) {
    if (auto it = caps.find(bank.code); it != caps.end()) bank.net_debit_cap = it->second;
  }
  return world;
}

// Folds the whole log's counters event by event: no hold ever took a counter past the max it
// was taken against, not even for one event; a payment refused by its cap never asked its bank
// for anything. Returns the counters at the end.
ledger::Counters check_net_debit_holds(const ledger::MemoryStore& store,
                                       const std::set<std::string>& refused_by_cap) {
  ledger::Counters counters;
  for (std::int64_t after = 0; after < store.head_position();) {
    for (const auto& e : store.read_all_now(after, ledger::kReadLimitMax)) {
      after = e.position;
      counters.apply(e.metadata);
      for (const auto& c : e.metadata.charges) {
        if (c.delta > 0 && c.max) {
          EXPECT_LE(counters.value(c.counter), *c.max) << e.position;
        }
      }
      const bool leg =
          e.type == ledger::events::kDebitRequested || e.type == ledger::events::kCreditRequested;
      if (leg) {
        EXPECT_FALSE(refused_by_cap.contains(ledger::payment_id_of(e))) << e.position;
      }
    }
  }
  return counters;
}

// With every payment ended, one more close settles what the open cycle holds: then nothing is
// held or owed, and every bank's net debit counter is back at zero, in the ledger and the views.
void check_net_debit_after_last_close(testing::Harness& h, settlement::CycleCloser& closer,
                                      ledger::Projector& projector, const ledger::ReadViews& views,
                                      const std::set<std::string>& refused_by_cap) {
  bool closed = false;
  asio::co_spawn(
      h.io,
      [&]() -> asio::awaitable<void> {
        settlement::CloseRequest request{settlement::kCauseAdmin, "admin-1", 0, 0};
        auto outcome = co_await closer.close(std::move(request));
        EXPECT_TRUE(outcome.has_value()) << outcome.error().message;
        co_await projector.wait_for(h.store.head_position(), std::chrono::seconds(5));
        closed = true;
      },
      asio::detached);
  const auto deadline = MonotonicClock::now() + std::chrono::seconds(10);
  while (!closed && MonotonicClock::now() < deadline) h.step();
  ASSERT_TRUE(closed);
  const ledger::Counters end = check_net_debit_holds(h.store, refused_by_cap);
  for (const auto& bank : h.world.banks) {
    const std::string counter = ledger::events::net_debit_counter(bank.code);
    EXPECT_EQ(end.value(counter), 0) << counter;
    EXPECT_EQ(h.store.counter_now(counter), 0) << counter;
  }
  for (const auto& [counter, value] : views.counters(ledger::events::kNetDebitCounterPrefix, 100)) {
    EXPECT_EQ(value, 0) << counter << " in the views";
  }
}

// Every closed cycle's published Merkle roots, held against roots made from the banks' own
// records: the legs each bank applied for the payments that ended in that cycle (the debit and
// credit of a completed one, the debit and reversal of a reversed one). Equal roots: the
// switch's leg records for the cycle are exactly the banks'.
void check_leg_roots_against_the_banks(testing::Harness& h, const ledger::ReadViews& views) {
  namespace ev = ledger::events;
  using Key = std::pair<std::int64_t, std::string>;  // cycle, bank
  std::map<Key, std::vector<ledger::SettledLeg>> banks_own;
  for (const auto& code : h.banks->codes()) {
    for (const auto& leg : h.banks->mock(code)->legs()) {
      if (leg.answer.outcome != banks::LegOutcome::kApplied || leg.amount == 0) continue;
      const ledger::PaymentSummary* p = views.payment(leg.leg_id.substr(0, leg.leg_id.find(':')));
      ASSERT_NE(p, nullptr) << leg.leg_id;
      const bool counts = p->status == "COMPLETED" ||
                          (p->status == "REVERSED" && leg.kind != banks::LegKind::kCredit);
      EXPECT_TRUE(counts) << leg.leg_id << " applied for a " << p->status << " payment";
      banks_own[{p->settlement_cycle, code}].push_back(
          {leg.leg_id, settlement::settled_kind(leg.kind), leg.account, leg.amount});
    }
  }
  std::map<Key, std::string> published;
  for (const auto& e : h.store.read_stream_now(std::string(ev::kSettlementStream), 1, 100'000)) {
    auto decoded = ev::decode_settlement(e);
    ASSERT_TRUE(decoded.has_value());
    if (const auto* closed = std::get_if<ev::SettlementCycleClosed>(&*decoded)) {
      for (const auto& r : closed->leg_roots) published[{closed->cycle, r.bank}] = r.merkle_root;
    }
  }
  ASSERT_EQ(published.size(), banks_own.size());
  for (auto& [key, legs] : banks_own) {
    std::sort(legs.begin(), legs.end(),
              [](const auto& a, const auto& b) { return a.leg_id < b.leg_id; });
    EXPECT_EQ(published[key], settlement::leg_root_hex(legs))
        << "cycle " << key.first << " bank " << key.second;
  }
}

struct PropertyRun {
  std::string head_hash;  // of the whole ledger: equal hashes, equal runs
  std::map<std::string, int> by_status;
};

// Runs the property; inspect, when given, sees the whole ledger before the harness goes.
PropertyRun run_property(std::uint64_t seed, int payments,
                         const std::function<void(const ledger::MemoryStore&)>& inspect = {}) {
  SCOPED_TRACE("seed " + std::to_string(seed) + "; replay with UPI_PROPERTY_SEED=" +
               std::to_string(seed) + " build/sagas/sagas_test --gtest_filter='PaymentProperty.*'");
  testing::Harness h(testing::fast_config(), seed, capped_world(), testing::Time::kSimulated);
  ledger::MemoryViewStore view_store;
  const ledger::ReadViews& views = view_store.views();
  ledger::Projector projector(h.io, h.store, view_store);
  projector.start();
  // Cycles are closed while payments are in flight, from two closers as two nodes would.
  settlement::CycleCloser closers[] = {{h.store, view_store, projector, "node-1"},
                                       {h.store, view_store, projector, "node-2"}};
  auto close_now = [&](settlement::CycleCloser& closer) {
    asio::co_spawn(
        h.io,
        [&closer]() -> asio::awaitable<void> {
          settlement::CloseRequest request{settlement::kCauseAdmin, "admin-1", 0, 0};
          auto closed = co_await closer.close(std::move(request));
          EXPECT_TRUE(closed.has_value()) << closed.error().message;
        },
        asio::detached);
  };
  std::mt19937_64 rng(seed);
  const auto& accounts = h.world.accounts;
  std::map<std::string, sim::PaymentOutcome> outcomes;
  std::vector<std::string> ids;
  for (int i = 0; i < payments; ++i) {
    if (i % 100 == 0) {
      for (const auto& bank : h.world.banks) h.fault(bank.code, random_rules(rng));
    }
    if (i % 150 == 75) close_now(closers[rng() % 2]);
    const auto& payer = accounts[rng() % accounts.size()];
    const auto& payee = accounts[rng() % accounts.size()];
    if (payer.vpa == payee.vpa) continue;
    const Paise amount = 1 + static_cast<Paise>(rng() % 30'000'000);  // up to 3 lakh: all rails
    ids.push_back(h.pay(payer.vpa.str(), payee.vpa.str(), amount));
    outcomes[ids.back()] = sim::PaymentOutcome{
        "PENDING", "", {payer.bank, payer.account}, {payee.bank, payee.account}, amount};
    if (ids.size() % 10 == 0) h.run_for(std::chrono::milliseconds(2));  // let sagas meet the faults
  }
  h.settle(ids);  // every rule has a count, so the faults run out
  if (::testing::Test::HasFatalFailure()) return {};

  std::map<std::string, int> by_status;
  std::set<std::string> refused_by_cap;
  std::size_t remembered = 0;
  for (const auto& id : ids) {
    const PaymentState state = h.state(id);
    ++by_status[state.status];
    if (state.reason && state.reason->code == "NET_DEBIT_CAP_EXCEEDED") {
      refused_by_cap.insert(id);
      EXPECT_EQ(state.reason->upi_code, "U03") << id;
    }
    // What the engine remembers of an ended payment answers requests instead of the stream.
    if (const PaymentState* ended = h.engine.ended_state(id)) {
      EXPECT_EQ(to_json(payment_to_json(*ended)), to_json(payment_to_json(state))) << id;
      ++remembered;
    }
    outcomes[id].status = state.status;
    outcomes[id].reason = state.reason ? state.reason->code : "";
    EXPECT_EQ(outcomes[id].payer, sim::account_of(h.world, state.payer_vpa)) << id;
  }
  EXPECT_EQ(remembered, ids.size()) << "every payment ended on this engine";
  // The views catch up with the whole log (a deadline in simulated time), then every check.
  const auto deadline = MonotonicClock::now() + std::chrono::seconds(10);
  while (views.checkpoint() < h.store.head_position() && MonotonicClock::now() < deadline) {
    h.step();
  }
  EXPECT_EQ(views.checkpoint(), h.store.head_position());
  check_cycles(h, views, ids, by_status);
  const auto checks = sim::check_run(bank_books(h), outcomes, view_nets(views, h.banks->codes()));
  EXPECT_TRUE(sim::all_ok(checks)) << sim::describe_failures(checks);
  std::int64_t completed_in_view = 0;
  for (const auto& [rail, row] : views.rail_stats()) {
    auto it = row.payments_by_status.find("COMPLETED");
    if (it != row.payments_by_status.end()) completed_in_view += it->second;
  }
  EXPECT_EQ(completed_in_view, by_status["COMPLETED"]);
  // The faults must have made every kind of ending, or the run proved little.
  EXPECT_GT(by_status["COMPLETED"], 0);
  EXPECT_GT(by_status["FAILED"], 0);
  EXPECT_GT(by_status["REVERSED"], 0);
  EXPECT_GT(refused_by_cap.size(), 0u) << "the caps should have refused some payments";
  check_net_debit_after_last_close(h, closers[0], projector, views, refused_by_cap);
  check_leg_roots_against_the_banks(h, views);
  EXPECT_GT(check_neft_batches(h, ids), 0) << "some NEFT payments should have been credited";
  if (inspect) inspect(h.store);
  const auto last = h.store.read_all_now(h.store.head_position() - 1, 1);
  PropertyRun run{last.empty() ? "" : last.back().hash, by_status};
  std::printf(
      "seed %llu: %zu payments, %d completed, %d failed (%zu by a net debit cap), %d reversed; "
      "ledger head %s\n",
      static_cast<unsigned long long>(seed), ids.size(), by_status["COMPLETED"],
      by_status["FAILED"], refused_by_cap.size(), by_status["REVERSED"],
      run.head_hash.substr(0, 16).c_str());
  return run;
}

// A handful of fixed seeds in the test command; UPI_PROPERTY_SEED=N runs that one alone.
TEST(PaymentProperty, ConservesMoneyUnderRandomFaults) {
  if (const char* seed_env = std::getenv("UPI_PROPERTY_SEED")) {
    run_property(std::strtoull(seed_env, nullptr, 10), kPaymentsPerSeed);
    return;
  }
  for (std::uint64_t seed : {20261128ULL, 1ULL, 7ULL, 42ULL, 99991ULL}) {
    run_property(seed, kPaymentsPerSeed);
    if (HasFailure()) return;
  }
}

// The same seed, the same run: every event, time and hash of the ledger the same; another seed,
// another run.
TEST(PaymentProperty, ASeedReplaysTheSameInterleaving) {
  const PropertyRun first = run_property(7, 400);
  const PropertyRun again = run_property(7, 400);
  const PropertyRun other = run_property(9, 400);
  ASSERT_FALSE(first.head_hash.empty());
  EXPECT_EQ(first.head_hash, again.head_hash);
  EXPECT_EQ(first.by_status, again.by_status);
  EXPECT_NE(first.head_hash, other.head_hash);
}

// The catalogue in specs/events.md names exactly the event types the code has, and for each
// type the saga writes in a run full of faults, exactly the data fields it writes.
TEST(EventCatalogue, SpecsEventsMdListsExactlyTheTypesAndFieldsTheCodeWrites) {
  const auto documented = upi::testing::catalogue_table("| type | data fields |");
  std::set<std::string> types_in_code;
  for (std::string_view type : ledger::events::all_types()) {
    types_in_code.emplace(type);
    const auto names = ledger::events::field_names(type);
    const std::set<std::string> described(names.begin(), names.end());
    EXPECT_EQ(described.size(), names.size()) << type << " describes a field twice";
    auto it = documented.find(std::string(type));
    if (it != documented.end()) {
      EXPECT_EQ(described, it->second) << type << ": the struct and specs/events.md differ";
    }
  }
  std::set<std::string> types_in_doc;
  for (const auto& [type, fields] : documented) types_in_doc.insert(type);
  EXPECT_EQ(types_in_doc, types_in_code);
  std::map<std::string, std::set<std::string>> written;
  run_property(20261128, 800, [&](const ledger::MemoryStore& store) {
    for (std::int64_t after = 0; after < store.head_position();) {
      for (const auto& e : store.read_all_now(after, ledger::kReadLimitMax)) {
        for (const auto& [key, value] : e.data) written[e.type].insert(std::string(key));
        after = e.position;
      }
    }
  });
  EXPECT_GE(written.size(), 17u) << "the run should make nearly every type of event";
  // The run closes settlement cycles too: their events are in the settlement table.
  auto all_documented = upi::testing::catalogue_table("| settlement event | data fields |");
  all_documented.insert(documented.begin(), documented.end());
  for (const auto& [type, fields] : written) {
    auto it = all_documented.find(type);
    ASSERT_NE(it, all_documented.end()) << type << " is written but not in specs/events.md";
    EXPECT_EQ(fields, it->second) << type << ": the fields written and documented differ";
  }
}

}  // namespace
}  // namespace upi::sagas
