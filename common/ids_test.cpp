#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace upi {
namespace {

constexpr std::int64_t kStartMs = 1'790'000'000'000;

TEST(PaymentIds, AreWellFormedAndIncreasing) {
  ManualClock clock(kStartMs);
  PaymentIdGenerator ids(clock, 7);
  std::string last;
  for (int i = 0; i < 10'000; ++i) {  // crosses the 4096-per-millisecond sequence limit
    if (i % 3 == 0) clock.advance_ms(1);
    std::string id = ids.next();
    ASSERT_TRUE(is_payment_id(id)) << id;
    ASSERT_GT(id, last);
    last = id;
  }
}

TEST(PaymentIds, NeverGoBackwardsWhenTheClockDoes) {
  ManualClock clock(kStartMs);
  PaymentIdGenerator ids(clock, 1);
  const std::string before = ids.next();
  clock.set_ms(kStartMs - 60'000);
  std::string last = before;
  for (int i = 0; i < 5000; ++i) {
    std::string id = ids.next();
    ASSERT_GT(id, last);
    last = id;
  }
}

TEST(PaymentIds, DifferByNode) {
  ManualClock clock(kStartMs);
  PaymentIdGenerator a(clock, 1), b(clock, 2);
  EXPECT_NE(a.next(), b.next());
}

TEST(PaymentIds, RecogniseTheirForm) {
  EXPECT_TRUE(is_payment_id("pay_0123456789abcdef"));
  EXPECT_FALSE(is_payment_id("pay_0123456789ABCDEF"));
  EXPECT_FALSE(is_payment_id("pay_0123"));
  EXPECT_FALSE(is_payment_id("txn_0123456789abcdef"));
  EXPECT_TRUE(is_refund_id("rfd_0123456789abcdef"));
  EXPECT_FALSE(is_refund_id("pay_0123456789abcdef"));
  EXPECT_FALSE(is_payment_id("rfd_0123456789abcdef"));
  EXPECT_TRUE(is_collect_id("col_0123456789abcdef"));
}

TEST(PaymentIds, DerivedIdsNameOnePrincipalsKeyAlike) {
  const std::string id = derived_id(kRefundIdPrefix, "psp-1", "key-1");
  EXPECT_TRUE(is_refund_id(id)) << id;
  EXPECT_EQ(derived_id(kRefundIdPrefix, "psp-1", "key-1"), id);
  EXPECT_NE(derived_id(kRefundIdPrefix, "psp-2", "key-1"), id);
  EXPECT_NE(derived_id(kRefundIdPrefix, "psp-1", "key-2"), id);
  EXPECT_TRUE(is_collect_id(derived_id(kCollectIdPrefix, "psp-1", "key-1")));
}

TEST(Timestamps, AreRfc3339Utc) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(1'704'067'200'123), "2024-01-01T00:00:00.123Z");
}

}  // namespace
}  // namespace upi
