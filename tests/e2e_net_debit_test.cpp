// Net debit caps through the REST API, on the demo world (COOP's cap is 50,000.00): payments
// made at once from a capped bank never take it past its cap, the ones refused fail with U03
// before their bank hears of them, a close settles what was owed, and payments that fail or are
// reversed give back what they held.
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

constexpr char kCapped[] = "esha@ybl";  // COOP's only account: 75,000.00

Paise money_at(const json::object& o, std::string_view key) {
  return parse_signed_money(std::string(o.at(key).as_string())).value();
}

json::object coop_net_debit(const SwitchProcess& sw, std::int64_t min_position) {
  auto body = sw.get_json("/v1/banks/COOP/positions?min_position=" + std::to_string(min_position));
  return body["net_debit"].as_object();
}

std::int64_t head(const SwitchProcess& sw) {
  return sw.get_json("/v1/ledger/verify")["events_checked"].as_int64();
}

// Sends count payments of amount from payer to payee from threads at once; returns the answers.
std::vector<json::object> pay_at_once(const SwitchProcess& sw, int count, const std::string& payer,
                                      const std::string& payee, const std::string& amount) {
  std::vector<json::object> answers(count);
  std::vector<std::thread> threads;
  constexpr int kThreads = 8;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < count; i += kThreads) answers[i] = pay(sw, payer, payee, amount);
    });
  }
  for (auto& t : threads) t.join();
  return answers;
}

TEST(E2eNetDebit, PaymentsAtOnceNeverPassTheCapAndTheRefusedOnesSayU03) {
  SwitchProcess sw;
  const Paise before = balance(sw, kCapped);
  const auto answers = pay_at_once(sw, 40, kCapped, "bob@ybl", "5000.00");
  int completed = 0, refused = 0;
  for (const auto& p : answers) {
    if (str(p, "status") == "COMPLETED") ++completed;
    if (reason_code(p) != "NET_DEBIT_CAP_EXCEEDED") continue;
    ++refused;
    EXPECT_EQ(str(p, "status"), "FAILED");
    EXPECT_EQ(str(p.at("reason").as_object(), "upi_code"), "U03");
    // Refused before any money moved: no leg was ever written, let alone sent.
    const auto types = event_types(sw, str(p, "id"));
    EXPECT_EQ(std::count(types.begin(), types.end(), "DebitRequested"), 0) << str(p, "id");
  }
  EXPECT_EQ(completed, 10);  // 10 x 5,000.00 = the cap
  EXPECT_EQ(refused, 30);
  EXPECT_EQ(balance(sw, kCapped), before - 50'000'00);
  auto standing = coop_net_debit(sw, head(sw));
  EXPECT_EQ(str(standing, "cap"), "50000.00");
  EXPECT_EQ(str(standing, "used"), "50000.00");
  EXPECT_EQ(str(standing, "available"), "0.00");

  // What COOP receives lowers what it owes: 12,000.00 in lets 12,000.00 out, and no more.
  EXPECT_EQ(str(pay(sw, "bob@ybl", kCapped, "12000.00"), "status"), "COMPLETED");
  EXPECT_EQ(str(pay(sw, kCapped, "bob@ybl", "12000.00"), "status"), "COMPLETED");
  EXPECT_EQ(reason_code(pay(sw, kCapped, "bob@ybl", "0.01")), "NET_DEBIT_CAP_EXCEEDED");
  // An uncapped bank is reported with nulls.
  auto hdfc = sw.get_json("/v1/banks/HDFC/positions")["net_debit"].as_object();
  EXPECT_TRUE(hdfc.at("cap").is_null());
  EXPECT_TRUE(hdfc.at("available").is_null());
}

TEST(E2eNetDebit, ACloseSettlesWhatWasOwedAndFailedOrReversedPaymentsGiveBackTheirHold) {
  SwitchProcess sw;
  EXPECT_EQ(str(pay(sw, kCapped, "bob@ybl", "45000.00"), "status"), "COMPLETED");
  EXPECT_EQ(reason_code(pay(sw, kCapped, "bob@ybl", "6000.00")), "NET_DEBIT_CAP_EXCEEDED");
  auto closed = sw.request("POST", "/v1/admin/settlement/close", "{}");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_TRUE(poll_until([&] { return str(coop_net_debit(sw, head(sw)), "used") == "0.00"; },
                         std::chrono::seconds(10)));
  // Each of these holds 20,000.00 while in flight; were a hold kept after its payment was
  // reversed, the third would already pass the cap.
  set_faults(sw, "ICICI", R"([{"operation":"credit","action":"fail"}])");
  for (int i = 0; i < 5; ++i) {
    auto p = pay(sw, kCapped, "bob@ybl", "20000.00");
    EXPECT_EQ(str(p, "status"), "REVERSED") << i << " " << reason_code(p);
  }
  set_faults(sw, "ICICI", "[]");
  // And a debit the bank declines (esha now has 30,000.00) gives back its hold too.
  EXPECT_EQ(reason_code(pay(sw, kCapped, "bob@ybl", "40000.00")), "INSUFFICIENT_FUNDS");
  EXPECT_EQ(str(coop_net_debit(sw, head(sw)), "used"), "0.00");
  EXPECT_EQ(str(pay(sw, kCapped, "bob@ybl", "30000.00"), "status"), "COMPLETED");
  EXPECT_EQ(money_at(coop_net_debit(sw, head(sw)), "available"), 20'000'00);
}

}  // namespace
}  // namespace upi::testing
