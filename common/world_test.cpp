#include "common/world.h"

#include <gtest/gtest.h>
#include "tests/source_path.h"

namespace upi {
namespace {

TEST(World, DemoWorldParsesAndMatchesTheShippedFile) {
  auto world = parse_world(demo_world_json());
  ASSERT_TRUE(world.has_value()) << world.error().message;
  EXPECT_GE(world->banks.size(), 4u);
  EXPECT_GE(world->accounts.size(), 6u);
  auto shipped = read_file(testing::source_path("specs/demo-world.json"));
  ASSERT_TRUE(shipped.has_value());
  EXPECT_EQ(*shipped, demo_world_json());
}

std::string world_with(const std::string& banks, const std::string& psps,
                       const std::string& accounts) {
  return R"({"banks":[)" + banks + R"(],"psps":[)" + psps + R"(],"accounts":[)" + accounts + "]}";
}

const std::string kBank = R"({"code":"HDFC","name":"HDFC Bank","rails":["IMPS"]})";
const std::string kPsp = R"({"handle":"okhdfc","name":"GPay","partner_bank":"HDFC"})";
std::string account(const std::string& vpa, const std::string& number, const std::string& bank,
                    const std::string& balance) {
  return R"({"vpa":")" + vpa + R"(","name":"X","bank":")" + bank + R"(","account":")" + number +
         R"(","balance":")" + balance + R"("})";
}

TEST(World, RejectsInconsistentEntriesPrecisely) {
  const std::pair<std::string, std::string> cases[] = {
      {world_with(kBank + "," + kBank, kPsp, ""), "bank code \"HDFC\" is listed twice"},
      {world_with(kBank, R"({"handle":"ok","name":"P","partner_bank":"SBI"})", ""),
       "PSP \"ok\" names unknown partner bank \"SBI\""},
      {world_with(kBank, kPsp, account("alice@okhdfc", "123456", "SBI", "1.00")),
       "account alice@okhdfc names unknown bank \"SBI\""},
      {world_with(kBank, kPsp, account("alice@ybl", "123456", "HDFC", "1.00")),
       "account alice@ybl has a handle that no PSP owns"},
      {world_with(kBank, kPsp,
                  account("alice@okhdfc", "123456", "HDFC", "1.00") + "," +
                      account("bob@okhdfc", "123456", "HDFC", "1.00")),
       "account number 123456 is used twice at HDFC"},
      {world_with(kBank, kPsp, account("alice@okhdfc", "12", "HDFC", "1.00")),
       "accounts[0].account must be 6-18 digits"},
      {world_with(kBank, kPsp, account("alice@okhdfc", "123456", "HDFC", "-1.00")),
       "accounts[0].balance: amount must be a decimal string of digits with an optional '.' and "
       "up to two fraction digits, e.g. \"1500.00\""},
      {world_with(R"({"code":"hdfc","name":"x","rails":[]})", "", ""),
       "banks[0].code must be 2-11 of [A-Z0-9]"},
      {R"({"banks":[]})", "world field \"psps\" is required"},
      {world_with(R"({"code":"HDFC","name":"H","rails":[],"net_debit_cap":"1e5"})", kPsp, ""),
       "banks[0].net_debit_cap: amount must be a decimal string of digits with an optional '.' "
       "and up to two fraction digits, e.g. \"1500.00\""},
  };
  for (const auto& [text, message] : cases) {
    auto world = parse_world(text);
    ASSERT_FALSE(world.has_value()) << text;
    EXPECT_EQ(world.error().code, "INVALID_WORLD");
    EXPECT_EQ(world.error().message, message);
  }
}

TEST(World, AcceptsZeroBalancesAndEndpoints) {
  auto world = parse_world(world_with(
      R"({"code":"HDFC","name":"H","rails":["IMPS","NEFT"],"endpoint":"http://127.0.0.1:9001"})",
      kPsp, account("alice@okhdfc", "123456", "HDFC", "0.00")));
  ASSERT_TRUE(world.has_value()) << world.error().message;
  EXPECT_EQ(world->banks[0].endpoint, "http://127.0.0.1:9001");
  EXPECT_EQ(world->accounts[0].balance, 0);
  EXPECT_FALSE(world->banks[0].net_debit_cap.has_value());
}

TEST(World, ReadsANetDebitCap) {
  auto world = parse_world(
      world_with(R"({"code":"HDFC","name":"H","rails":["IMPS"],"net_debit_cap":"250000.50"})", kPsp,
                 account("alice@okhdfc", "123456", "HDFC", "0.00")));
  ASSERT_TRUE(world.has_value()) << world.error().message;
  EXPECT_EQ(world->banks[0].net_debit_cap, std::optional<Paise>(250000'50));
}

}  // namespace
}  // namespace upi
