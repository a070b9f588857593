// The OpenAPI checker itself: it passes answers the document describes and names each kind of
// drift (a value outside an enum, a missing field, a wrong type, an undocumented property,
// status or media type), so that a green end-to-end run means the bodies match the document.
#include "tests/openapi_validator.h"

#include <gtest/gtest.h>

namespace upi::testing {
namespace {

std::vector<std::string> check(const std::string& method, const std::string& target, int status,
                               const std::string& body,
                               const std::string& type = "application/json") {
  return openapi().check_response(method, target, status, type, body);
}

const char kPayment[] =
    R"({"id":"pay_0557f396f2c00000","status":"COMPLETED","payer_vpa":"alice@okaxis",
        "payee_vpa":"bob@ybl","amount":"1500.00","currency":"INR","rail":"IMPS","reason":null,
        "created_at":"2026-11-28T12:00:00.123Z","updated_at":"2026-11-28T12:00:00.456Z",
        "ledger_position":7,"payer_bank":"HDFC","payee_bank":"ICICI","refunded_amount":"0.00"})";

TEST(OpenApiValidator, PassesAnswersTheDocumentDescribes) {
  EXPECT_EQ(check("GET", "/v1/payments/pay_0557f396f2c00000", 200, kPayment),
            std::vector<std::string>{});
  EXPECT_EQ(check("GET", "/healthz", 200, R"({"status":"ok"})"), std::vector<std::string>{});
  EXPECT_EQ(check("GET", "/v1/nothing-here", 404,
                  R"({"type":"urn:upi-switch:problem:ROUTE_NOT_FOUND","title":"Not Found",
                      "status":404,"detail":"no such route","code":"ROUTE_NOT_FOUND"})",
                  "application/problem+json"),
            std::vector<std::string>{});
}

TEST(OpenApiValidator, NamesEachKindOfDrift) {
  std::string wrong_status = kPayment;
  wrong_status.replace(wrong_status.find("COMPLETED"), 9, "SETTLED");
  EXPECT_EQ(check("GET", "/v1/payments/pay_0557f396f2c00000", 200, wrong_status).size(), 1u);
  std::string no_rail = kPayment;
  no_rail.replace(no_rail.find(R"("rail":"IMPS",)"), 14, "");
  const auto missing = check("GET", "/v1/payments/pay_0557f396f2c00000", 200, no_rail);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].find("lacks required rail"), std::string::npos) << missing[0];
  std::string number_amount = kPayment;
  number_amount.replace(number_amount.find(R"("1500.00")"), 9, "1500");
  EXPECT_FALSE(check("GET", "/v1/payments/pay_0557f396f2c00000", 200, number_amount).empty());
  EXPECT_FALSE(check("GET", "/readyz", 200, R"({"status":"ready","store":"sqlite"})").empty());
  EXPECT_FALSE(check("GET", "/healthz", 500, R"({"status":"ok"})").empty());
  EXPECT_FALSE(check("GET", "/healthz", 200, "ok", "text/plain").empty());
  EXPECT_FALSE(check("GET", "/v1/nothing-here", 404, R"({"error":"nope"})").empty());
  EXPECT_FALSE(check("PUT", "/v1/admin/banks/HDFC/faults", 200,
                     R"({"rules":[{"operation":"debit","action":"fail","colour":"red"}]})")
                   .empty());
}

}  // namespace
}  // namespace upi::testing
