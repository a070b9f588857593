#include "common/money.h"

#include <gtest/gtest.h>

namespace upi {
namespace {

TEST(Money, ParsesDecimalStrings) {
  EXPECT_EQ(parse_money("1500.00").value(), 150000);
  EXPECT_EQ(parse_money("1500").value(), 150000);
  EXPECT_EQ(parse_money("1500.5").value(), 150050);
  EXPECT_EQ(parse_money("0.01").value(), 1);
  EXPECT_EQ(parse_money("50000.01").value(), 5000001);
  EXPECT_EQ(parse_money("90000000000000.00").value(), kPaiseMax);
}

TEST(Money, RejectsMalformedText) {
  for (const char* bad : {"", "-1.00", "+1.00", "1.001", "1.", ".5", "1e3", "01.00", "00",
                          "1,000.00", " 1.00", "1.00 ", "abc", "1..0", "0x10", "NaN", "1.-1"}) {
    auto parsed = parse_money(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, "INVALID_AMOUNT") << bad;
  }
}

TEST(Money, RejectsZeroUnlessAllowed) {
  EXPECT_FALSE(parse_money("0.00").has_value());
  EXPECT_FALSE(parse_money("0").has_value());
  EXPECT_EQ(parse_money("0.00", ZeroPolicy::kAllow).value(), 0);
}

TEST(Money, RejectsOverflow) {
  EXPECT_FALSE(parse_money("90000000000000.01").has_value());
  EXPECT_FALSE(parse_money("999999999999999").has_value());
  EXPECT_FALSE(parse_money("99999999999999999999999").has_value());
  EXPECT_EQ(parse_money("99999999999999999999999").error().message, "amount is too large");
}

TEST(Money, ThreeDecimalsHaveAPreciseMessage) {
  EXPECT_EQ(parse_money("1.005").error().message,
            "amount must have at most two fraction digits (paise)");
}

TEST(Money, FormatsWithTwoFractionDigits) {
  EXPECT_EQ(format_money(150000), "1500.00");
  EXPECT_EQ(format_money(1), "0.01");
  EXPECT_EQ(format_money(0), "0.00");
  EXPECT_EQ(format_money(-150050), "-1500.50");
  EXPECT_EQ(format_money(kPaiseMax), "90000000000000.00");
}

TEST(Money, RoundTrips) {
  for (Paise p : {Paise{1}, Paise{99}, Paise{100}, Paise{5000000}, Paise{5000001}, kPaiseMax}) {
    EXPECT_EQ(parse_money(format_money(p)).value(), p);
  }
}

}  // namespace
}  // namespace upi
