// Who may call what: every role against every route (a table), a PSP debiting another PSP's
// customer, idempotency keys per principal, the principal recorded in the ledger, signed
// requests (every refusal code, a captured request replayed), rate limits with exact 429s,
// and the modes (--auth none, a world without credentials). After every refusal the ledger
// and the balances are unchanged.
#include <cstdio>
#include <map>
#include <set>

#include "common/base64.h"
#include "common/ed25519.h"
#include "common/http_signature.h"
#include "tests/credentials_file.h"
#include "tests/e2e_helpers.h"
#include "tests/run_command.h"
#include "tests/source_path.h"
#include "tests/sse_client.h"

namespace upi::testing {
namespace {

std::int64_t ledger_head(const SwitchProcess& sw) {
  auto events = sw.get_json("/v1/ledger/events?after=0&limit=1000")["events"].as_array();
  return events.empty() ? 0 : events.back().as_object().at("position").as_int64();
}

// The caller in a row of the matrix, by demo key ("" = no credentials at all).
struct Who {
  std::string name;
  std::string key;
};
const std::vector<Who> kWho = {{"nobody", ""},
                               {"wrong key", "not-a-key"},
                               {"okaxis psp", "demo-okaxis-key"},
                               {"ybl psp", "demo-ybl-key"},
                               {"paytm psp", "demo-paytm-key"},
                               {"auditor", "demo-auditor-key"},
                               {"admin", "demo-admin-key"}};

struct Row {
  std::string method;
  std::string target;
  std::string body;
  std::vector<int> expected;  // one status per kWho entry
};

// Every route, as its role table says (README: Principals). The payment is alice@okaxis ->
// bob@ybl: okaxis and ybl are its PSPs, paytm is not.
std::vector<Row> matrix(const std::string& payment_id, const std::string& refund_id,
                        const std::string& collect_id) {
  const std::string pay = payment_body("alice@okaxis", "bob@ybl", "1.00");
  const std::string p = "/v1/payments/" + payment_id;
  const std::string r = "/v1/refunds/" + refund_id;
  const std::string c = "/v1/collect-requests/" + collect_id;
  const std::string ask = R"({"payee_vpa":"bob@ybl","payer_vpa":"alice@okaxis","amount":"1.00"})";
  return {
      {"POST", "/v1/payments", pay, {401, 401, 201, 403, 403, 403, 201}},
      {"GET", "/v1/payments", "", {401, 401, 200, 200, 200, 200, 200}},
      {"GET", p, "", {401, 401, 200, 200, 404, 200, 200}},
      {"GET", p + "/events", "", {401, 401, 200, 200, 404, 200, 200}},
      // Only the payee's PSP (ybl) refunds; the payer's PSP, a stranger and operators may not.
      {"POST", p + "/refunds", R"({"amount":"0.01"})", {401, 401, 403, 201, 403, 403, 403}},
      {"GET", p + "/refunds", "", {401, 401, 200, 200, 404, 200, 200}},
      {"GET", r, "", {401, 401, 200, 200, 404, 200, 200}},
      {"GET", r + "/events", "", {401, 401, 200, 200, 404, 200, 200}},
      // Only the payee's PSP (ybl) asks; only the payer's (okaxis) answers: it declines first,
      // so its approval after is 409.
      {"POST", "/v1/collect-requests", ask, {401, 401, 403, 201, 403, 403, 403}},
      {"GET", "/v1/collect-requests", "", {401, 401, 200, 200, 200, 200, 200}},
      {"GET", c, "", {401, 401, 200, 200, 404, 200, 200}},
      {"POST", c + "/decline", "", {401, 401, 200, 403, 404, 403, 403}},
      {"POST", c + "/approve", "", {401, 401, 409, 403, 404, 403, 403}},
      {"GET", "/v1/ledger/events", "", {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/v1/ledger/verify", "", {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/v1/vpas/bob@ybl", "", {401, 401, 200, 200, 200, 200, 200}},
      {"GET", "/v1/vpas/alice@okaxis/balance", "", {401, 401, 200, 403, 403, 200, 200}},
      {"GET", "/v1/banks", "", {401, 401, 200, 200, 200, 200, 200}},
      {"GET", "/v1/banks/HDFC/positions", "", {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/v1/admin/banks/HDFC/faults", "", {401, 401, 403, 403, 403, 200, 200}},
      {"PUT",
       "/v1/admin/banks/HDFC/faults",
       R"({"rules":[]})",
       {401, 401, 403, 403, 403, 403, 200}},
      {"DELETE", "/v1/admin/banks/HDFC/faults", "", {401, 401, 403, 403, 403, 403, 200}},
      {"GET", "/v1/settlement/cycles", "", {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/v1/settlement/cycles/current", "", {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/v1/settlement/cycles/1", "", {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/v1/settlement/cycles/1/report.csv", "", {401, 401, 403, 403, 403, 200, 200}},
      {"POST", "/v1/admin/settlement/close", "", {401, 401, 403, 403, 403, 403, 200}},
      // After the admin's close just above: cycle 1 is closed and has published its roots.
      {"GET",
       "/v1/settlement/cycles/1/banks/HDFC/proof?leg_id=" + payment_id + ":debit:1",
       "",
       {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/v1/settlement/cycles/1/reconciliation", "", {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/healthz", "", {200, 200, 200, 200, 200, 200, 200}},
      {"GET", "/readyz", "", {200, 200, 200, 200, 200, 200, 200}},
      {"GET", "/metrics", "", {401, 401, 403, 403, 403, 200, 200}},
      {"GET", "/v1/no-such-route", "", {401, 401, 404, 404, 404, 404, 404}},
      {"GET", "/v1/me", "", {401, 401, 200, 200, 200, 200, 200}},
      // The console's page and assets hold no data: open to all (its calls carry the key).
      {"GET", "/console", "", {200, 200, 200, 200, 200, 200, 200}},
      {"GET", "/console/console.js", "", {200, 200, 200, 200, 200, 200, 200}},
  };
}

TEST(E2eTrust, EveryRoleAgainstEveryRoute) {
  SwitchProcess sw;
  const std::string id = str(pay(sw, "alice@okaxis", "bob@ybl", "1.00"), "id");
  const std::string refund_id =
      str(parse_body(refund(sw, "demo-ybl-key", id, "0.01", "t-1")), "id");
  Headers ybl = as("demo-ybl-key");
  ybl.emplace_back("Idempotency-Key", "t-2");
  const std::string collect_id =
      str(parse_body(sw.request(
              "POST", "/v1/collect-requests",
              R"({"payee_vpa":"bob@ybl","payer_vpa":"alice@okaxis","amount":"1.00"})", ybl)),
          "id");
  std::set<std::string> covered;
  for (const auto& row : matrix(id, refund_id, collect_id)) {
    covered.insert(row.method + " " + row.target);
    for (std::size_t i = 0; i < kWho.size(); ++i) {
      SCOPED_TRACE(row.method + " " + row.target + " as " + kWho[i].name);
      Headers headers = as(kWho[i].key);
      if (row.method == "POST") headers.emplace_back("Idempotency-Key", fresh_key());
      auto res = sw.request(row.method, row.target, row.body, headers);
      EXPECT_EQ(res.status, row.expected[i]) << res.body;
      if (res.status == 401) {
        EXPECT_EQ(str(parse_body(res), "code"), "UNAUTHENTICATED");
        EXPECT_EQ(res.header("www-authenticate").rfind("Bearer", 0), 0u);
      }
      if (res.status == 403) {
        const std::string code = str(parse_body(res), "code");
        EXPECT_TRUE(code == "FORBIDDEN" || code == "PAYER_NOT_OWNED" ||
                    code == "REFUND_NOT_ALLOWED" || code == "PAYEE_NOT_OWNED" ||
                    code == "COLLECT_NOT_PAYER")
            << res.body;
      }
      if (!kWho[i].key.empty() && res.status != 401 && row.target.starts_with("/v1/")) {
        EXPECT_FALSE(res.header("ratelimit").empty()) << "every admitted answer says the rate";
      }
    }
  }
  // The stream is served outside the router; it answers the same way (a PSP's holds only its
  // customers' payments: APspsLedgerStreamHoldsOnlyItsCustomersPayments).
  for (std::size_t i = 0; i < kWho.size(); ++i) {
    const std::vector<int> expected = {401, 401, 200, 200, 200, 200, 200};
    const std::string auth =
        kWho[i].key.empty() ? "" : "Authorization: Bearer " + kWho[i].key + "\r\n";
    SseClient stream(sw.port(), "/v1/ledger/stream?after=0", auth);
    EXPECT_EQ(stream.read_until("\r\n").rfind("HTTP/1.1 " + std::to_string(expected[i]), 0), 0u)
        << kWho[i].name << ": " << stream.received();
  }
  EXPECT_EQ(covered.size(), 36u);
  // Only what was admitted wrote to the ledger: the first payment, the two admitted POSTs (the
  // okaxis PSP's and the admin's), the admin's two fault changes and its close of cycle 1; no
  // refusal left a trace.
  std::map<std::string, int> types;
  const json::object page = sw.get_json("/v1/ledger/events?after=0&limit=1000");
  for (const auto& e : page.at("events").as_array())
    ++types[std::string(e.as_object().at("type").as_string())];
  EXPECT_EQ(types["PaymentRequested"], 3);
  EXPECT_EQ(types["RefundRequested"], 2);  // the one before the table and the payee PSP's
  EXPECT_EQ(types["CollectRequested"], 2);
  EXPECT_EQ(types["CollectDeclined"], 1);
  EXPECT_EQ(types["CollectApproved"], 0);
  EXPECT_EQ(types["BankFaultsChanged"], 2);
  EXPECT_EQ(types["SettlementCutOff"], 1);
  EXPECT_EQ(types["SettlementCycleClosed"], 1);
}

TEST(E2eTrust, APspsLedgerStreamHoldsOnlyItsCustomersPaymentsAndTheirRefunds) {
  SwitchProcess sw;
  const std::string theirs = str(pay(sw, "carol@paytm", "dev@okhdfc", "1.00"), "id");
  const std::string their_refund =
      str(parse_body(refund(sw, "demo-okhdfc-key", theirs, "0.50", "s-1")), "id");
  const std::string ours = str(pay(sw, "esha@ybl", "alice@okaxis", "2.00"), "id");
  // The payee's PSP refunds; the payer's PSP (ybl) sees the refund too.
  const std::string our_refund =
      str(parse_body(refund(sw, "demo-okaxis-key", ours, "1.00", "s-2")), "id");
  SseClient psp(sw.port(), "/v1/ledger/stream?after=0", "Authorization: Bearer demo-ybl-key\r\n");
  // The stream is in ledger order, so once it shows our refund it has passed all of theirs.
  psp.read_until("\"stream\":\"refund-" + our_refund);
  EXPECT_NE(psp.received().find("payment-" + ours), std::string::npos) << psp.received();
  EXPECT_EQ(psp.received().find(theirs), std::string::npos) << psp.received();
  EXPECT_EQ(psp.received().find(their_refund), std::string::npos) << psp.received();
  EXPECT_EQ(psp.received().find("event: BankFaultsChanged"), std::string::npos);
  SseClient auditor(sw.port(), "/v1/ledger/stream?after=0",
                    "Authorization: Bearer demo-auditor-key\r\n");
  auditor.read_until("\"stream\":\"refund-" + our_refund);
  EXPECT_NE(auditor.received().find("payment-" + theirs), std::string::npos);
  EXPECT_NE(auditor.received().find("refund-" + their_refund), std::string::npos);
}

TEST(E2eTrust, APspCannotDebitAnotherPspsCustomerAndNothingChanges) {
  SwitchProcess sw;
  const Paise total = total_balance(sw);
  const std::int64_t head = ledger_head(sw);
  Headers headers = as("demo-ybl-key");
  headers.emplace_back("Idempotency-Key", "steal-1");
  auto res = sw.request("POST", "/v1/payments", payment_body("alice@okaxis", "bob@ybl", "500.00"),
                        headers);
  EXPECT_EQ(res.status, 403) << res.body;
  EXPECT_EQ(str(parse_body(res), "code"), "PAYER_NOT_OWNED");
  EXPECT_EQ(ledger_head(sw), head);
  EXPECT_EQ(total_balance(sw), total);
  // Its own customer, to someone else's: fine.
  auto own =
      sw.request("POST", "/v1/payments", payment_body("bob@ybl", "alice@okaxis", "5.00"), headers);
  EXPECT_EQ(own.status, 201) << own.body;
}

TEST(E2eTrust, IdempotencyKeysBelongToTheirPrincipalAndThePrincipalIsRecorded) {
  SwitchProcess sw;
  auto post = [&](const std::string& key, const std::string& payer, const std::string& amount) {
    Headers headers = as(key);
    headers.emplace_back("Idempotency-Key", "shared-key");
    return sw.request("POST", "/v1/payments", payment_body(payer, "carol@paytm", amount), headers);
  };
  auto first = post("demo-okaxis-key", "alice@okaxis", "2.00");
  auto second = post("demo-okhdfc-key", "dev@okhdfc", "2.00");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_NE(str(parse_body(first), "id"), str(parse_body(second), "id"));
  auto replay = post("demo-okaxis-key", "alice@okaxis", "2.00");
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(str(parse_body(replay), "id"), str(parse_body(first), "id"));
  auto other_body = post("demo-okaxis-key", "alice@okaxis", "3.00");
  EXPECT_EQ(other_body.status, 422);
  EXPECT_EQ(str(parse_body(other_body), "code"), "IDEMPOTENCY_KEY_REUSED");
  auto events = sw.get_json("/v1/payments/" + str(parse_body(second), "id") + "/events");
  const auto& requested = events["events"].as_array().front().as_object();
  EXPECT_EQ(requested.at("data").as_object().at("requested_by").as_string(), "demo-okhdfc");
}

TEST(E2eTrust, FaultRuleChangesAreLedgerEventsNamingTheAdmin) {
  SwitchProcess sw;
  auto set = sw.request("PUT", "/v1/admin/banks/ICICI/faults",
                        R"({"rules":[{"operation":"credit","action":"fail","count":1}]})");
  ASSERT_EQ(set.status, 200) << set.body;
  ASSERT_EQ(sw.request("DELETE", "/v1/admin/banks/ICICI/faults").status, 200);
  auto events = sw.get_json("/v1/ledger/events?after=0")["events"].as_array();
  ASSERT_EQ(events.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& e = events[i].as_object();
    EXPECT_EQ(e.at("type").as_string(), "BankFaultsChanged");
    EXPECT_EQ(e.at("stream").as_string(), "bank-ICICI");
    EXPECT_EQ(e.at("data").as_object().at("changed_by").as_string(), "demo-admin");
    EXPECT_EQ(e.at("data").as_object().at("rules").as_array().size(), i == 0 ? 1u : 0u);
  }
  // A refused change is not recorded.
  EXPECT_EQ(
      sw.request("PUT", "/v1/admin/banks/ICICI/faults", R"({"rules":[]})", as("demo-auditor-key"))
          .status,
      403);
  EXPECT_EQ(ledger_head(sw), 2);
}

// A PSP that signs: its requests, well and badly signed.
class SignedRequests : public ::testing::Test {
 protected:
  const std::string private_key_ = ed25519_generate().private_key;
  CredentialsFile credentials_{
      {TestPrincipal{"gpay-axis", "psp", "okaxis", "gpay-key", private_key_, 0, 0}}};
  SwitchProcess sw_{{"--credentials", credentials_.path()}};

  static std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // A payment request signed with the given parameters (by default, correctly).
  struct Signed {
    std::string body = payment_body("alice@okaxis", "bob@ybl", "1.00");
    std::string key = fresh_key();
    std::vector<std::string> components = {"@method", "@path", "content-digest", "idempotency-key"};
    std::string keyid = "gpay-axis";
    std::int64_t created = now_s();
    std::string nonce = fresh_key();
    std::string signing_key;  // empty: the PSP's own
  };
  Headers sign(const Signed& s) const {
    http::SignatureParams params;
    params.components = s.components;
    params.created = s.created;
    params.keyid = s.keyid;
    params.nonce = s.nonce;
    params.alg = "ed25519";
    const std::string digest = http::content_digest(s.body);
    auto base =
        http::signature_base(params, [&](std::string_view name) -> std::optional<std::string> {
          if (name == "@method") return "POST";
          if (name == "@path") return "/v1/payments";
          if (name == "content-digest") return digest;
          if (name == "idempotency-key") return s.key;
          return std::nullopt;
        });
    const auto signature =
        ed25519_sign(s.signing_key.empty() ? private_key_ : s.signing_key, base.value()).value();
    return {{"Authorization", "Bearer gpay-key"},
            {"Idempotency-Key", s.key},
            {"Content-Digest", digest},
            {"Signature-Input", "sig1=" + http::serialize_signature_params(params)},
            {"Signature", "sig1=:" + base64_encode(signature) + ":"}};
  }
  http::ClientResponse post(const std::string& body, const Headers& headers) const {
    return sw_.request("POST", "/v1/payments", body, headers);
  }
  void expect_refused(const http::ClientResponse& res, const std::string& code) const {
    EXPECT_EQ(res.status, 401) << res.body;
    EXPECT_EQ(str(parse_body(res), "code"), code) << res.body;
    EXPECT_FALSE(res.header("www-authenticate").empty());
  }
};

TEST_F(SignedRequests, AWellSignedRequestPaysOnceAndItsReplayIsRefused) {
  Signed s;
  const Headers headers = sign(s);
  EXPECT_EQ(post(s.body, headers).status, 201);
  const std::int64_t head = ledger_head(sw_);
  expect_refused(post(s.body, headers), "SIGNATURE_REPLAYED");  // a captured request, sent again
  EXPECT_EQ(ledger_head(sw_), head);
  // Reads need no signature.
  EXPECT_EQ(sw_.request("GET", "/v1/payments", "", as("gpay-key")).status, 200);
}

TEST_F(SignedRequests, EveryRefusalHasItsOwnCodeAndChangesNothing) {
  const Paise total = total_balance(sw_);
  const std::int64_t head = ledger_head(sw_);
  Signed s;
  Headers unsigned_headers = {{"Authorization", "Bearer gpay-key"}, {"Idempotency-Key", s.key}};
  expect_refused(post(s.body, unsigned_headers), "SIGNATURE_REQUIRED");

  Headers tampered = sign(Signed{});  // the body is changed after signing
  expect_refused(post(payment_body("alice@okaxis", "bob@ybl", "9000.00"), tampered),
                 "DIGEST_MISMATCH");

  Signed missing_key_cover;
  missing_key_cover.components = {"@method", "@path", "content-digest"};
  expect_refused(post(missing_key_cover.body, sign(missing_key_cover)), "SIGNATURE_INVALID");

  Signed other_keyid;
  other_keyid.keyid = "admin";
  expect_refused(post(other_keyid.body, sign(other_keyid)), "SIGNATURE_INVALID");

  Signed wrong_key;
  wrong_key.signing_key = ed25519_generate().private_key;
  expect_refused(post(wrong_key.body, sign(wrong_key)), "SIGNATURE_INVALID");

  for (std::int64_t skew : {-301, 301}) {
    Signed stale;
    stale.created = now_s() + skew;
    expect_refused(post(stale.body, sign(stale)), "SIGNATURE_EXPIRED");
  }

  Signed garbled;
  Headers garbled_headers = sign(garbled);
  garbled_headers.back().second = "sig1=:not base64:";
  expect_refused(post(garbled.body, garbled_headers), "SIGNATURE_INVALID");

  EXPECT_EQ(ledger_head(sw_), head);
  EXPECT_EQ(total_balance(sw_), total);
  // A refused nonce was not used up: the same nonce, signed well, goes through.
  Signed retry;
  retry.nonce = wrong_key.nonce;
  EXPECT_EQ(post(retry.body, sign(retry)).status, 201);
}

TEST(E2eTrust, ARateLimitAnswersExactly429WithTheTimeToWait) {
  CredentialsFile credentials({TestPrincipal{"slow-psp", "psp", "okaxis", "slow-key", "", 1, 3}});
  SwitchProcess sw({"--credentials", credentials.path()});
  std::vector<int> statuses;
  std::vector<std::string> remaining;
  http::ClientResponse last;
  for (int i = 0; i < 4; ++i) {
    last = sw.request("GET", "/v1/banks", "", as("slow-key"));
    statuses.push_back(last.status);
    remaining.push_back(last.header("ratelimit"));
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 429}));
  EXPECT_EQ(remaining[0].rfind("\"principal\";r=2;", 0), 0u) << remaining[0];
  EXPECT_EQ(remaining[2].rfind("\"principal\";r=0;", 0), 0u) << remaining[2];
  EXPECT_EQ(str(parse_body(last), "code"), "RATE_LIMITED");
  EXPECT_EQ(last.header("retry-after"), "1");
  EXPECT_EQ(last.header("ratelimit-policy"), "\"principal\";q=3;w=3");
  // Another principal is not slowed by it.
  EXPECT_EQ(sw.request("GET", "/v1/banks").status, 200);
}

TEST(E2eTrust, AuthNoneIsExplicitAndShownInReadyz) {
  SwitchProcess sw({"--auth", "none"});
  EXPECT_EQ(str(sw.get_json("/readyz"), "auth"), "none");
  EXPECT_EQ(sw.request("GET", "/v1/ledger/events", "", as("")).status, 200);
  SwitchProcess authenticating;
  EXPECT_EQ(str(authenticating.get_json("/readyz"), "auth"), "required");
}

TEST(E2eTrust, AWorldFileWithoutCredentialsRefusesToStartAndSaysWhatToPass) {
  const CommandRun run = run_command(binary_path("upi-switch") + " --listen 127.0.0.1:0 --world " +
                                     source_path("specs/demo-world.json"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("--credentials FILE"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("--auth none"), std::string::npos) << run.output;
}

TEST(E2eTrust, MetricsListenServesScrapersWithoutCredentials) {
  const std::uint16_t scrape_port = reserve_loopback_port();
  SwitchProcess sw({"--metrics-listen", "127.0.0.1:" + std::to_string(scrape_port)});
  auto scraped =
      http::fetch("127.0.0.1", scrape_port, http::ClientRequest{"GET", "/metrics", "", {}}, 5'000);
  ASSERT_TRUE(scraped.has_value());
  EXPECT_EQ(scraped->status, 200);
  EXPECT_NE(scraped->body.find("upi_sagas_active"), std::string::npos);
  auto elsewhere = http::fetch("127.0.0.1", scrape_port,
                               http::ClientRequest{"GET", "/v1/ledger/events", "", {}}, 5'000);
  ASSERT_TRUE(elsewhere.has_value());
  EXPECT_EQ(elsewhere->status, 404) << "the scrape listener serves nothing else";
}

}  // namespace
}  // namespace upi::testing
