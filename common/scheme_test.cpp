#include "common/scheme.h"

#include <gtest/gtest.h>
#include "tests/source_path.h"

namespace upi {
namespace {

Scheme default_scheme() {
  return load_scheme(testing::source_path("specs/scheme.json")).value();
}

TEST(Scheme, ShippedProfileHasTheDesignLimits) {
  const Scheme scheme = default_scheme();
  ASSERT_EQ(scheme.rails.size(), 3u);
  EXPECT_EQ(select_rail(scheme, 1), Rail::kImps);
  EXPECT_EQ(select_rail(scheme, 5'000'000), Rail::kImps);
  EXPECT_EQ(select_rail(scheme, 5'000'001), Rail::kNeft);
  EXPECT_EQ(select_rail(scheme, 20'000'000), Rail::kNeft);
  EXPECT_EQ(select_rail(scheme, 20'000'001), Rail::kRtgs);
  EXPECT_EQ(select_rail(scheme, scheme.amount_max()), Rail::kRtgs);
  EXPECT_EQ(select_rail(scheme, scheme.amount_max() + 1), std::nullopt);
}

TEST(Scheme, RejectsGapsOverlapsAndBadFields) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"currency":"INR","rails":[{"rail":"IMPS","min":"0.01","max":"10.00"},
          {"rail":"NEFT","min":"10.02","max":"20.00"}]})",
       "scheme rails must be contiguous: rails[1].min must be 10.01"},
      {R"({"currency":"INR","rails":[{"rail":"IMPS","min":"0.01","max":"10.00"},
          {"rail":"IMPS","min":"10.01","max":"20.00"}]})",
       "scheme lists a rail twice"},
      {R"({"currency":"USD","rails":[]})", "scheme currency must be \"INR\""},
      {R"({"currency":"INR","rails":[]})", "scheme must list at least one rail"},
      {R"({"currency":"INR","rails":[{"rail":"UPI","min":"0.01","max":"1.00"}]})",
       "unknown rail \"UPI\" (IMPS, NEFT, RTGS)"},
      {R"({"currency":"INR","rails":[{"rail":"IMPS","min":0.01,"max":"1.00"}]})",
       "scheme rails[0] field \"min\" must be a string, not a number"},
      {R"({"currency":"INR","rails":[],"extra":1})", "scheme field \"extra\" is not recognised"},
  };
  for (const auto& [text, message] : cases) {
    auto scheme = parse_scheme(text);
    ASSERT_FALSE(scheme.has_value()) << text;
    EXPECT_EQ(scheme.error().code, "INVALID_SCHEME");
    EXPECT_EQ(scheme.error().message, message);
  }
}

TEST(Scheme, SettlementCutOffsAreTenADayByDefaultAndChecked) {
  EXPECT_EQ(default_scheme().cutoff_minutes_utc, default_cutoff_minutes_utc());
  EXPECT_EQ(default_cutoff_minutes_utc().size(), 10u);
  const std::string rails =
      R"("currency":"INR","rails":[{"rail":"IMPS","min":"0.01","max":"1.00"}])";
  auto without = parse_scheme("{" + rails + "}");
  ASSERT_TRUE(without.has_value());
  EXPECT_EQ(without->cutoff_minutes_utc, default_cutoff_minutes_utc());
  auto two = parse_scheme("{" + rails + R"(,"settlement":{"cutoffs_utc":["00:00","23:59"]}})");
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->cutoff_minutes_utc, (std::vector<int>{0, 1439}));
  for (const char* bad : {R"({"cutoffs_utc":[]})", R"({"cutoffs_utc":["24:00"]})",
                          R"({"cutoffs_utc":["02:00","01:00"]})", R"({"cutoffs_utc":["1:00"]})",
                          R"({"cutoffs_utc":[60]})", R"({"cutoff":["01:00"]})", R"([])"}) {
    auto scheme = parse_scheme("{" + rails + R"(,"settlement":)" + bad + "}");
    ASSERT_FALSE(scheme.has_value()) << bad;
    EXPECT_EQ(scheme.error().code, "INVALID_SCHEME") << bad;
  }
}

