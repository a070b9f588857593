#include "psp/registry.h"

#include <gtest/gtest.h>

namespace upi::psp {
namespace {

TEST(Registry, ResolvesDemoWorldVpas) {
  const World world = parse_world(demo_world_json()).value();
  Registry registry(world);
  auto alice = registry.resolve(parse_vpa("Alice@OKAXIS").value());
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->bank, "HDFC");
  EXPECT_EQ(alice->name, "Alice Rao");
  EXPECT_EQ(alice->psp_handle, "okaxis");
}

TEST(Registry, UnknownVpaOrHandleIsVpaNotFound) {
  const World world = parse_world(demo_world_json()).value();
  Registry registry(world);
  auto nobody = registry.resolve(parse_vpa("nobody@okaxis").value());
  ASSERT_FALSE(nobody.has_value());
  EXPECT_EQ(nobody.error().code, "VPA_NOT_FOUND");
  EXPECT_EQ(nobody.error().message, "the PSP for @okaxis has no VPA nobody@okaxis");
  auto handle = registry.resolve(parse_vpa("alice@nopsp").value());
  EXPECT_EQ(handle.error().message, "no PSP owns the handle @nopsp");
}

TEST(Registry, MasksAccounts) {
  EXPECT_EQ(mask_account("50100012345678"), "XXXXXXXXXX5678");
  EXPECT_EQ(mask_account("1234"), "1234");
}

}  // namespace
}  // namespace upi::psp
