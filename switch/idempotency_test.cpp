#include "switch/idempotency.h"

#include <gtest/gtest.h>

namespace upi::api {
namespace {

TEST(IdempotencyIndex, ReservesAcceptsReplaysAndRefuses) {
  IdempotencyIndex index;
  std::string id;
  EXPECT_EQ(index.check("k", "h1", &id), KeyCheck::kNew);
  EXPECT_EQ(index.check("k", "h1", &id), KeyCheck::kInProgress);
  EXPECT_EQ(index.check("k", "h2", &id), KeyCheck::kBodyMismatch);
  index.accept("k", "pay_1");
  EXPECT_EQ(index.check("k", "h1", &id), KeyCheck::kReplay);
  EXPECT_EQ(id, "pay_1");
  EXPECT_EQ(index.check("k", "h2", &id), KeyCheck::kBodyMismatch);
}

TEST(IdempotencyIndex, ReleaseFreesTheKey) {
  IdempotencyIndex index;
  std::string id;
  EXPECT_EQ(index.check("k", "h1", &id), KeyCheck::kNew);
  index.release("k");
  EXPECT_EQ(index.check("k", "h2", &id), KeyCheck::kNew);
  EXPECT_EQ(index.size(), 1u);
}

}  // namespace
}  // namespace upi::api
