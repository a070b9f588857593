// Small helpers shared by the end-to-end tests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/money.h"
#include "common/world.h"
#include "tests/switch_process.h"

namespace upi::testing {

// Calls done() until it returns true, pausing between calls, or until timeout passes (then
// false): the one way the end-to-end tests wait for something to happen.
template <typename Done>
bool poll_until(Done done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds pause = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(pause);  // a poll's pause
  }
}

inline std::string payment_body(const std::string& payer, const std::string& payee,
                                const std::string& amount) {
  return R"({"payer_vpa":")" + payer + R"(","payee_vpa":")" + payee + R"(","amount":")" + amount +
         R"("})";
}

using Headers = std::vector<std::pair<std::string, std::string>>;
// Headers that authenticate as the principal with this API key (none when it is empty).
inline Headers as(const std::string& key) {
  return {{"Authorization", key.empty() ? "" : "Bearer " + key}};
}

inline std::string fresh_key() {
  static std::atomic<int> n{0};
  return "e2e-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

// POSTs a payment with Prefer: wait=10 and returns the answer's body; expects 201.
inline json::object pay(const SwitchProcess& sw, const std::string& payer, const std::string& payee,
                        const std::string& amount) {
  auto res = sw.request("POST", "/v1/payments", payment_body(payer, payee, amount),
                        {{"Idempotency-Key", fresh_key()}, {"Prefer", "wait=10"}});
  EXPECT_EQ(res.status, 201) << res.body;
  return parse_body(res);
}

inline Paise balance(const SwitchProcess& sw, const std::string& vpa) {
  auto body = sw.get_json("/v1/vpas/" + vpa + "/balance");
  return parse_money(std::string(body["balance"].as_string()), ZeroPolicy::kAllow).value();
}

inline Paise total_balance(const SwitchProcess& sw) {
  Paise total = 0;
  const World world = parse_world(demo_world_json()).value();
  for (const auto& account : world.accounts) {
    total += balance(sw, account.vpa.str());
  }
  return total;
}

inline void set_faults(const SwitchProcess& sw, const std::string& bank, const std::string& rules) {
  auto res = sw.request("PUT", "/v1/admin/banks/" + bank + "/faults", R"({"rules":)" + rules + "}");
  ASSERT_EQ(res.status, 200) << res.body;
}

inline std::vector<std::string> event_types(const SwitchProcess& sw, const std::string& id) {
  std::vector<std::string> types;
  auto body = sw.get_json("/v1/payments/" + id + "/events");
  for (const auto& e : body["events"].as_array()) {
    types.emplace_back(e.as_object().at("type").as_string());
  }
  return types;
}

inline std::string str(const json::object& o, std::string_view key) {
  return string_or_empty(o, key);
}

inline std::string reason_code(const json::object& payment) {
  const json::value* r = payment.if_contains("reason");
  return r && r->is_object() ? str(r->as_object(), "code") : std::string();
}

// POSTs a refund of the payment as the principal with psp_key (the payee's PSP), with the
// Idempotency-Key given and Prefer: wait=10; returns the answer.
inline http::ClientResponse refund(const SwitchProcess& sw, const std::string& psp_key,
                                   const std::string& payment_id, const std::string& amount,
                                   const std::string& key, const std::string& note = "") {
  Headers headers = as(psp_key);
  headers.emplace_back("Idempotency-Key", key);
  headers.emplace_back("Prefer", "wait=10");
  const std::string body = R"({"amount":")" + amount + R"(","note":")" + note + R"("})";
  return sw.request("POST", "/v1/payments/" + payment_id + "/refunds", body, headers);
}

// POSTs a payment without waiting for it; returns its id.
inline std::string start_payment(const SwitchProcess& sw, const std::string& payer,
                                 const std::string& payee, const std::string& amount) {
  auto res = sw.request("POST", "/v1/payments", payment_body(payer, payee, amount),
                        {{"Idempotency-Key", fresh_key()}});
  EXPECT_EQ(res.status, 201) << res.body;
  return str(parse_body(res), "id");
}

// Polls the payment until check() holds for it; returns the last answer.
template <class Check>
json::object poll_payment(const SwitchProcess& sw, const std::string& id, Check check,
                          std::chrono::seconds timeout = std::chrono::seconds(10)) {
  json::object payment;
  EXPECT_TRUE(poll_until(
      [&] {
        payment = sw.get_json("/v1/payments/" + id);
        return check(payment);
      },
      timeout))
      << id << ": " << to_json(payment);
  return payment;
}

inline bool awaiting_batch(const json::object& payment) {
  return str(payment, "stage") == "AWAITING_NEFT_BATCH";
}
inline bool ended(const json::object& payment) {
  return str(payment, "status") != "PENDING";
}

// recorded_at of the payment's first event of this type ("" if none).
inline std::string recorded_at(const SwitchProcess& sw, const std::string& id,
                               std::string_view type) {
  auto body = sw.get_json("/v1/payments/" + id + "/events");
  for (const auto& e : body["events"].as_array()) {
    if (str(e.as_object(), "type") == type) return str(e.as_object(), "recorded_at");
  }
  return "";
}

// Waits until a NEFT batch (every interval_ms from 00:00 UTC) has just run: the switch reads the
// same wall clock, so a payment made now waits most of an interval for its batch.
inline bool just_after_a_batch(std::int64_t interval_ms) {
  return poll_until(
      [interval_ms] {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return std::chrono::duration_cast<std::chrono::milliseconds>(now).count() % interval_ms <
               500;
      },
      std::chrono::milliseconds(2 * interval_ms), std::chrono::milliseconds(5));
}

}  // namespace upi::testing
