#include "common/vpa.h"

#include <gtest/gtest.h>

namespace upi {
namespace {

TEST(Vpa, LowerCasesAndSplits) {
  auto vpa = parse_vpa("Alice.Rao@OkAxis");
  ASSERT_TRUE(vpa.has_value());
  EXPECT_EQ(vpa->localpart, "alice.rao");
  EXPECT_EQ(vpa->handle, "okaxis");
  EXPECT_EQ(vpa->str(), "alice.rao@okaxis");
}

TEST(Vpa, AcceptsTheEdgesOfTheRules) {
  EXPECT_TRUE(parse_vpa("abc@ok").has_value());
  EXPECT_TRUE(parse_vpa(std::string(64, 'a') + "@" + std::string(32, 'b')).has_value());
  EXPECT_TRUE(parse_vpa("a-b_c.d@ybl").has_value());
  EXPECT_TRUE(parse_vpa("-ab@ybl").has_value());
}

TEST(Vpa, RejectsEachBrokenRuleWithItsOwnMessage) {
  const std::pair<std::string, std::string> cases[] = {
      {"alice", "VPA must have exactly one '@', as in localpart@handle"},
      {"a@b@c", "VPA must have exactly one '@', as in localpart@handle"},
      {"ab@okaxis", "VPA localpart must be 3 to 64 characters"},
      {std::string(65, 'a') + "@okaxis", "VPA localpart must be 3 to 64 characters"},
      {"al ice@okaxis", "VPA localpart may contain only a-z, 0-9, '.', '_' and '-'"},
      {"alice+1@okaxis", "VPA localpart may contain only a-z, 0-9, '.', '_' and '-'"},
      {".alice@okaxis", "VPA localpart must not start or end with '.'"},
      {"alice.@okaxis", "VPA localpart must not start or end with '.'"},
      {"alice@o", "VPA handle must be 2 to 32 characters"},
      {"alice@" + std::string(33, 'o'), "VPA handle must be 2 to 32 characters"},
      {"alice@ok-axis", "VPA handle may contain only a-z and 0-9"},
      {"alice@", "VPA handle must be 2 to 32 characters"},
  };
  for (const auto& [text, message] : cases) {
    auto vpa = parse_vpa(text);
    ASSERT_FALSE(vpa.has_value()) << text;
    EXPECT_EQ(vpa.error().code, "INVALID_VPA");
    EXPECT_EQ(vpa.error().message, message) << text;
  }
}

}  // namespace
}  // namespace upi
