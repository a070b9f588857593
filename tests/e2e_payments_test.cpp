// Payments over real HTTP against the upi-switch binary: rails, balances, idempotency,
// read views, the ledger and metrics.
#include <thread>

#include "ledger/event.h"
#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

TEST(E2ePayments, EachRailAtItsExactBoundaries) {
  SwitchProcess sw;
  const std::pair<const char*, const char*> cases[] = {
      {"0.01", "IMPS"},      {"50000.00", "IMPS"},  {"50000.01", "NEFT"},
      {"200000.00", "NEFT"}, {"200000.01", "RTGS"}, {"1000000.00", "RTGS"}};
  for (const auto& [amount, rail] : cases) {
    const Paise payer = balance(sw, "dev@okhdfc"), payee = balance(sw, "alice@okaxis");
    auto payment = pay(sw, "dev@okhdfc", "alice@okaxis", amount);
    EXPECT_EQ(str(payment, "status"), "COMPLETED") << amount;
    EXPECT_EQ(str(payment, "rail"), rail) << amount;
    EXPECT_EQ(str(payment, "amount"), amount);
    const Paise paise = parse_money(amount).value();
    EXPECT_EQ(balance(sw, "dev@okhdfc"), payer - paise) << amount;
    EXPECT_EQ(balance(sw, "alice@okaxis"), payee + paise) << amount;
  }
  EXPECT_EQ(sw.terminate(), 0);
}

