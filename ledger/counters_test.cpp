#include "ledger/counters.h"

#include <gtest/gtest.h>

namespace upi::ledger {
namespace {

NewEvent with(std::vector<CounterCharge> charges) {
  NewEvent e{"E", {}, {}};
  e.metadata.charges = std::move(charges);
  return e;
}

TEST(Counters, ChecksEachChargeAsIfTheOnesBeforeItHadApplied) {
  Counters counters;
  ASSERT_TRUE(counters.charge({with({{"a", 50, 100}, {"b", -5, std::nullopt}})}));
  EXPECT_EQ(counters.value("a"), 50);
  EXPECT_EQ(counters.value("b"), -5);
  // The second event alone would fit; after the first it does not: nothing applies.
  auto refused = counters.charge(
      {with({{"b", 10, std::nullopt}}), with({{"a", 30, 100}}), with({{"a", 30, 100}})});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "LIMIT_EXCEEDED");
  EXPECT_EQ(counters.value("a"), 50);
  EXPECT_EQ(counters.value("b"), -5);
  // A release passes even above the max (a max lowered since the hold was taken).
  ASSERT_TRUE(counters.charge({with({{"a", 60, std::nullopt}})}));
  ASSERT_TRUE(counters.charge({with({{"a", -1, 10}})}));
  EXPECT_EQ(counters.value("a"), 109);
  EXPECT_EQ(counters.value("never"), 0);
}

TEST(Counters, RefusesAnOverflowInsteadOfWrappingAround) {
  Counters counters;
  counters.set("a", INT64_MAX - 1);
  EXPECT_FALSE(counters.charge({with({{"a", 5, std::nullopt}})}));
  EXPECT_EQ(counters.value("a"), INT64_MAX - 1);
}

TEST(Counters, NamesTheCountersAnAppendChargesOnceEachInOrder) {
  EXPECT_EQ(counters_charged({with({{"b", 1, std::nullopt}, {"a", 1, std::nullopt}}),
                              with({{"b", 2, std::nullopt}})}),
            (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace upi::ledger
