// Raw HTTP against the switch: requests whose framing or headers could be read two ways are
// refused and their connection closed (no request smuggling), a JSON body with a key twice is
// refused, HEAD works wherever GET does, Expect: 100-continue is answered, slow headers get 408
// and a connection over the cap gets 503. After every refusal nothing changed.
#include "tests/e2e_helpers.h"
#include "tests/sse_client.h"

namespace upi::testing {
namespace {

const std::string kPayment =
    R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"1.00"})";

std::string post_payment(const std::string& key, const std::string& body,
                         const std::string& extra_headers = "") {
  return "POST /v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\n" + kAdminAuthorization +
         "Idempotency-Key: " + key + "\r\nContent-Type: application/json\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

void expect_nothing_changed(const SwitchProcess& sw, Paise total_before) {
  EXPECT_TRUE(sw.get_json("/v1/ledger/events?after=0")["events"].as_array().empty())
      << "a refused request wrote to the ledger";
  EXPECT_TRUE(sw.get_json("/v1/admin/banks/HDFC/faults")["rules"].as_array().empty());
  EXPECT_EQ(total_balance(sw), total_before);
}

TEST(E2eHttp, AJsonKeyWrittenTwiceIsRefusedEvenWhenEscaped) {
  SwitchProcess sw;
  const Paise total = total_balance(sw);
  const Paise alice = balance(sw, "alice@okaxis");
  for (
      const std::string body :
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"1.00","amount":"99999.00"})",
       R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"1.00","\u0061mount":"99999.00"})"}) {
    auto res = sw.request("POST", "/v1/payments", body, {{"Idempotency-Key", "twice"}});
    EXPECT_EQ(res.status, 400) << res.body;
    EXPECT_EQ(str(parse_body(res), "code"), "INVALID_JSON");
    EXPECT_NE(res.body.find("amount"), std::string::npos) << "the detail names the key";
  }
  expect_nothing_changed(sw, total);
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
  // The same key in two different objects is fine: only one object's keys must differ.
  auto rules = sw.request("PUT", "/v1/admin/banks/HDFC/faults",
                          R"({"rules":[{"operation":"debit","action":"fail"},)"
                          R"({"operation":"credit","action":"fail"}]})");
  EXPECT_EQ(rules.status, 200) << rules.body;
}

TEST(E2eHttp, AnUnknownTransferEncodingIsRefusedAndNothingBehindItRuns) {
  SwitchProcess sw;
  const Paise total = total_balance(sw);
  // The body carries a second request (an admin PUT) that a server reading the framing
  // differently would take as the next request on the connection.
  const std::string smuggled_rules = R"({"rules":[{"operation":"debit","action":"fail"}]})";
  const std::string smuggled =
      "PUT /v1/admin/banks/HDFC/faults HTTP/1.1\r\nHost: x\r\n" + kAdminAuthorization +
      "Content-Length: " + std::to_string(smuggled_rules.size()) + "\r\n\r\n" + smuggled_rules;
  for (const std::string encoding : {"xchunked", "chunked, identity", "gzip"}) {
    SCOPED_TRACE(encoding);
    RawClient client(sw.port());
    client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: " + encoding +
                "\r\n\r\n" + smuggled);
    const std::string& answer = client.read_to_end();
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
    EXPECT_NE(answer.find("BAD_TRANSFER_ENCODING"), std::string::npos) << answer;
    EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << "a second answer: " << answer;
    EXPECT_TRUE(client.closed());
  }
  expect_nothing_changed(sw, total);
}

TEST(E2eHttp, AmbiguousHeadersAreRefusedAndChangeNothing) {
  SwitchProcess sw;
  const Paise total = total_balance(sw);
  struct Case {
    std::string request;
    std::string code;
  };
  const std::vector<Case> cases{
      {post_payment("k1", kPayment, "Idempotency-Key: k2\r\n"), "DUPLICATE_HEADER"},
      {post_payment("k3", kPayment, "Content-Length: 3\r\n"), ""},  // the parser's own 400
      {"POST /v1/payments HTTP/1.1\r\n" + kAdminAuthorization +
           "Idempotency-Key: k4\r\nContent-Length: " + std::to_string(kPayment.size()) +
           "\r\n\r\n" + kPayment,
       "MISSING_HOST"},
      {"POST /v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\n" + kAdminAuthorization +
           "Idempotency-Key: k5\r\n"
           "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
       ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.request.substr(0, 120));
    RawClient client(sw.port());
    client.send(c.request);
    const std::string& answer = client.read_to_end();
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
    if (!c.code.empty()) {
      EXPECT_NE(answer.find(c.code), std::string::npos) << answer;
    }
  }
  expect_nothing_changed(sw, total);
}

TEST(E2eHttp, HeadAnswersLikeGetWithoutABody) {
  SwitchProcess sw;
  RawClient client(sw.port());
  client.send("HEAD /v1/banks HTTP/1.1\r\nHost: 127.0.0.1\r\n" + kAdminAuthorization +
              "Connection: close\r\n\r\n");
  const std::string& answer = client.read_to_end();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  const auto header_end = answer.find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_EQ(header_end + 4, answer.size()) << "HEAD carries no body";
  const std::string banks = sw.request("GET", "/v1/banks").body;
  EXPECT_NE(answer.find("Content-Length: " + std::to_string(banks.size())), std::string::npos)
      << answer;
  auto refused = sw.request("DELETE", "/v1/banks");
  EXPECT_EQ(refused.header("allow"), "GET, HEAD");
}