TEST(E2ePayments, ReplaysTheSameKeyAndRefusesAnotherBody) {
  SwitchProcess sw;
  const std::string body = payment_body("alice@okaxis", "bob@ybl", "99.00");
  const auto first =
      sw.request("POST", "/v1/payments", body, {{"Idempotency-Key", "k-1"}, {"Prefer", "wait=5"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string id = str(parse_body(first), "id");
  EXPECT_EQ(first.header("location"), "/v1/payments/" + id);
  const Paise alice = balance(sw, "alice@okaxis");

  const auto again = sw.request("POST", "/v1/payments", body, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.header("idempotency-replayed"), "true");
  EXPECT_EQ(str(parse_body(again), "id"), id);
  EXPECT_EQ(str(parse_body(again), "status"), "COMPLETED");

  const auto other =
      sw.request("POST", "/v1/payments", payment_body("alice@okaxis", "bob@ybl", "98.00"),
                 {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(str(parse_body(other), "code"), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
}

TEST(E2ePayments, FiftyConcurrentRequestsWithOneKeyMakeOnePayment) {
  SwitchProcess sw;
  const Paise carol = balance(sw, "carol@paytm");
  const std::string body = payment_body("carol@paytm", "bob@ybl", "10.00");
  std::vector<int> statuses(50);
  std::vector<std::string> ids(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      auto res = sw.request("POST", "/v1/payments", body, {{"Idempotency-Key", "same-key"}});
      statuses[i] = res.status;
      if (res.status == 200 || res.status == 201) ids[i] = str(parse_body(res), "id");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  std::set<std::string> distinct;
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(statuses[i] == 201 || statuses[i] == 200 || statuses[i] == 409) << statuses[i];
    if (!ids[i].empty()) distinct.insert(ids[i]);
  }
  EXPECT_EQ(distinct.size(), 1u);
  // Wait for the one payment to finish: exactly one payment, one debit.
  auto done = sw.request("POST", "/v1/payments", body,
                         {{"Idempotency-Key", "same-key"}, {"Prefer", "wait=10"}});
  EXPECT_EQ(str(parse_body(done), "status"), "COMPLETED");
  auto listed = sw.get_json("/v1/payments?vpa=carol@paytm&limit=100&min_position=" +
                            std::to_string(parse_body(done)["ledger_position"].as_int64()));
  EXPECT_EQ(listed["items"].as_array().size(), 1u);
  EXPECT_EQ(balance(sw, "carol@paytm"), carol - 10'00);
}

TEST(E2ePayments, ReadViewsListNewestFirstWithCursors) {
  SwitchProcess sw;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(str(pay(sw, "hari@okhdfc", "carol@paytm", "1.00"), "id"));
  const auto last = sw.get_json("/v1/payments/" + ids.back());
  const std::string fresh =
      "&min_position=" + std::to_string(last.at("ledger_position").as_int64());
  auto page1 = sw.get_json("/v1/payments?vpa=hari@okhdfc&limit=3" + fresh);
  ASSERT_EQ(page1["items"].as_array().size(), 3u);
  EXPECT_EQ(str(page1["items"].as_array()[0].as_object(), "id"), ids[4]);
  const std::string cursor(page1["next_cursor"].as_string());
  auto page2 = sw.get_json("/v1/payments?vpa=hari@okhdfc&limit=3&cursor=" + cursor);
  ASSERT_EQ(page2["items"].as_array().size(), 2u);
  EXPECT_EQ(str(page2["items"].as_array()[1].as_object(), "id"), ids[0]);
  EXPECT_TRUE(page2["next_cursor"].is_null());
  auto completed = sw.get_json("/v1/payments?status=COMPLETED&limit=100");
  EXPECT_EQ(completed["items"].as_array().size(), 5u);
}

TEST(E2ePayments, LedgerHistoryIsOrderedAndHashChained) {
  SwitchProcess sw;
  const auto id = str(pay(sw, "alice@okaxis", "bob@ybl", "5.00"), "id");
  auto events = sw.get_json("/v1/payments/" + id + "/events")["events"].as_array();
  ASSERT_EQ(events.size(), 9u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].as_object().at("version").as_int64(), static_cast<std::int64_t>(i) + 1);
  }
  auto log = sw.get_json("/v1/ledger/events?after=0&limit=1000");
  std::vector<ledger::RecordedEvent> chain;
  for (const auto& v : log["events"].as_array()) {
    const auto& e = v.as_object();
    ledger::RecordedEvent r;
    r.position = e.at("position").as_int64();
    r.hash = std::string(e.at("hash").as_string());
    r.prev_hash = std::string(e.at("prev_hash").as_string());
    chain.push_back(r);
  }
  ASSERT_EQ(chain.size(), 9u);
  EXPECT_EQ(chain[0].prev_hash, ledger::kGenesisHash);
  for (std::size_t i = 1; i < chain.size(); ++i) EXPECT_EQ(chain[i].prev_hash, chain[i - 1].hash);
  EXPECT_EQ(log["next_after"].as_int64(), 9);
  EXPECT_TRUE(sw.get_json("/v1/ledger/events?after=9")["events"].as_array().empty());
}

TEST(E2ePayments, DirectoryHealthAndMetrics) {
  SwitchProcess sw;
  auto vpa = sw.get_json("/v1/vpas/Alice@OKAXIS");
  EXPECT_EQ(str(vpa, "vpa"), "alice@okaxis");
  EXPECT_EQ(str(vpa, "bank"), "HDFC");
  EXPECT_EQ(str(vpa, "account_masked"), "XXXXXXXXXX5678");
  auto banks = sw.get_json("/v1/banks")["banks"].as_array();
  EXPECT_EQ(banks.size(), 5u);
  EXPECT_EQ(sw.get_json("/healthz")["status"], "ok");
  EXPECT_EQ(sw.get_json("/readyz")["status"], "ready");
  pay(sw, "alice@okaxis", "bob@ybl", "5.00");
  auto positions = sw.get_json("/v1/banks/HDFC/positions?min_position=9");
  EXPECT_EQ(str(positions, "net"), "-5.00");
  EXPECT_EQ(str(sw.get_json("/v1/banks/ICICI/positions"), "net"), "5.00");
  auto metrics = sw.request("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("upi_payments{status=\"COMPLETED\",rail=\"IMPS\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body.find(
                "http_requests_total{method=\"POST\",route=\"/v1/payments\",status=\"201\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body.find(
                "http_request_duration_seconds_bucket{route=\"/v1/payments\",le=\"+Inf\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace upi::testing
