// Thousands of seeded random payments under random fault rules: afterwards every payment is
// terminal, money is conserved, no balance is negative, and bank positions sum to zero.
#include <random>

#include "ledger/projector.h"
#include "sagas/saga_test_harness.h"

namespace upi::sagas {
namespace {

using banks::FaultAction;
using banks::Operation;

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

void run_property(std::uint64_t seed, int payments) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  testing::Harness h(testing::fast_config(), seed);
  ledger::MemoryViewStore view_store;
  const ledger::ReadViews& views = view_store.views();
  ledger::Projector projector(h.io, h.store, view_store);
  projector.start();
  std::mt19937_64 rng(seed);
  const Paise total_before = h.total_balance();
  const auto& accounts = h.world.accounts;
  std::vector<std::string> ids;
  for (int i = 0; i < payments; ++i) {
    if (i % 100 == 0) {
      for (const auto& bank : h.world.banks) h.fault(bank.code, random_rules(rng));
    }
    const auto& payer = accounts[rng() % accounts.size()];
    const auto& payee = accounts[rng() % accounts.size()];
    if (payer.vpa == payee.vpa) continue;
    const Paise amount = 1 + static_cast<Paise>(rng() % 30'000'000);  // up to 3 lakh: all rails
    ids.push_back(h.pay(payer.vpa.str(), payee.vpa.str(), amount));
    if (ids.size() % 10 == 0)
      h.io.run_for(std::chrono::milliseconds(2));  // let sagas meet the faults
  }
  h.settle(ids);  // every rule has a count, so the faults run out

  std::map<std::string, int> by_status;
  for (const auto& id : ids) ++by_status[h.state(id).status];
  EXPECT_EQ(by_status["PENDING"], 0);
  EXPECT_GT(by_status["COMPLETED"], 0);
  EXPECT_GT(by_status["FAILED"] + by_status["REVERSED"], 0);
  EXPECT_EQ(h.total_balance(), total_before);  // total_balance asserts none is negative
  // Each completed payment is one applied debit and one applied credit at the banks; each
  // reversed one a debit undone by exactly one reversal.
  std::map<std::string, int> applied_debits, applied_credits, reversals_done;
  for (const auto& code : h.banks->codes()) {
    for (const auto& leg : h.banks->mock(code)->legs()) {
      if (leg.closed_unseen || leg.answer.outcome != banks::LegOutcome::kApplied) continue;
      const std::string id = leg.leg_id.substr(0, leg.leg_id.find(':'));
      if (leg.kind == banks::LegKind::kDebit) ++applied_debits[id];
      if (leg.kind == banks::LegKind::kCredit) ++applied_credits[id];
      if (leg.kind == banks::LegKind::kReversal && leg.amount > 0) ++reversals_done[id];
    }
  }
  for (const auto& id : ids) {
    const std::string status = h.state(id).status;
    const int debits = applied_debits[id], credits = applied_credits[id],
              reversals = reversals_done[id];
    if (status == "COMPLETED") {
      EXPECT_TRUE(debits == 1 && credits == 1 && reversals == 0) << id;
    } else if (status == "REVERSED") {
      EXPECT_TRUE(debits == 1 && credits == 0 && reversals == 1) << id;
    } else {
      EXPECT_TRUE(credits == 0 && debits == reversals) << id;
    }
  }
  // The read views agree, and the positions are double-entry.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (views.checkpoint() < h.store.head_position() &&
         std::chrono::steady_clock::now() < deadline) {
    h.io.run_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(views.positions_total(), 0);
  std::int64_t completed_in_view = 0;
  for (const auto& [rail, row] : views.rail_stats()) {
    auto it = row.payments_by_status.find("COMPLETED");
    if (it != row.payments_by_status.end()) completed_in_view += it->second;
  }
  EXPECT_EQ(completed_in_view, by_status["COMPLETED"]);
  EXPECT_EQ(views.checkpoint(), h.store.head_position());
  EXPECT_GT(by_status["REVERSED"], 0);
  std::printf("seed %llu: %zu payments, %d completed, %d failed, %d reversed\n",
              static_cast<unsigned long long>(seed), ids.size(), by_status["COMPLETED"],
              by_status["FAILED"], by_status["REVERSED"]);
}

TEST(PaymentProperty, ConservesMoneyUnderRandomFaults) {
  const char* seed_env = std::getenv("UPI_PROPERTY_SEED");
  const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : 20261128;
  run_property(seed, 3000);
}

}  // namespace
}  // namespace upi::sagas
