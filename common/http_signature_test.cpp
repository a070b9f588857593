#include "common/http_signature.h"

#include <gtest/gtest.h>

#include <map>

#include "common/base64.h"
#include "common/ed25519.h"

namespace upi::http {
namespace {

// RFC 9421 appendix B.1.4's test key and B.2.6's request: an interoperability check.
const std::string kRfcPrivateKey = *base64_decode("n4Ni+HpISpVObnQMW0wOhCKROaIKqKtW/2ZYb2p9KcU=");
const std::string kRfcPublicKey = *base64_decode("JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=");
constexpr char kRfcSignatureInput[] =
    "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" "
    "\"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
constexpr char kRfcSignature[] =
    "sig-b26=:"
    "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw"
    "==:";

std::optional<std::string> rfc_request(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> values = {
      {"date", "Tue, 20 Apr 2021 02:07:55 GMT"},
      {"@method", "POST"},
      {"@path", "/foo"},
      {"@authority", "example.com"},
      {"content-type", "application/json"},
      {"content-length", "18"}};
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
}

TEST(Base64, RefusesWhatIsNotCanonical) {
  for (const char* bad :
       {"Zm9", "Zm8", "Zm9=v", "Z m8=", "Zm9=Zm9=", "Zm9-", "Zm9_", "Zm+=", "Zg==Zg==", "Zh=="}) {
    EXPECT_FALSE(base64_decode(bad)) << bad;
  }
}

TEST(Ed25519, SignsAndVerifiesAndRefusesAlteredInput) {
  const auto pair = ed25519_generate();
  EXPECT_EQ(ed25519_public_key(pair.private_key), pair.public_key);
  const auto signature = ed25519_sign(pair.private_key, "pay 1.00").value();
  EXPECT_TRUE(ed25519_verify(pair.public_key, "pay 1.00", signature));
  EXPECT_FALSE(ed25519_verify(pair.public_key, "pay 9.00", signature));
  std::string flipped = signature;
  flipped[5] ^= 1;
  EXPECT_FALSE(ed25519_verify(pair.public_key, "pay 1.00", flipped));
  EXPECT_FALSE(ed25519_verify(pair.public_key.substr(1), "pay 1.00", signature));
  EXPECT_FALSE(ed25519_sign("short", "x"));
}

TEST(HttpSignature, VerifiesRfc9421ExampleB26) {
  auto received = parse_signature(kRfcSignatureInput, kRfcSignature);
  ASSERT_TRUE(received) << received.error().message;
  EXPECT_EQ(received->label, "sig-b26");
  EXPECT_EQ(received->params.keyid, "test-key-ed25519");
  EXPECT_EQ(received->params.created, 1618884473);
  auto base = signature_base(received->params, rfc_request);
  ASSERT_TRUE(base);
  EXPECT_EQ(*base,
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": "
            "/foo\n\"@authority\": example.com\n\"content-type\": application/json\n"
            "\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" "
            "\"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-"
            "key-ed25519\"");
  EXPECT_TRUE(ed25519_verify(kRfcPublicKey, *base, received->signature));
  EXPECT_EQ(ed25519_sign(kRfcPrivateKey, *base), received->signature);  // Ed25519 is deterministic
}

TEST(HttpSignature, KeepsTheParameterOrderItWasSent) {
  auto received = parse_signature(
      "s=(\"@method\");nonce=\"n\";created=5;alg=\"ed25519\";keyid=\"k\"", "s=:AAAA:");
  ASSERT_TRUE(received);
  EXPECT_EQ(serialize_signature_params(received->params),
            "(\"@method\");nonce=\"n\";created=5;alg=\"ed25519\";keyid=\"k\"");
}

TEST(HttpSignature, RefusesMalformedHeadersPrecisely) {
  const std::string sig = "s=:AAAA:";
  for (const char* input : {"", "s", "s=", "s=\"@method\"", "s=(\"@method\"", "s=(@method)",
                            "s=(\"@method\" \"@method\")", "s=(\"@method\");created=x",
                            "s=(\"@method\");created=1;created=2", "s=(\"@method\");keyid=k",
                            "s=(\"@method\");color=\"red\"", "s=(\"@method\"), t=(\"@path\")",
                            "s=(\"@method\";sf)", "S=(\"@method\")", "s=(\"@method\") x"}) {
    auto received = parse_signature(input, sig);
    ASSERT_FALSE(received) << input;
    EXPECT_EQ(received.error().code, "SIGNATURE_INVALID") << input;
    EXPECT_EQ(received.error().kind, ErrorKind::kUnauthenticated);
  }
  for (const char* signature : {"", "s=AAAA", "s=:AAA:", "t=:AAAA:", "s=:AAAA:, t=:AAAA:"}) {
    EXPECT_FALSE(parse_signature("s=(\"@method\")", signature)) << signature;
  }
  EXPECT_FALSE(parse_signature(std::string(5000, 'a'), sig));
}

TEST(HttpSignature, BaseRefusesAbsentOrUnsupportedComponents) {
  SignatureParams params;
  for (const char* component : {"x-absent", "@target-uri", "@signature-params", "Date"}) {
    params.components = {component};
    auto base = signature_base(params, rfc_request);
    ASSERT_FALSE(base) << component;
    EXPECT_EQ(base.error().code, "SIGNATURE_INVALID");
  }
}

TEST(ContentDigest, MatchesOnlyTheBodyItWasMadeFor) {
  const std::string body = R"({"hello": "world"})";
  // RFC 9530 section 2's example.
  EXPECT_EQ(content_digest(body), "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
  EXPECT_TRUE(check_content_digest(content_digest(body), body));
  EXPECT_TRUE(check_content_digest("md5=:AAAA:, " + content_digest(body), body));
  for (const std::string& header :
       {content_digest(body + " "), std::string("sha-512=:AAAA:"), std::string("sha-256=AAAA"),
        std::string(""), std::string("sha-256=:AAAA:")}) {
    auto checked = check_content_digest(header, body);
    ASSERT_FALSE(checked) << header;
    EXPECT_EQ(checked.error().code, "DIGEST_MISMATCH");
  }
}

TEST(HttpSignature, SignedRequestVerifies) {
  const auto pair = ed25519_generate();
  RequestToSign request{"POST", "/v1/payments", "key-1", R"({"amount":"1.00"})"};
  auto headers = sign_request(request, pair.private_key, "gpay", 1'700'000'000, "nonce-1").value();
  auto received = parse_signature(headers.signature_input, headers.signature).value();
  EXPECT_EQ(received.params.components,
            (std::vector<std::string>{"@method", "@path", "content-digest", "idempotency-key"}));
  auto value = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "@method") return "POST";
    if (name == "@path") return "/v1/payments";
    if (name == "content-digest") return headers.content_digest;
    if (name == "idempotency-key") return "key-1";
    return std::nullopt;
  };
  EXPECT_TRUE(ed25519_verify(pair.public_key, signature_base(received.params, value).value(),
                             received.signature));
  EXPECT_TRUE(check_content_digest(headers.content_digest, request.body));
}

}  // namespace
}  // namespace upi::http
