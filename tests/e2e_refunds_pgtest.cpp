// Refunds and collect requests on two durable nodes sharing one database: partial refunds of one
// payment asked of both nodes at once never add up to more than the payment (the ledger decides,
// not a check on either node), a retry on the other node answers with the same refund, and the
// views that fold them rebuild to the same rows; approvals sent to both nodes as the requests
// expire (both nodes run expiry passes) either pay once or move nothing.
#include <cstdlib>
#include <thread>

#include "tests/durable_helpers.h"

namespace upi::testing {
namespace {

std::vector<std::string> node_args(const std::string& schema, int node) {
  return {"--database-url", database_url(), "--database-schema",
          schema,           "--node-id",    std::to_string(node)};
}

std::string view_rows(const std::string& schema) {
  auto rows = sql(schema,
                  "SELECT (SELECT string_agg(p::text, '|' ORDER BY id) FROM view_payments p) || "
                  "(SELECT string_agg(c::text, '|' ORDER BY counter) FROM view_counters c)");
  EXPECT_TRUE(rows.has_value());
  return rows ? rows->text(0, 0) : "";
}

TEST(E2eRefundsDurable, FiftyRefundsSplitAcrossTwoNodesNeverPassThePayment) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "refunds" + std::to_string(::getpid());
  SwitchProcess one(node_args(schema, 1)), two(node_args(schema, 2));
  const std::string id = str(pay(one, "alice@okaxis", "bob@ybl", "1000.00"), "id");
  const Paise bob = balance(one, "bob@ybl");
  std::vector<int> statuses(50);
  std::vector<std::string> refund_ids(50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 50; i += 10) {
        const SwitchProcess& node = i % 2 == 0 ? one : two;
        auto res = refund(node, "demo-ybl-key", id, "30.00", "split-" + std::to_string(i));
        statuses[i] = res.status;
        if (res.status == 201) refund_ids[i] = str(parse_body(res), "id");
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 33);  // 33 x 30.00 <= 1,000.00
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 17);
  // A retry on the other node is the same refund; a refused one is refused again.
  for (int i = 0; i < 50; ++i) {
    const SwitchProcess& other = i % 2 == 0 ? two : one;
    auto again = refund(other, "demo-ybl-key", id, "30.00", "split-" + std::to_string(i));
    if (statuses[i] == 201) {
      EXPECT_EQ(again.status, 200) << again.body;
      EXPECT_EQ(str(parse_body(again), "id"), refund_ids[i]);
    } else {
      EXPECT_EQ(again.status, 409) << again.body;
    }
  }
  EXPECT_EQ(balance(two, "bob@ybl"), bob - 990'00);
  auto refunded =
      sql(schema, "SELECT value FROM ledger_counters WHERE counter = 'refunded_paise/" + id + "'");
  ASSERT_TRUE(refunded.has_value());
  EXPECT_EQ(refunded->int64(0, 0), 990'00);
  EXPECT_TRUE(poll_until(
      [&] {
        return str(two.get_json("/v1/payments/" + id + "/refunds"), "refunded_amount") == "990.00";
      },
      std::chrono::seconds(10)));
  EXPECT_EQ(two.get_json("/v1/payments/" + id + "/refunds")["items"].as_array().size(), 33u);

  // The views fold refunds the same way from zero.
  const std::string live = view_rows(schema);
  ASSERT_EQ(one.terminate(), 0);
  ASSERT_EQ(two.terminate(), 0);
  const std::string rebuild = binary_path("upi-switch") + " --database-url '" + database_url() +
                              "' --database-schema " + schema + " --rebuild-views";
  ASSERT_EQ(std::system(rebuild.c_str()), 0);
  EXPECT_EQ(view_rows(schema), live);
}

TEST(E2eCollectsDurable, ApprovalsOnTwoNodesRacingTheExpiryPayOnceOrMoveNothing) {
  if (database_url() == nullptr) GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const std::string schema = "collects" + std::to_string(::getpid());
  SwitchProcess one(node_args(schema, 1)), two(node_args(schema, 2));
  const Paise alice = balance(one, "alice@okaxis");
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  constexpr int kRequests = 16;
  std::vector<std::string> ids;
  for (int i = 0; i < kRequests; ++i) {
    Headers headers = as("demo-ybl-key");
    headers.emplace_back("Idempotency-Key", "ask-" + std::to_string(i));
    auto res = (i % 2 == 0 ? one : two)
                   .request("POST", "/v1/collect-requests",
                            R"({"payee_vpa":"bob@ybl","payer_vpa":"alice@okaxis",)"
                            R"("amount":"10.00","expires_in_seconds":1})",
                            headers);
    ASSERT_EQ(res.status, 201) << res.body;
    ids.push_back(str(parse_body(res), "id"));
  }
  const std::int64_t expires = now_ms() + 1'000;
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      poll_until([&] { return now_ms() >= expires - 40 + 5 * i; }, std::chrono::seconds(5),
                 std::chrono::milliseconds(1));
      Headers headers = as("demo-okaxis-key");
      headers.emplace_back("Idempotency-Key", "ok-" + std::to_string(i));
      const int status =
          (i % 2 == 0 ? two : one)
              .request("POST", "/v1/collect-requests/" + ids[i] + "/approve", "", headers)
              .status;
      EXPECT_TRUE(status == 200 || status == 409) << status;
    });
  }
  for (auto& t : threads) t.join();
  int approved = 0;
  for (const auto& id : ids) {
    json::object c;
    ASSERT_TRUE(poll_until(
        [&] {
          c = one.get_json("/v1/collect-requests/" + id);
          return str(c, "status") != "PENDING";
        },
        std::chrono::seconds(5)));
    auto payments = sql(schema,
                        "SELECT count(*) FROM events WHERE type = 'PaymentRequested' AND "
                        "metadata::json->>'idempotency_key' = 'collect:" +
                            id + "'");
    ASSERT_TRUE(payments.has_value());
    if (str(c, "status") == "APPROVED") {
      ++approved;
      EXPECT_EQ(payments->int64(0, 0), 1) << id;
      EXPECT_EQ(str(poll_payment(one, str(c, "payment_id"), ended), "status"), "COMPLETED");
    } else {
      EXPECT_EQ(str(c, "status"), "EXPIRED") << id;
      EXPECT_EQ(payments->int64(0, 0), 0) << id;
    }
  }
  std::printf("two nodes, approve/expiry race: %d approved, %d expired\n", approved,
              kRequests - approved);
  EXPECT_EQ(balance(two, "alice@okaxis"), alice - approved * 10'00);
}

}  // namespace
}  // namespace upi::testing