TEST(Scheme, NeftBatchesAreHalfHourlyByDefaultAndTheIntervalIsChecked) {
  EXPECT_EQ(default_scheme().neft_batch_interval_s, 1'800);
  const std::string rails =
      R"("currency":"INR","rails":[{"rail":"IMPS","min":"0.01","max":"1.00"}])";
  auto ten = parse_scheme("{" + rails + R"(,"settlement":{"neft_batch_interval_s":10}})");
  ASSERT_TRUE(ten.has_value()) << ten.error().message;
  EXPECT_EQ(ten->neft_batch_interval_s, 10);
  EXPECT_EQ(ten->cutoff_minutes_utc, default_cutoff_minutes_utc());
  for (const char* bad : {"0", "-1", "86401", "1.5", "\"60\"", "null"}) {
    auto scheme =
        parse_scheme("{" + rails + R"(,"settlement":{"neft_batch_interval_s":)" + bad + "}}");
    ASSERT_FALSE(scheme.has_value()) << bad;
    EXPECT_EQ(scheme.error().message,
              "scheme settlement.neft_batch_interval_s must be a whole number of seconds from 1 "
              "to 86400")
        << bad;
  }
}

TEST(Scheme, CollectRequestsHaveNpcisCapAndBoundedExpiryAndTheirLimitsAreChecked) {
  const Scheme shipped = default_scheme();
  EXPECT_EQ(shipped.collect.amount_max, 2'000'00);
  EXPECT_EQ(shipped.collect.expiry_default_s, 1'800);
  EXPECT_EQ(shipped.collect.expiry_max_s, 604'800);
  EXPECT_EQ(shipped.collect.pending_per_payee_max, 100);
  const std::string rails =
      R"("currency":"INR","rails":[{"rail":"IMPS","min":"0.01","max":"5000.00"}])";
  auto custom = parse_scheme("{" + rails +
                             R"(,"collect":{"amount_max":"500.00","expiry_max_s":60,
                                 "expiry_default_s":30,"pending_per_payee_max":2}})");
  ASSERT_TRUE(custom.has_value()) << custom.error().message;
  EXPECT_EQ(custom->collect.amount_max, 500'00);
  EXPECT_EQ(custom->collect.expiry_default_s, 30);
  EXPECT_EQ(custom->collect.pending_per_payee_max, 2);
  // Only a smaller maximum: the default follows it down.
  auto short_max = parse_scheme("{" + rails + R"(,"collect":{"expiry_max_s":60}})");
  ASSERT_TRUE(short_max.has_value());
  EXPECT_EQ(short_max->collect.expiry_default_s, 60);
  for (const char* bad :
       {R"({"amount_max":"5000.01"})", R"({"amount_max":2000})", R"({"expiry_max_s":0})",
        R"({"expiry_max_s":60,"expiry_default_s":61})", R"({"pending_per_payee_max":0})",
        R"({"expiry_max_s":2592001})", R"({"expires":1})", R"([])"}) {
    auto scheme = parse_scheme("{" + rails + R"(,"collect":)" + bad + "}");
    ASSERT_FALSE(scheme.has_value()) << bad;
    EXPECT_EQ(scheme.error().code, "INVALID_SCHEME") << bad;
  }
}

TEST(Scheme, BuiltInProfileMatchesTheShippedFile) {
  auto shipped = read_file(testing::source_path("specs/scheme.json"));
  ASSERT_TRUE(shipped.has_value());
  EXPECT_EQ(*shipped, builtin_scheme_json());
  EXPECT_TRUE(parse_scheme(builtin_scheme_json()).has_value());
}

TEST(Rails, NamesRoundTrip) {
  for (Rail rail : kAllRails) EXPECT_EQ(parse_rail(rail_name(rail)).value(), rail);
  EXPECT_FALSE(parse_rail("imps").has_value());
}

}  // namespace
}  // namespace upi
