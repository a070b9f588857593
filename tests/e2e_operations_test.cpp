// What the README promises about waiting, back-pressure, read-your-writes and metrics, over real
// HTTP: Prefer: wait (capped, Preference-Applied, PENDING when the wait ends first), SWITCH_BUSY
// with Retry-After that changes nothing, VIEW_NOT_CAUGHT_UP, and /metrics in the Prometheus text
// format with every documented name.
#include <gtest/gtest-spi.h>

#include <cstring>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

using Clock = std::chrono::steady_clock;

http::ClientResponse post_payment(const SwitchProcess& sw, const std::string& key,
                                  const std::string& prefer = "") {
  std::vector<std::pair<std::string, std::string>> headers{{"Idempotency-Key", key}};
  if (!prefer.empty()) headers.emplace_back("Prefer", prefer);
  return sw.request("POST", "/v1/payments", payment_body("alice@okaxis", "bob@ybl", "2.00"),
                    headers);
}

TEST(E2eOperations, PreferWaitIsCappedAppliedAndEndsPendingWhenTheSagaIsSlower) {
  SwitchProcess sw({"--leg-timeout-ms", "10000"});
  const auto quick = post_payment(sw, fresh_key(), "wait=600");
  EXPECT_EQ(quick.status, 201);
  EXPECT_EQ(quick.header("preference-applied"), "wait=60") << "the wait is capped at 60 s";
  EXPECT_EQ(str(parse_body(quick), "status"), "COMPLETED");
  // The debit answers after 3 s; a 1 s wait ends first and says so.
  set_faults(sw, "HDFC", R"([{"operation":"debit","action":"delay","delay_ms":3000}])");
  const auto asked = Clock::now();
  const auto slow = post_payment(sw, fresh_key(), "wait=1");
  EXPECT_GE(Clock::now() - asked, std::chrono::milliseconds(950)) << "it did not wait";
  EXPECT_EQ(slow.status, 201);
  EXPECT_EQ(slow.header("preference-applied"), "wait=1");
  EXPECT_EQ(str(parse_body(slow), "status"), "PENDING");
  // Without Prefer the answer comes at once, and says nothing of a preference.
  const auto plain = post_payment(sw, fresh_key());
  EXPECT_EQ(plain.status, 201);
  EXPECT_EQ(plain.header("preference-applied"), "");
}

TEST(E2eOperations, AFullSwitchAnswersSwitchBusyWithRetryAfterAndChangesNothing) {
  SwitchProcess sw({"--sagas-max", "2", "--leg-timeout-ms", "10000"});
  set_faults(sw, "HDFC", R"([{"operation":"debit","action":"delay","delay_ms":2000}])");
  EXPECT_EQ(post_payment(sw, fresh_key()).status, 201);
  EXPECT_EQ(post_payment(sw, fresh_key()).status, 201);
  const std::string key = fresh_key();
  const auto busy = post_payment(sw, key);
  EXPECT_EQ(busy.status, 503) << busy.body;
  EXPECT_EQ(str(parse_body(busy), "code"), "SWITCH_BUSY");
  EXPECT_EQ(busy.header("retry-after"), "1");
  EXPECT_EQ(sw.get_json("/v1/payments?limit=100")["items"].as_array().size(), 2u)
      << "the refused request made a payment";
  // Its key was not kept: once there is room, the same request is a new payment.
  http::ClientResponse retried;
  poll_until(  // as Retry-After asks, only more often
      [&] {
        retried = post_payment(sw, key);
        return retried.status != 503;
      },
      std::chrono::seconds(20), std::chrono::milliseconds(100));
  EXPECT_EQ(retried.status, 201) << retried.body;
}

