#include "tests/durable_helpers.h"

#include <random>
#include <thread>

#include "common/run_blocking.h"

namespace upi::testing {
namespace asio = boost::asio;

const char* database_url() {
  const char* url = std::getenv("UPI_TEST_DATABASE_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

pg::PgResult<pg::Rows> sql(const std::string& schema, const std::string& text) {
  asio::io_context io;
  return run_on(io, [&]() -> asio::awaitable<pg::PgResult<pg::Rows>> {
    pg::Pool pool(database_url(), schema, 1, 10'000);
    auto conn = co_await pool.connect();
    if (!conn) co_return std::unexpected(conn.error());
    co_return co_await (*conn)->query(text, {}, pool.deadline());
  }());
}

std::vector<Sent> send_payments(const SwitchProcess& sw, int count, std::uint64_t seed) {
  const World world = parse_world(demo_world_json()).value();
  std::mt19937_64 rng(seed);
  std::vector<Sent> sent;
  while (static_cast<int>(sent.size()) < count) {
    const auto& payer = world.accounts[rng() % world.accounts.size()];
    const auto& payee = world.accounts[rng() % world.accounts.size()];
    if (payer.vpa == payee.vpa) continue;
    const Paise amount = 100 + static_cast<Paise>(rng() % 50'000);
    sent.push_back(Sent{"durable-" + std::to_string(seed) + "-" + std::to_string(sent.size()),
                        payment_body(payer.vpa.str(), payee.vpa.str(), format_money(amount)), ""});
  }
  std::vector<std::thread> threads;
  constexpr int kThreads = 6;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); i < sent.size(); i += kThreads) {
        auto res =
            sw.request("POST", "/v1/payments", sent[i].body, {{"Idempotency-Key", sent[i].key}});
        EXPECT_EQ(res.status, 201) << res.body;
        sent[i].id = str(parse_body(res), "id");
      }
    });
  }
  for (auto& t : threads) t.join();
  return sent;
}

std::map<std::string, std::string> wait_all_terminal(const SwitchProcess& sw,
                                                     const std::vector<Sent>& sent,
                                                     std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::map<std::string, std::string> status;
  for (const auto& s : sent) {
    EXPECT_FALSE(s.id.empty());
    std::string now = "PENDING";
    while (now == "PENDING" && std::chrono::steady_clock::now() < deadline) {
      now = str(sw.get_json("/v1/payments/" + s.id), "status");
      if (now == "PENDING") std::this_thread::yield();
    }
    EXPECT_NE(now, "PENDING") << s.id << " did not finish";
    status[s.id] = now;
  }
  return status;
}

std::map<std::string, int> check_bank_records(const std::string& schema,
                                              const std::map<std::string, std::string>& status) {
  std::map<std::string, int> by_status;
  auto negative = sql(schema, "SELECT count(*) FROM bank_accounts WHERE balance < 0");
  EXPECT_TRUE(negative.has_value());
  if (negative) {
    EXPECT_EQ(negative->int64(0, 0), 0) << "a balance went negative";
  }
  // Per payment: applied debits, credits and reversals that moved money.
  auto legs =
      sql(schema,
          "SELECT split_part(leg_id, ':', 1), kind, count(*) FROM bank_legs "
          "WHERE outcome = 'applied' AND NOT closed_unseen AND (kind <> 'reversal' OR amount > 0) "
          "GROUP BY 1, 2");
  EXPECT_TRUE(legs.has_value());
  if (!legs) return by_status;
  std::map<std::string, std::map<std::string, std::int64_t>> applied;
  for (int i = 0; i < legs->size(); ++i)
    applied[legs->text(i, 0)][legs->text(i, 1)] = legs->int64(i, 2);
  for (const auto& [id, legs_of] : applied) {
    EXPECT_TRUE(status.contains(id)) << "money moved for " << id << ", which no client asked for";
  }
  for (const auto& [id, st] : status) {
    ++by_status[st];
    auto& a = applied[id];
    if (st == "COMPLETED") {
      EXPECT_TRUE(a["debit"] == 1 && a["credit"] == 1 && a["reversal"] == 0) << id;
    } else if (st == "REVERSED") {
      EXPECT_TRUE(a["debit"] == 1 && a["credit"] == 0 && a["reversal"] == 1) << id;
    } else {
      EXPECT_TRUE(a["credit"] == 0 && a["debit"] == a["reversal"]) << id;
    }
  }
  return by_status;
}

}  // namespace upi::testing
