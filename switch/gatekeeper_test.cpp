#include "switch/gatekeeper.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/ed25519.h"
#include "common/http_signature.h"
#include "common/sha256.h"

namespace upi::api {
namespace {

constexpr std::int64_t kStart_s = 1'800'000'000;

class GatekeeperTest : public ::testing::Test {
 protected:
  Ed25519KeyPair pair_ = ed25519_generate();
  ManualClock clock_{kStart_s * 1000};

  Gatekeeper gate(GateLimits limits) {
    Credentials credentials;
    Credential c;
    c.principal = Principal{"psp-1", Role::kPsp, "okaxis"};
    c.api_key_sha256 = sha256_bytes("key-1");
    c.signing_public_key = pair_.public_key;
    c.rate = RateLimit{1000, 1000};
    credentials.principals.push_back(c);
    return Gatekeeper(std::move(credentials), clock_, limits);
  }

  http::Request signed_post(std::int64_t created_s, const std::string& nonce) const {
    http::Request request{http::beast_http::verb::post, "/v1/payments", 11};
    request.body() = R"({"amount":"1.00"})";
    request.set("Authorization", "Bearer key-1");
    request.set("Idempotency-Key", "k-" + nonce);
    auto headers = http::sign_request({"POST", "/v1/payments", "k-" + nonce, request.body()},
                                      pair_.private_key, "psp-1", created_s, nonce)
                       .value();
    request.set("Content-Digest", headers.content_digest);
    request.set("Signature-Input", headers.signature_input);
    request.set("Signature", headers.signature);
    return request;
  }

  static std::string outcome(const std::expected<Caller, Refusal>& admitted) {
    return admitted ? "admitted" : admitted.error().error.code;
  }
};

TEST_F(GatekeeperTest, ReplayMemoryIsBoundedAndNeverLetsAReplayThrough) {
  GateLimits limits;
  limits.nonces_per_principal_max = 2;
  Gatekeeper g = gate(limits);
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s - 10, "n1"))), "admitted");
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s - 5, "n2"))), "admitted");
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s, "n3"))), "admitted");  // n1 is forgotten...
  // ...so a signature as old as n1's can no longer be told from a replay: refused as expired.
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s - 10, "n1"))), "SIGNATURE_EXPIRED");
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s - 10, "n9"))), "SIGNATURE_EXPIRED");
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s, "n3"))), "SIGNATURE_REPLAYED");
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s + 1, "n4"))), "admitted");
}

TEST_F(GatekeeperTest, NoncesAreForgottenOnceTheirSignaturesHaveExpired) {
  Gatekeeper g = gate(GateLimits{});
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s, "n1"))), "admitted");
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s, "n1"))), "SIGNATURE_REPLAYED");
  clock_.advance_ms(301'000);
  // The old signature is now expired, whatever its nonce; a fresh one may reuse the nonce.
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s, "n1"))), "SIGNATURE_EXPIRED");
  EXPECT_EQ(outcome(g.admit(signed_post(kStart_s + 301, "n1"))), "admitted");
}

TEST_F(GatekeeperTest, UnknownAndMalformedKeysAreUnauthenticated) {
  Gatekeeper g = gate(GateLimits{});
  for (const char* authorization : {"", "Bearer", "Bearer ", "Basic a2V5LTE=", "Bearer key-2"}) {
    http::Request request{http::beast_http::verb::get, "/v1/banks", 11};
    if (*authorization != '\0') request.set("Authorization", authorization);
    auto admitted = g.admit(request);
    ASSERT_FALSE(admitted) << authorization;
    EXPECT_EQ(admitted.error().error.code, "UNAUTHENTICATED");
    EXPECT_EQ(admitted.error().error.message.find("key-"), std::string::npos)
        << "a presented key is never echoed";
  }
  http::Request good{http::beast_http::verb::get, "/v1/banks", 11};
  good.set("Authorization", "bearer   key-1");  // the scheme is case-insensitive
  auto admitted = g.admit(good);
  ASSERT_TRUE(admitted);
  EXPECT_EQ(admitted->principal->id, "psp-1");
}

TEST_F(GatekeeperTest, WithoutAuthenticationEveryoneIsTheAnonymousAdmin) {
  Gatekeeper g = Gatekeeper::without_authentication(clock_);
  http::Request request{http::beast_http::verb::delete_, "/v1/admin/banks/HDFC/faults", 11};
  auto admitted = g.admit(request);
  ASSERT_TRUE(admitted);
  EXPECT_EQ(admitted->principal->role, Role::kAdmin);
  EXPECT_FALSE(g.authenticating());
}

}  // namespace
}  // namespace upi::api