TEST(E2eOperations, AReadAskingForAPositionTheViewsNeverReachIsVIEW_NOT_CAUGHT_UP) {
  SwitchProcess sw;
  const auto res = sw.request("GET", "/v1/payments?min_position=1000000");
  EXPECT_EQ(res.status, 422) << res.body;
  EXPECT_EQ(str(parse_body(res), "code"), "VIEW_NOT_CAUGHT_UP");
  const json::object paid = pay(sw, "alice@okaxis", "bob@ybl", "3.00");
  const auto fresh = sw.get_json("/v1/payments?min_position=" +
                                 std::to_string(paid.at("ledger_position").as_int64()));
  EXPECT_EQ(fresh.at("items").as_array().size(), 1u);
}

// The Prometheus text format 0.0.4, as promtool reads it: every line a HELP, a TYPE or a sample
// of a family whose TYPE came first; names and labels well formed; values numbers; counters
// named *_total; histograms with +Inf buckets, _sum and _count. Returns the families.
std::map<std::string, std::string> parse_exposition(const std::string& text) {
  static const std::regex help(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$)");
  static const std::regex type(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  static const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*",?)*\})? )"
      R"((-?[0-9.]+(e[-+]?[0-9]+)?|\+Inf|-Inf|NaN)$)");
  std::map<std::string, std::string> families;
  std::set<std::string> histogram_parts;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) continue;
    if (std::regex_match(line, m, type)) {
      EXPECT_FALSE(families.contains(m[1])) << "TYPE twice: " << line;
      families[m[1]] = m[2];
      EXPECT_TRUE(m[2] != "counter" || std::string(m[1]).ends_with("_total"))
          << "a counter's name ends in _total: " << line;
      continue;
    }
    if (!std::regex_match(line, m, sample)) {
      ADD_FAILURE() << "not a sample: " << line;
      continue;
    }
    std::string family = m[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string base = family.substr(0, family.size() - std::strlen(suffix));
      auto declared = families.find(base);
      if (family.ends_with(suffix) && declared != families.end() &&
          declared->second == "histogram") {
        histogram_parts.insert(base + suffix +
                               (line.find("le=\"+Inf\"") != std::string::npos ? "+Inf" : ""));
        family = base;
      }
    }
    EXPECT_TRUE(families.contains(family)) << "a sample before its TYPE: " << line;
  }
  for (const auto& [name, kind] : families) {
    if (kind != "histogram") continue;
    for (const char* part : {"_bucket+Inf", "_sum", "_count"})
      EXPECT_TRUE(histogram_parts.contains(name + part)) << name << " lacks " << part;
  }
  return families;
}

TEST(E2eOperations, MetricsAreWellFormedAndCarryEveryDocumentedName) {
  SwitchProcess sw;
  pay(sw, "alice@okaxis", "bob@ybl", "4.00");
  const auto res = sw.request("GET", "/metrics");
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.header("content-type").find("text/plain"), std::string::npos);
  const auto families = parse_exposition(res.body);
  const std::map<std::string, std::string> documented{
      {"http_requests_total", "counter"},
      {"http_request_duration_seconds", "histogram"},
      {"upi_payments", "gauge"},
      {"upi_completed_volume_paise_total", "counter"},
      {"upi_bank_up", "gauge"},
      {"upi_bank_call_failures_total", "counter"},
      {"upi_sagas_active", "gauge"},
      {"upi_sagas_parked", "gauge"},
      {"upi_sagas_awaiting_neft_batch", "gauge"},
      {"upi_ledger_view_position", "gauge"}};
  for (const auto& [name, kind] : documented) {
    auto it = families.find(name);
    EXPECT_TRUE(it != families.end() && it->second == kind) << name << " " << kind;
  }
  EXPECT_NE(res.body.find("upi_payments{status=\"COMPLETED\",rail=\"IMPS\"} 1"), std::string::npos)
      << res.body;
  // The parser is no formality: a broken line fails it.
  EXPECT_NONFATAL_FAILURE(parse_exposition("# TYPE x_total counter\nx_total{a=b} 1\n"),
                          "not a sample");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# TYPE requests counter\nrequests 1\n"), "requests");
}

}  // namespace
}  // namespace upi::testing
