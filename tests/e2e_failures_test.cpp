// Every failure branch of the payment saga, driven from outside through fault rules.
#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

using Types = std::vector<std::string>;

int count(const Types& types, const std::string& type) {
  return static_cast<int>(std::count(types.begin(), types.end(), type));
}

struct E2eFailures : ::testing::Test {
  SwitchProcess sw{{"--leg-timeout-ms", "150"}};
  Paise total_before = total_balance(sw);
  void TearDown() override {
    EXPECT_EQ(total_balance(sw), total_before) << "money was created or lost";
  }
};

TEST_F(E2eFailures, DebitDeclined) {
  set_faults(sw, "HDFC", R"([{"operation":"debit","action":"fail","count":1}])");
  const Paise alice = balance(sw, "alice@okaxis");
  auto p = pay(sw, "alice@okaxis", "bob@ybl", "10.00");
  EXPECT_EQ(str(p, "status"), "FAILED");
  EXPECT_EQ(reason_code(p), "DEBIT_DECLINED");
  EXPECT_EQ(str(p["reason"].as_object(), "upi_code"), "U30");
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
}

TEST_F(E2eFailures, InsufficientFunds) {
  auto p = pay(sw, "farhan@okaxis", "bob@ybl", "1200.51");
  EXPECT_EQ(str(p, "status"), "FAILED");
  EXPECT_EQ(reason_code(p), "INSUFFICIENT_FUNDS");
  EXPECT_EQ(str(p["reason"].as_object(), "upi_code"), "Z9");
  EXPECT_EQ(balance(sw, "farhan@okaxis"), 1200'50);
}

TEST_F(E2eFailures, VpaNotFound) {
  auto p = pay(sw, "alice@okaxis", "nobody@ybl", "10.00");
  EXPECT_EQ(str(p, "status"), "FAILED");
  EXPECT_EQ(reason_code(p), "VPA_NOT_FOUND");
  EXPECT_EQ(event_types(sw, str(p, "id")),
            (Types{"PaymentRequested", "ResolutionFailed", "PaymentFailed"}));
}

TEST_F(E2eFailures, RailNotSupportedByTheBank) {
  auto p = pay(sw, "dev@okhdfc", "esha@ybl", "200000.01");
  EXPECT_EQ(str(p, "status"), "FAILED");
  EXPECT_EQ(reason_code(p), "RAIL_NOT_SUPPORTED");
  // NEFT is fine at the same bank.
  EXPECT_EQ(str(pay(sw, "dev@okhdfc", "esha@ybl", "200000.00"), "status"), "COMPLETED");
}

TEST_F(E2eFailures, CreditDeclinedIsReversed) {
  set_faults(sw, "ICICI", R"([{"operation":"credit","action":"fail","count":1}])");
  const Paise alice = balance(sw, "alice@okaxis"), bob = balance(sw, "bob@ybl");
  auto p = pay(sw, "alice@okaxis", "bob@ybl", "10.00");
  EXPECT_EQ(str(p, "status"), "REVERSED");
  EXPECT_EQ(reason_code(p), "CREDIT_DECLINED");
  const Types types = event_types(sw, str(p, "id"));
  EXPECT_EQ(count(types, "ReversalSucceeded"), 1);
  EXPECT_EQ(types.back(), "PaymentReversed");
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob);
}

TEST_F(E2eFailures, CreditLostResponseCompletesAndIsNeverReversed) {
  set_faults(sw, "ICICI", R"([{"operation":"credit","action":"lost_response","count":1}])");
  const Paise bob = balance(sw, "bob@ybl");
  auto p = pay(sw, "alice@okaxis", "bob@ybl", "10.00");
  EXPECT_EQ(str(p, "status"), "COMPLETED");
  const Types types = event_types(sw, str(p, "id"));
  EXPECT_EQ(count(types, "CreditOutcomeUnknown"), 1);
  EXPECT_GE(count(types, "StatusChecked"), 1);
  EXPECT_EQ(count(types, "ReversalRequested"), 0);
  EXPECT_EQ(balance(sw, "bob@ybl"), bob + 10'00);
}

TEST_F(E2eFailures, DebitTimeoutFailsWithNothingMoved) {
  set_faults(sw, "HDFC", R"([{"operation":"debit","action":"timeout","count":1}])");
  const Paise alice = balance(sw, "alice@okaxis");
  auto p = pay(sw, "alice@okaxis", "bob@ybl", "10.00");
  EXPECT_EQ(str(p, "status"), "FAILED");
  EXPECT_EQ(reason_code(p), "DEBIT_TIMEOUT");
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
}

TEST_F(E2eFailures, SlowBankBeyondTheDeadlineIsResolvedByStatus) {
  set_faults(sw, "HDFC", R"([{"operation":"debit","action":"delay","delay_ms":400,"count":1}])");
  auto p = pay(sw, "alice@okaxis", "bob@ybl", "10.00");
  EXPECT_EQ(str(p, "status"), "COMPLETED");
  EXPECT_EQ(count(event_types(sw, str(p, "id")), "DebitOutcomeUnknown"), 1);
}

TEST_F(E2eFailures, ReversalFailingThenSucceeding) {
  set_faults(sw, "ICICI", R"([{"operation":"credit","action":"fail","count":1}])");
  set_faults(sw, "HDFC", R"([{"operation":"reversal","action":"fail","count":2},
                             {"operation":"reversal","action":"timeout","count":1}])");
  const Paise alice = balance(sw, "alice@okaxis");
  auto p = pay(sw, "alice@okaxis", "bob@ybl", "10.00");
  EXPECT_EQ(str(p, "status"), "REVERSED");
  const Types types = event_types(sw, str(p, "id"));
  EXPECT_EQ(count(types, "ReversalFailed"), 3);
  EXPECT_EQ(count(types, "ReversalRequested"), 4);
  EXPECT_EQ(balance(sw, "alice@okaxis"), alice);
  auto rules = sw.get_json("/v1/admin/banks/HDFC/faults")["rules"].as_array();
  EXPECT_EQ(rules[0].as_object().at("count").as_int64(), 0);
  EXPECT_EQ(sw.request("DELETE", "/v1/admin/banks/HDFC/faults").status, 200);
  EXPECT_TRUE(sw.get_json("/v1/admin/banks/HDFC/faults")["rules"].as_array().empty());
}

}  // namespace
}  // namespace upi::testing
