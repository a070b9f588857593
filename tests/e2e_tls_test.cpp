// HTTPS: the switch serves TLS only when given a certificate, verifies client certificates
// with --tls-client-ca (mutual TLS), and talks to a upi-bank over HTTPS (--bank-ca), all with
// throwaway certificates that openssl makes at test time.
#include <filesystem>
#include <fstream>

#include "common/child_process.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "tests/credentials_file.h"
#include "tests/e2e_helpers.h"
#include "tests/sse_client.h"
#include "tests/test_certificates.h"

namespace upi::testing {
namespace {

const http::ClientRequest kBanks{
    "GET", "/v1/banks", "", {{"Authorization", "Bearer demo-admin-key"}}};

Result<http::ClientResponse> get_over_tls(std::uint16_t port,
                                          const std::shared_ptr<tls::Context>& context) {
  return http::fetch("127.0.0.1", port, kBanks, 5'000, context);
}

TEST(E2eTls, TheSwitchServesHttpsOnlyWithItsCertificate) {
  TestCertificates certs;
  SwitchProcess sw({"--tls-cert", certs.server_cert(), "--tls-key", certs.server_key()});
  auto trusted = get_over_tls(sw.port(), tls::client_context(certs.ca()).value());
  ASSERT_TRUE(trusted.has_value()) << trusted.error().message;
  EXPECT_EQ(trusted->status, 200);
  EXPECT_NE(trusted->body.find("HDFC"), std::string::npos);
  // A client that does not trust the switch's CA stops at the handshake.
  auto untrusted = get_over_tls(sw.port(), tls::client_context("").value());
  ASSERT_FALSE(untrusted.has_value());
  EXPECT_NE(untrusted.error().message.find("TLS handshake"), std::string::npos);
  // Plain HTTP gets no HTTP answer at all.
  RawClient plain(sw.port());
  plain.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(plain.read_to_end().find("HTTP/1.1 200"), std::string::npos) << plain.received();
}

TEST(E2eTls, MutualTlsRefusesAClientWithoutACertificateTheCaSigned) {
  TestCertificates certs;
  SwitchProcess sw({"--tls-cert", certs.server_cert(), "--tls-key", certs.server_key(),
                    "--tls-client-ca", certs.ca()});
  auto without = get_over_tls(sw.port(), tls::client_context(certs.ca()).value());
  EXPECT_FALSE(without.has_value()) << "answered " << (without ? without->status : 0);
  auto rogue = get_over_tls(
      sw.port(), tls::client_context(certs.ca(), certs.rogue_cert(), certs.rogue_key()).value());
  EXPECT_FALSE(rogue.has_value()) << "answered " << (rogue ? rogue->status : 0);
  auto with = get_over_tls(
      sw.port(), tls::client_context(certs.ca(), certs.client_cert(), certs.client_key()).value());
  ASSERT_TRUE(with.has_value()) << with.error().message;
  EXPECT_EQ(with->status, 200);
  // The client certificate does not replace the API key: it is checked as well.
  http::ClientRequest anonymous{"GET", "/v1/banks", "", {}};
  auto keyless =
      http::fetch("127.0.0.1", sw.port(), anonymous, 5'000,
                  tls::client_context(certs.ca(), certs.client_cert(), certs.client_key()).value());
  ASSERT_TRUE(keyless.has_value());
  EXPECT_EQ(keyless->status, 401);
}

TEST(E2eTls, TheSwitchPaysThroughABankThatSpeaksHttps) {
  TestCertificates certs;
  char dir_template[] = "/tmp/upi-tls-bank.XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::uint16_t bank_port = reserve_loopback_port();
  auto world = parse_json_object(demo_world_json(), 16).value();
  for (auto& bank : world["banks"].as_array()) {
    if (string_or_empty(bank.as_object(), "code") == "ICICI")
      bank.as_object()["endpoint"] = "https://127.0.0.1:" + std::to_string(bank_port);
  }
  std::ofstream(dir + "/world.json") << to_json(world);
  std::ofstream(dir + "/bank.key") << "tls-bank-key";
  auto bank = ChildProcess::start(
      {sibling_binary("banks", "upi-bank"), "--bank", "ICICI", "--world", dir + "/world.json",
       "--listen", "127.0.0.1:" + std::to_string(bank_port), "--log-level", "warn",
       "--switch-key-sha256", sha256_hex("tls-bank-key"), "--tls-cert", certs.server_cert(),
       "--tls-key", certs.server_key()},
      std::chrono::seconds(10));
  ASSERT_TRUE(bank.has_value()) << bank.error().message;
  CredentialsFile credentials({});
  SwitchProcess sw({"--world", dir + "/world.json", "--credentials", credentials.path(),
                    "--bank-key-file", dir + "/bank.key", "--bank-ca", certs.ca()});
  const Paise bob = balance(sw, "bob@ybl");  // an ICICI account: a balance call over HTTPS
  auto paid = pay(sw, "alice@okaxis", "bob@ybl", "12.00");
  EXPECT_EQ(str(paid, "status"), "COMPLETED") << to_json(paid);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob + 1200);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace upi::testing
