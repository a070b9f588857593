#include "switch/payment_request.h"

#include <gtest/gtest.h>

namespace upi::api {
namespace {

const Scheme kScheme = parse_scheme(builtin_scheme_json()).value();

TEST(PaymentRequestBody, AcceptsAValidBodyAndNormalises) {
  auto r = parse_payment_request(
      R"({"payer_vpa":"Alice@OKAXIS","payee_vpa":"bob@ybl","amount":"1500","currency":"INR","note":"rent"})",
      kScheme);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->payer_vpa, "alice@okaxis");
  EXPECT_EQ(r->amount, 150000);
  EXPECT_EQ(r->note, "rent");
}

TEST(PaymentRequestBody, RejectsEachProblemPrecisely) {
  const std::tuple<std::string, std::string, std::string> cases[] = {
      {"not json", "INVALID_JSON", ""},
      {"[]", "INVALID_JSON", "body must be a JSON object"},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":1500})", "INVALID_AMOUNT",
       "amount must be a decimal string such as \"1500.00\", not a JSON number"},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"15.001"})", "INVALID_AMOUNT",
       "amount must have at most two fraction digits (paise)"},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"0.00"})", "INVALID_AMOUNT",
       "amount must be greater than zero"},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"-5.00"})", "INVALID_AMOUNT",
       ""},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"100000000.01"})",
       "AMOUNT_ABOVE_LIMIT", "amount exceeds the scheme maximum of 100000000.00"},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl"})", "INVALID_FIELD",
       "request body field \"amount\" is required"},
      {R"({"payer_vpa":"alice","payee_vpa":"bob@ybl","amount":"1.00"})", "INVALID_VPA",
       "payer_vpa: VPA must have exactly one '@', as in localpart@handle"},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"ALICE@okaxis","amount":"1.00"})", "SAME_VPA",
       "payer_vpa and payee_vpa must differ"},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"1.00","currency":"USD"})",
       "UNSUPPORTED_CURRENCY", "currency must be \"INR\""},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"1.00","tip":"1"})",
       "UNKNOWN_FIELD", "request body field \"tip\" is not recognised"},
      {R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl","amount":"1.00","note":"a\nb"})",
       "INVALID_NOTE", "note must not contain control characters"},
      {R"({"payer_vpa":7,"payee_vpa":"bob@ybl","amount":"1.00"})", "INVALID_FIELD",
       "request body field \"payer_vpa\" must be a string, not a number"},
  };
  for (const auto& [body, code, message] : cases) {
    auto r = parse_payment_request(body, kScheme);
    ASSERT_FALSE(r.has_value()) << body;
    EXPECT_EQ(r.error().code, code) << body;
    if (!message.empty()) {
      EXPECT_EQ(r.error().message, message) << body;
    }
  }
}

TEST(RefundAndCollectBodies, AreCheckedAsPreciselyAsPayments) {
  auto refund = parse_refund_body(R"({"amount":"12.50","note":"back"})", kScheme);
  ASSERT_TRUE(refund.has_value()) << refund.error().message;
  EXPECT_EQ(refund->amount, 1250);
  EXPECT_EQ(parse_refund_body(R"({"amount":"1","payee_vpa":"x@y"})", kScheme).error().code,
            "UNKNOWN_FIELD");
  auto collect = parse_collect_body(
      R"({"payee_vpa":"Bob@YBL","payer_vpa":"alice@okaxis","amount":"150.00"})", kScheme);
  ASSERT_TRUE(collect.has_value()) << collect.error().message;
  EXPECT_EQ(collect->payee_vpa, "bob@ybl");
  EXPECT_EQ(collect->expires_in_s, 1'800);  // the scheme's default
  const std::pair<std::string, std::string> bad[] = {
      {R"({"payee_vpa":"bob@ybl","payer_vpa":"bob@ybl","amount":"1.00"})", "SAME_VPA"},
      {R"({"payee_vpa":"bob@ybl","payer_vpa":"alice@okaxis","amount":"2000.01"})",
       "AMOUNT_ABOVE_COLLECT_LIMIT"},
      {R"({"payee_vpa":"bob@ybl","payer_vpa":"alice@okaxis","amount":"1.00",
           "expires_in_seconds":0})",
       "INVALID_FIELD"},
      {R"({"payee_vpa":"bob@ybl","payer_vpa":"alice@okaxis","amount":"1.00",
           "expires_in_seconds":"60"})",
       "INVALID_FIELD"},
      {R"({"payee_vpa":"bob@ybl","payer_vpa":"alice","amount":"1.00"})", "INVALID_VPA"},
  };
  for (const auto& [body, code] : bad) {
    auto parsed = parse_collect_body(body, kScheme);
    ASSERT_FALSE(parsed.has_value()) << body;
    EXPECT_EQ(parsed.error().code, code) << body;
  }
}

TEST(PaymentRequestHeaders, IdempotencyKey) {
  EXPECT_EQ(check_idempotency_key("", false).error().code, "IDEMPOTENCY_KEY_MISSING");
  EXPECT_EQ(check_idempotency_key("", true).error().code, "IDEMPOTENCY_KEY_MISSING");
  EXPECT_EQ(check_idempotency_key(std::string(256, 'k'), true).error().code,
            "INVALID_IDEMPOTENCY_KEY");
  EXPECT_EQ(check_idempotency_key("a b", true).error().code, "INVALID_IDEMPOTENCY_KEY");
  EXPECT_EQ(check_idempotency_key(std::string(255, 'k'), true).value(), std::string(255, 'k'));
}

TEST(PaymentRequestHeaders, PreferWait) {
  EXPECT_EQ(prefer_wait_seconds("wait=5"), 5);
  EXPECT_EQ(prefer_wait_seconds("respond-async, wait=10"), 10);
  EXPECT_EQ(prefer_wait_seconds("wait=3600"), kPreferWaitSecondsMax);
  EXPECT_EQ(prefer_wait_seconds("wait=soon"), std::nullopt);
  EXPECT_EQ(prefer_wait_seconds(""), std::nullopt);
  EXPECT_EQ(prefer_wait_seconds("handling=strict"), std::nullopt);
}

}  // namespace
}  // namespace upi::api
