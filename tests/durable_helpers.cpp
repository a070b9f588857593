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
    sent.push_back(
        Sent{"durable-" + std::to_string(seed) + "-" + std::to_string(sent.size()),
             payment_body(payer.vpa.str(), payee.vpa.str(), format_money(amount)),
             "",
             {"PENDING", "", {payer.bank, payer.account}, {payee.bank, payee.account}, amount}});
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

Settled wait_all_terminal(const SwitchProcess& sw, const std::vector<Sent>& sent,
                          std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Settled settled;
  for (const auto& s : sent) {
    EXPECT_FALSE(s.id.empty());
    sim::PaymentOutcome outcome = s.asked;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    poll_until(
        [&] {
          const json::object payment = sw.get_json("/v1/payments/" + s.id);
          outcome.status = str(payment, "status");
          outcome.reason = reason_code(payment);
          if (const json::value* p = payment.if_contains("ledger_position"); p && p->is_int64())
            settled.position = std::max(settled.position, p->as_int64());
          return outcome.status != "PENDING";
        },
        std::max(left, std::chrono::milliseconds(0)), std::chrono::milliseconds(10));
    EXPECT_NE(outcome.status, "PENDING") << s.id << " did not finish";
    ++settled.by_status[outcome.status];
    settled.outcomes[s.id] = outcome;
  }
  return settled;
}

namespace {

// The demo world's banks as the database holds their books after a run.
std::vector<sim::BankBooks> books_in_database(const std::string& schema) {
  const World world = parse_world(demo_world_json()).value();
  std::map<std::string, sim::BankBooks> books;
  for (const auto& b : world.banks) books[b.code].code = b.code;
  for (const auto& a : world.accounts) books[a.bank].opening[a.account] = a.balance;
  auto accounts = sql(schema, "SELECT bank, account, balance FROM bank_accounts");
  EXPECT_TRUE(accounts.has_value()) << accounts.error().message;
  for (int i = 0; accounts && i < accounts->size(); ++i)
    books[accounts->text(i, 0)].balances[accounts->text(i, 1)] = accounts->int64(i, 2);
  auto legs = sql(schema,
                  "SELECT bank, leg_id, kind, account, amount, closed_unseen, outcome "
                  "FROM bank_legs ORDER BY bank, leg_id");
  EXPECT_TRUE(legs.has_value()) << legs.error().message;
  for (int i = 0; legs && i < legs->size(); ++i) {
    banks::LegRecord leg;
    leg.leg_id = legs->text(i, 1);
    auto kind = banks::parse_leg_kind(legs->text(i, 2));
    EXPECT_TRUE(kind.has_value()) << legs->text(i, 2);
    leg.kind = kind.value_or(banks::LegKind::kDebit);
    leg.account = legs->text(i, 3);
    leg.amount = legs->int64(i, 4);
    leg.closed_unseen = legs->text(i, 5) == "t";
    leg.answer.outcome =
        legs->text(i, 6) == "applied" ? banks::LegOutcome::kApplied : banks::LegOutcome::kDeclined;
    books[legs->text(i, 0)].legs.push_back(std::move(leg));
  }
  std::vector<sim::BankBooks> out;
  for (auto& [code, b] : books) out.push_back(std::move(b));
  return out;
}

std::map<std::string, Paise> switch_nets(const SwitchProcess& sw, std::int64_t min_position) {
  std::map<std::string, Paise> net;
  const World world = parse_world(demo_world_json()).value();
  for (const auto& b : world.banks) {
    const json::object p = sw.get_json("/v1/banks/" + b.code +
                                       "/positions?min_position=" + std::to_string(min_position));
    auto amount = parse_signed_money(str(p, "net"));
    EXPECT_TRUE(amount.has_value()) << b.code << " positions: " << to_json(p);
    net[b.code] = amount.value_or(0);
  }
  return net;
}

}  // namespace

void check_bank_records(const SwitchProcess& sw, const std::string& schema,
                        const Settled& settled) {
  const auto checks = sim::check_run(books_in_database(schema), settled.outcomes,
                                     switch_nets(sw, settled.position));
  for (const auto& c : checks) EXPECT_TRUE(c.ok) << c.name << ": " << c.detail;
}

}  // namespace upi::testing
