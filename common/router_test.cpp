#include "common/router.h"

#include <gtest/gtest.h>

namespace upi::http {
namespace {

TEST(Router, MatchesPatternsAndDecodesParams) {
  Params params;
  EXPECT_TRUE(match_path("/v1/vpas/{vpa}/balance", "/v1/vpas/alice%40okaxis/balance", params));
  EXPECT_EQ(params.at("vpa"), "alice@okaxis");
  EXPECT_FALSE(match_path("/v1/vpas/{vpa}", "/v1/vpas/", params));
  EXPECT_FALSE(match_path("/v1/vpas/{vpa}", "/v1/vpas/a/b", params));
  EXPECT_TRUE(match_path("/healthz", "/healthz", params));
  EXPECT_TRUE(params.empty());
}

TEST(Router, ParsesQueries) {
  auto target = parse_target("/v1/payments?vpa=alice%40okaxis&limit=5&status=");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->path, "/v1/payments");
  EXPECT_EQ(target->query.at("vpa"), "alice@okaxis");
  EXPECT_EQ(target->query.at("limit"), "5");
  EXPECT_EQ(target->query.at("status"), "");
  EXPECT_EQ(parse_target("/x?a=1&a=2").error().message, "query parameter \"a\" is given twice");
  EXPECT_EQ(parse_target("/x?a=%4").error().code, "INVALID_QUERY");
  EXPECT_EQ(parse_target("/x?a=%zz").error().code, "INVALID_QUERY");
}

}  // namespace
}  // namespace upi::http
