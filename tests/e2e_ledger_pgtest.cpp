// GET /v1/ledger/verify over HTTP on the durable store finds an event changed behind the switch's
// back (by someone able to switch the append-only triggers off), and names its position.
#include "tests/durable_helpers.h"

namespace upi::testing {
namespace {

TEST(E2eLedgerDurable, VerifyReportsAnEventTamperedWithInTheDatabase) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "tamper" + std::to_string(::getpid());
  SwitchProcess sw({"--database-url", database_url(), "--database-schema", schema});
  pay(sw, "alice@okaxis", "bob@ybl", "5.00");
  pay(sw, "carol@paytm", "dev@okhdfc", "6.00");
  json::object verdict = sw.get_json("/v1/ledger/verify");
  ASSERT_TRUE(verdict["ok"].as_bool());
  const std::int64_t events = verdict["events_checked"].as_int64();
  ASSERT_GT(events, 5);
  // A superuser can get past the triggers: replication role skips them for one transaction.
  auto tampered = sql(schema,
                      "DO $$ BEGIN SET LOCAL session_replication_role = replica; "
                      "UPDATE events SET data = replace(data, '5.00', '500.00') WHERE position = "
                      "(SELECT min(position) FROM events WHERE data LIKE '%\"5.00\"%'); END $$");
  ASSERT_TRUE(tampered.has_value()) << tampered.error().message;
  auto position = sql(schema, "SELECT min(position) FROM events WHERE data LIKE '%\"500.00\"%'");
  ASSERT_TRUE(position.has_value()) << position.error().message;
  verdict = sw.get_json("/v1/ledger/verify");
  EXPECT_FALSE(verdict["ok"].as_bool()) << to_json(verdict);
  ASSERT_TRUE(verdict["first_broken_position"].is_int64()) << to_json(verdict);
  EXPECT_EQ(verdict["first_broken_position"].as_int64(), position->int64(0, 0));
}

}  // namespace
}  // namespace upi::testing
