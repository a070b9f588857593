#include "switch/credentials.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/ed25519.h"
#include "common/sha256.h"

namespace upi::api {
namespace {

const World& demo_world() {
  static const World world = parse_world(demo_world_json()).value();
  return world;
}

std::string principal(const std::string& fields) {
  return R"({"principals":[{"id":"p1","role":"psp","psp":"okaxis","api_key_sha256":")" +
         sha256_hex("k1") + "\"" + fields + "}]}";
}

TEST(Credentials, TheDemoCredentialsParseAgainstTheDemoWorld) {
  auto demo = parse_credentials(demo_credentials_json(), demo_world());
  ASSERT_TRUE(demo) << demo.error().message;
  EXPECT_EQ(demo->principals.size(), 6u);
  for (const auto& c : demo->principals) {
    // Each demo key is "<id>-key", and only its hash is held.
    EXPECT_EQ(c.api_key_sha256, sha256_bytes(c.principal.id + "-key")) << c.principal.id;
  }
}

TEST(Credentials, ReadsSigningKeysAndRates) {
  const auto pair = ed25519_generate();
  auto parsed = parse_credentials(
      principal(R"(,"signing":{"alg":"ed25519","public_key":")" + base64_encode(pair.public_key) +
                R"("},"rate":{"per_second":5,"burst":9})"),
      demo_world());
  ASSERT_TRUE(parsed) << parsed.error().message;
  const auto& c = parsed->principals.at(0);
  EXPECT_EQ(c.principal.psp, "okaxis");
  EXPECT_EQ(c.signing_public_key, pair.public_key);
  ASSERT_TRUE(c.rate);
  EXPECT_EQ(c.rate->per_second, 5);
  EXPECT_EQ(c.rate->burst, 9);
}

TEST(Credentials, RefusesBadEntriesNamingThem) {
  const std::string hash = sha256_hex("k1");
  struct Case {
    std::string text;
    std::string names;
  };
  const std::vector<Case> cases = {
      {"{}", "principals"},
      {R"({"principals":[]})", "no principals"},
      {principal(R"(,"color":"red")"), "color"},
      {R"({"principals":[{"id":"P 1","role":"psp","psp":"okaxis","api_key_sha256":")" + hash +
           "\"}]}",
       "principals[0].id"},
      {R"({"principals":[{"id":"p1","role":"root","api_key_sha256":")" + hash + "\"}]}",
       "role must be psp, auditor or admin"},
      {R"({"principals":[{"id":"p1","role":"psp","api_key_sha256":")" + hash + "\"}]}",
       "no psp handle"},
      {R"({"principals":[{"id":"p1","role":"psp","psp":"nosuch","api_key_sha256":")" + hash +
           "\"}]}",
       "\"nosuch\" is not a PSP of the world"},
      {R"({"principals":[{"id":"p1","role":"admin","psp":"okaxis","api_key_sha256":")" + hash +
           "\"}]}",
       "psp is only for role psp"},
      {R"({"principals":[{"id":"p1","role":"admin","api_key_sha256":"abc"}]})",
       "64 lower-case hex digits"},
      {principal(R"(,"signing":{"alg":"rsa","public_key":"AAAA"})"), "alg must be ed25519"},
      {principal(R"(,"signing":{"alg":"ed25519","public_key":"AAAA"})"), "32-byte Ed25519 key"},
      {principal(R"(,"rate":{"burst":5})"), "per_second is required"},
      {principal(R"(,"rate":{"per_second":0})"), "per_second"},
      {R"({"principals":[{"id":"a","role":"admin","api_key_sha256":")" + hash +
           R"("},{"id":"a","role":"auditor","api_key_sha256":")" + sha256_hex("k2") + "\"}]}",
       "\"a\" is listed twice"},
      {R"({"principals":[{"id":"a","role":"admin","api_key_sha256":")" + hash +
           R"("},{"id":"b","role":"auditor","api_key_sha256":")" + hash + "\"}]}",
       "another principal's api key"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_credentials(c.text, demo_world());
    ASSERT_FALSE(parsed) << c.text;
    EXPECT_EQ(parsed.error().code, "INVALID_CREDENTIALS");
    EXPECT_NE(parsed.error().message.find(c.names), std::string::npos)
        << parsed.error().message << " (expected it to name: " << c.names << ")";
    EXPECT_EQ(parsed.error().message.find(hash), std::string::npos) << "no key hash in errors";
  }
}

}  // namespace
}  // namespace upi::api
