#include "banks/fault_rules.h"

#include <gtest/gtest.h>

namespace upi::banks {
namespace {

TEST(FaultRules, ParseEveryActionAndRoundTrip) {
  auto body = parse_json_object(R"({"rules":[
    {"operation":"debit","action":"fail","probability":0.5,"count":3},
    {"operation":"credit","action":"timeout"},
    {"operation":"reversal","action":"lost_response","count":1},
    {"operation":"status","action":"delay","delay_ms":250}]})")
                  .value();
  auto rules = parse_fault_rules(body);
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  ASSERT_EQ(rules->size(), 4u);
  EXPECT_EQ((*rules)[0].count, 3);
  EXPECT_EQ((*rules)[1].action, FaultAction::kTimeout);
  EXPECT_EQ((*rules)[3].delay_ms, 250);
  auto again = parse_fault_rules(fault_rules_to_json(*rules));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(to_json(fault_rules_to_json(*again)), to_json(fault_rules_to_json(*rules)));
}

TEST(FaultRules, RejectBadRulesPrecisely) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"rules":[{"operation":"refund","action":"fail"}]})",
       "rules[0].operation must be one of debit, credit, reversal, status"},
      {R"({"rules":[{"operation":"debit","action":"explode"}]})",
       "rules[0].action must be one of fail, timeout, lost_response, delay"},
      {R"({"rules":[{"operation":"debit","action":"fail","probability":1.5}]})",
       "rules[0].probability must be a number in [0, 1]"},
      {R"({"rules":[{"operation":"debit","action":"fail","count":0}]})",
       "rules[0] field \"count\" must be an integer in [1, 1000000000]"},
      {R"({"rules":[{"operation":"debit","action":"delay"}]})",
       "rules[0].delay_ms is required for action delay"},
      {R"({"rules":[{"operation":"debit","action":"fail","colour":"red"}]})",
       "rules[0] field \"colour\" is not recognised"},
      {R"({"rules":{}})", "request body field \"rules\" must be an array, not an object"},
  };
  for (const auto& [text, message] : cases) {
    auto rules = parse_fault_rules(parse_json_object(text).value());
    ASSERT_FALSE(rules.has_value()) << text;
    EXPECT_EQ(rules.error().code, "INVALID_FAULT_RULES");
    EXPECT_EQ(rules.error().message, message);
  }
}

TEST(FaultPlan, CountsDownAndMatchesByOperation) {
  FaultPlan plan(42);
  plan.set({FaultRule{Operation::kDebit, FaultAction::kFail, 1.0, 2, 0}});
  EXPECT_FALSE(plan.draw(Operation::kCredit).has_value());
  EXPECT_TRUE(plan.draw(Operation::kDebit).has_value());
  EXPECT_TRUE(plan.draw(Operation::kDebit).has_value());
  EXPECT_FALSE(plan.draw(Operation::kDebit).has_value());
  EXPECT_EQ(plan.rules()[0].count, 0);
}

TEST(FaultPlan, ProbabilityIsSeededAndReplays) {
  auto run = [](std::uint64_t seed) {
    FaultPlan plan(seed);
    plan.set({FaultRule{Operation::kCredit, FaultAction::kFail, 0.3, std::nullopt, 0}});
    std::string hits;
    for (int i = 0; i < 2000; ++i) hits += plan.draw(Operation::kCredit) ? '1' : '0';
    return hits;
  };
  const std::string a = run(7);
  EXPECT_EQ(a, run(7));
  EXPECT_NE(a, run(8));
  const auto ones = std::count(a.begin(), a.end(), '1');
  EXPECT_GT(ones, 500);  // 600 expected; this bound fails only if the draw is broken
  EXPECT_LT(ones, 700);
}

}  // namespace
}  // namespace upi::banks
