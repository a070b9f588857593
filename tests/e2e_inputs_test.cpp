// A matrix of bad inputs: each gets a precise problem+json answer and changes nothing.
#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

struct BadInput {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int status;
  std::string code;
};

std::string body(const std::string& fields) {
  return R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@ybl")" + fields + "}";
}

std::vector<BadInput> bad_inputs() {
  const std::vector<std::pair<std::string, std::string>> key = {{"Idempotency-Key", "bad-1"}};
  const std::string ok = body(R"(,"amount":"1.00")");
  return {
      {"POST", "/v1/payments", ok, {}, 400, "IDEMPOTENCY_KEY_MISSING"},
      {"POST", "/v1/payments", ok, {{"Idempotency-Key", ""}}, 400, "IDEMPOTENCY_KEY_MISSING"},
      {"POST",
       "/v1/payments",
       ok,
       {{"Idempotency-Key", std::string(256, 'k')}},
       400,
       "INVALID_IDEMPOTENCY_KEY"},
      {"POST", "/v1/payments", "{not json", key, 400, "INVALID_JSON"},
      {"POST", "/v1/payments", "", key, 400, "INVALID_JSON"},
      {"POST", "/v1/payments", body(R"(,"amount":1.00)"), key, 422, "INVALID_AMOUNT"},
      {"POST", "/v1/payments", body(R"(,"amount":"1.001")"), key, 422, "INVALID_AMOUNT"},
      {"POST", "/v1/payments", body(R"(,"amount":"-1.00")"), key, 422, "INVALID_AMOUNT"},
      {"POST", "/v1/payments", body(R"(,"amount":"0.00")"), key, 422, "INVALID_AMOUNT"},
      {"POST", "/v1/payments", body(R"(,"amount":"1e5")"), key, 422, "INVALID_AMOUNT"},
      {"POST", "/v1/payments", body(R"(,"amount":"100000000.01")"), key, 422, "AMOUNT_ABOVE_LIMIT"},
      {"POST", "/v1/payments", body(R"(,"amount":"99999999999999999999.00")"), key, 422,
       "INVALID_AMOUNT"},
      {"POST", "/v1/payments", body(""), key, 422, "INVALID_FIELD"},
      {"POST", "/v1/payments", body(R"(,"amount":"1.00","currency":"USD")"), key, 422,
       "UNSUPPORTED_CURRENCY"},
      {"POST", "/v1/payments", body(R"(,"amount":"1.00","extra":true)"), key, 422, "UNKNOWN_FIELD"},
      {"POST", "/v1/payments", body(R"(,"amount":"1.00","note":")" + std::string(101, 'n') + "\""),
       key, 422, "INVALID_NOTE"},
      {"POST", "/v1/payments",
       R"({"payer_vpa":"alice@okaxis","payee_vpa":"Alice@OkAxis","amount":"1.00"})", key, 422,
       "SAME_VPA"},
      {"POST", "/v1/payments", R"({"payer_vpa":"al@okaxis","payee_vpa":"bob@ybl","amount":"1.00"})",
       key, 422, "INVALID_VPA"},
      {"POST", "/v1/payments",
       R"({"payer_vpa":"alice@okaxis","payee_vpa":"bob@y-b","amount":"1.00"})", key, 422,
       "INVALID_VPA"},
      {"POST", "/v1/payments", std::string(70 * 1024, ' '), key, 413, "BODY_TOO_LARGE"},
      {"POST",
       "/v1/payments",
       ok,
       {{"Idempotency-Key", "k"}, {"X-Padding", std::string(9000, 'p')}},
       431,
       "HEADERS_TOO_LARGE"},
      {"GET", "/v1/nowhere", "", {}, 404, "ROUTE_NOT_FOUND"},
      {"DELETE", "/v1/payments", "", {}, 405, "METHOD_NOT_ALLOWED"},
      {"GET", "/v1/payments/pay_0000000000000000", "", {}, 404, "PAYMENT_NOT_FOUND"},
      {"GET", "/v1/payments/not-an-id", "", {}, 404, "PAYMENT_NOT_FOUND"},
      {"GET", "/v1/payments/not-an-id/events", "", {}, 404, "PAYMENT_NOT_FOUND"},
      {"GET", "/v1/payments?limit=0", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/payments?limit=101", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/payments?status=DONE", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/payments?rail=UPI", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/payments?cursor=abc", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/payments?vpa=x", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/payments?colour=red", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/ledger/events?after=-1", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/ledger/events?limit=abc", "", {}, 422, "INVALID_QUERY"},
      {"GET", "/v1/vpas/nobody@okaxis", "", {}, 404, "VPA_NOT_FOUND"},
      {"GET", "/v1/vpas/bad", "", {}, 422, "INVALID_VPA"},
      {"GET", "/v1/vpas/nobody@okaxis/balance", "", {}, 404, "VPA_NOT_FOUND"},
      {"GET", "/v1/banks/NOPE/positions", "", {}, 404, "BANK_NOT_FOUND"},
      {"PUT", "/v1/admin/banks/NOPE/faults", R"({"rules":[]})", {}, 404, "BANK_NOT_FOUND"},
      {"PUT",
       "/v1/admin/banks/HDFC/faults",
       R"({"rules":[{"operation":"debit","action":"boom"}]})",
       {},
       422,
       "INVALID_FAULT_RULES"},
      {"PUT",
       "/v1/admin/banks/HDFC/faults",
       R"({"rules":[{"operation":"debit","action":"fail","probability":2}]})",
       {},
       422,
       "INVALID_FAULT_RULES"},
      {"PUT", "/v1/admin/banks/HDFC/faults", "nope", {}, 400, "INVALID_JSON"},
  };
}

TEST(E2eInputs, EachBadInputGetsAPreciseProblemAndChangesNothing) {
  SwitchProcess sw;
  const Paise total = total_balance(sw);
  for (const auto& in : bad_inputs()) {
    SCOPED_TRACE(in.method + " " + in.target + " -> " + in.code);
    auto res = sw.request(in.method, in.target, in.body, in.headers);
    EXPECT_EQ(res.status, in.status) << res.body;
    EXPECT_EQ(res.header("content-type"), "application/problem+json");
    auto problem = parse_body(res);
    EXPECT_EQ(str(problem, "code"), in.code) << res.body;
    EXPECT_EQ(problem["status"].as_int64(), in.status);
    EXPECT_FALSE(str(problem, "detail").empty());
    EXPECT_FALSE(str(problem, "title").empty());
  }
  EXPECT_TRUE(sw.get_json("/v1/ledger/events?after=0")["events"].as_array().empty())
      << "a refused request wrote to the ledger";
  EXPECT_TRUE(sw.get_json("/v1/admin/banks/HDFC/faults")["rules"].as_array().empty());
  EXPECT_EQ(total_balance(sw), total);
  // The switch still serves after all of that.
  EXPECT_EQ(str(pay(sw, "alice@okaxis", "bob@ybl", "1.00"), "status"), "COMPLETED");
}

}  // namespace
}  // namespace upi::testing
