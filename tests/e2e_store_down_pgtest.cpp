// The durable switch when its database goes away and comes back (a proxy in between is cut):
// writes and ledger reads are refused with 503 STORE_UNAVAILABLE and record nothing, /readyz
// says NOT_READY; once the database is back, the same request (same Idempotency-Key) makes
// exactly one payment.
#include <thread>

#include "tests/db_proxy.h"
#include "tests/durable_helpers.h"

namespace upi::testing {
namespace {

TEST(E2eStoreDown, AnUnreachableDatabaseIsStoreUnavailableAndARefusedRequestChangesNothing) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "storedown" + std::to_string(::getpid());
  DbProxy proxy(database_url());
  SwitchProcess sw({"--database-url", proxy.conninfo(), "--database-schema", schema});
  const json::object first = pay(sw, "alice@okaxis", "bob@ybl", "1.00");
  ASSERT_EQ(str(first, "status"), "COMPLETED");

  proxy.cut();
  const std::string key = fresh_key();
  const std::string body = payment_body("carol@paytm", "dev@okhdfc", "7.00");
  const auto refused = sw.request("POST", "/v1/payments", body, {{"Idempotency-Key", key}});
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(str(parse_body(refused), "code"), "STORE_UNAVAILABLE") << refused.body;
  const auto events = sw.request("GET", "/v1/payments/" + str(first, "id") + "/events");
  EXPECT_EQ(events.status, 503) << events.body;
  EXPECT_EQ(str(parse_body(events), "code"), "STORE_UNAVAILABLE") << events.body;
  // Every other read answers too, as the document says (SwitchProcess checks each answer).
  for (const std::string& target :
       {"/v1/payments/" + str(first, "id"), std::string("/v1/payments?limit=5"),
        std::string("/v1/ledger/events?after=0"), std::string("/v1/banks/HDFC/positions"),
        std::string("/v1/ledger/verify"), std::string("/metrics")}) {
    const auto res = sw.request("GET", target);
    EXPECT_NE(res.status, 500) << target << ": " << res.body;
  }

  const auto not_ready = sw.request("GET", "/readyz");
  EXPECT_EQ(not_ready.status, 503) << not_ready.body;
  EXPECT_EQ(str(parse_body(not_ready), "code"), "NOT_READY") << not_ready.body;

  proxy.restore();
  http::ClientResponse accepted;
  poll_until(  // a client retrying while the switch has no database
      [&] {
        accepted = sw.request("POST", "/v1/payments", body, {{"Idempotency-Key", key}});
        return accepted.status != 503;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100));
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(str(sw.get_json("/readyz"), "status"), "ready");
  const auto replay = sw.request("POST", "/v1/payments", body, {{"Idempotency-Key", key}});
  EXPECT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(str(parse_body(replay), "id"), str(parse_body(accepted), "id"));
  auto requested = sql(schema, "SELECT count(*) FROM events WHERE type = 'PaymentRequested'");
  ASSERT_TRUE(requested.has_value()) << requested.error().message;
  EXPECT_EQ(requested->int64(0, 0), 2) << "the refused request left a payment behind";
}

}  // namespace
}  // namespace upi::testing