TEST(E2eHttp, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  SwitchProcess sw;
  RawClient client(sw.port());
  client.send("POST /v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\n" + kAdminAuthorization +
              "Idempotency-Key: cont-1\r\n"
              "Content-Type: application/json\r\nExpect: 100-continue\r\nConnection: close\r\n"
              "Content-Length: " +
              std::to_string(kPayment.size()) + "\r\n\r\n");
  EXPECT_EQ(client.read_until("\r\n\r\n").rfind("HTTP/1.1 100 Continue", 0), 0u)
      << client.received();
  client.send(kPayment);
  EXPECT_NE(client.read_to_end().find("HTTP/1.1 201"), std::string::npos) << client.received();
}

TEST(E2eHttp, SlowHeadersGet408AndTheirConnectionClosesWhileOthersAreServed) {
  SwitchProcess sw({"--header-timeout-ms", "300"});
  RawClient slow(sw.port());
  slow.send("GET /healthz HTTP/1.1\r\nHo");  // and then nothing more
  RawClient idle(sw.port());                 // connects and never sends
  EXPECT_EQ(sw.request("GET", "/healthz").status, 200) << "others are served meanwhile";
  EXPECT_EQ(slow.read_to_end().rfind("HTTP/1.1 408", 0), 0u) << slow.received();
  EXPECT_NE(slow.received().find("REQUEST_TIMEOUT"), std::string::npos);
  EXPECT_TRUE(slow.closed());
  EXPECT_EQ(idle.read_to_end(), "") << "an idle connection is closed without an answer";
  EXPECT_TRUE(idle.closed());
}

TEST(E2eHttp, AConnectionOverTheCapGets503AndAFreedPlaceIsTakenAgain) {
  SwitchProcess sw({"--connections-max", "3"});
  const std::string healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(sw.port()));
    held.back()->send(healthz);  // answered, so the switch surely counts the connection
    EXPECT_NE(held.back()->read_until("\"ok\"}").find("HTTP/1.1 200"), std::string::npos);
  }
  RawClient over(sw.port());
  const std::string& refused = over.read_to_end();
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_NE(refused.find("TOO_MANY_CONNECTIONS"), std::string::npos) << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos) << refused;
  held.pop_back();  // one leaves: its place is free once the switch notices the close
  EXPECT_TRUE(poll_until(
      [&] {
        RawClient again(sw.port());
        again.send(healthz);
        return again.read_until("\r\n\r\n").rfind("HTTP/1.1 200", 0) == 0;
      },
      std::chrono::seconds(10)));
}

TEST(E2eHttp, AFloodFromOneAddressLeavesRoomForAnother) {
  SwitchProcess sw({"--connections-per-address-max", "4"});
  const std::string healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::vector<std::unique_ptr<RawClient>> flood;
  for (int i = 0; i < 4; ++i) {
    flood.push_back(std::make_unique<RawClient>(sw.port(), 0, "127.0.0.2"));
    flood.back()->send(healthz);
    EXPECT_NE(flood.back()->read_until("\"ok\"}").find("HTTP/1.1 200"), std::string::npos);
  }
  RawClient fifth(sw.port(), 0, "127.0.0.2");
  const std::string& refused = fifth.read_to_end();
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_NE(refused.find("this address has 4 connections"), std::string::npos) << refused;
  RawClient other(sw.port(), 0, "127.0.0.3");
  other.send(healthz);
  EXPECT_EQ(other.read_until("\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u) << other.received();
  EXPECT_EQ(sw.request("GET", "/v1/banks").status, 200) << "and from 127.0.0.1";
}

TEST(E2eHttp, ABodyThatIsNotJsonIs415AndALongTargetIs414) {
  SwitchProcess sw;
  const Paise total = total_balance(sw);
  // curl -d without -H sends form encoding.
  auto form = sw.request(
      "POST", "/v1/payments", kPayment,
      {{"Idempotency-Key", "form-1"}, {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415) << form.body;
  EXPECT_EQ(str(parse_body(form), "code"), "UNSUPPORTED_MEDIA_TYPE");
  auto with_charset = sw.request(
      "POST", "/v1/payments", kPayment,
      {{"Idempotency-Key", "json-1"}, {"Content-Type", "Application/JSON; charset=utf-8"}});
  EXPECT_EQ(with_charset.status, 201) << with_charset.body;
  auto long_target = sw.request("GET", "/v1/payments?vpa=" + std::string(2100, 'a'));
  EXPECT_EQ(long_target.status, 414) << long_target.body;
  EXPECT_EQ(str(parse_body(long_target), "code"), "TARGET_TOO_LONG");
  EXPECT_EQ(total_balance(sw), total - 0) << "only the JSON payment moved money, between two "
                                             "accounts of the world";
}

}  // namespace
}  // namespace upi::testing
