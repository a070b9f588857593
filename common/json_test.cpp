#include "common/json.h"

#include <gtest/gtest.h>

namespace upi {
namespace {

TEST(Json, AKeyWrittenTwiceInOneObjectIsRefusedByName) {
  for (const char* text :
       {R"({"a":1,"a":2})", R"({"a":1,"\u0061":2})", R"({"x":{"b":[1,{"c":1,"c":1}]}})"}) {
    auto parsed = parse_json_object(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, "INVALID_JSON");
    EXPECT_EQ(parsed.error().kind, ErrorKind::kMalformed);
    EXPECT_NE(parsed.error().message.find("twice"), std::string::npos) << parsed.error().message;
  }
}

TEST(Json, TheSameKeyInDifferentObjectsIsFine) {
  auto parsed = parse_json_object(R"({"a":{"a":1},"b":[{"a":1},{"a":2}],"ab":"a"})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->size(), 3u);
}

TEST(Json, DepthAndSyntaxAreStillBounded) {
  EXPECT_FALSE(parse_json_object(R"({"a":{"b":{"c":1}}})", 2).has_value());
  EXPECT_FALSE(parse_json_object(R"({"a":1,})").has_value());
  EXPECT_FALSE(parse_json_object("[1]").has_value());
}

// Found by tests/fuzz/fuzz_json: a number past a double's range read as infinity and printed
// back as "Infinity", which no JSON parser takes.
TEST(Json, ANumberOutOfADoublesRangeIsRefused) {
  for (const char* text : {R"({"e":61.66e66662666})", R"({"a":[1,{"b":-1e999}]})"}) {
    auto parsed = parse_json_object(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, "INVALID_JSON");
    EXPECT_NE(parsed.error().message.find("out of range"), std::string::npos);
  }
  EXPECT_TRUE(parse_json_object(R"({"e":1.7e308,"f":-2.2e-308})"));
}

// Found by tests/fuzz/fuzz_json: the empty key written twice was taken for no duplicate.
TEST(Json, TheEmptyKeyWrittenTwiceIsADuplicateToo) {
  auto parsed = parse_json_object(R"({"":1,"":2})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "body has the key \"\" twice in one object");
}

}  // namespace
}  // namespace upi
