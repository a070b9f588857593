// upi-sim: drives seeded payments through a switch's REST API while a fault schedule breaks
// banks (fault rules, kills) and, with a durable store, the switch itself; then waits for
// quiescence and checks, from the banks' own books, that no money was created, lost or moved
// twice. Prints a report and exits 1 when a check fails. See README "Chaos runs".
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cassert>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "banks/bank_api.h"
#include "common/base64.h"
#include "common/child_process.h"
#include "common/ed25519.h"
#include "common/http_client.h"
#include "common/http_signature.h"
#include "common/sha256.h"
#include "tools/sim/checker.h"
#include "tools/sim/schedule.h"

namespace upi::sim {
namespace {

constexpr int kHttpTimeoutMs = 15'000;
constexpr auto kAcceptDeadline = std::chrono::seconds(60);
constexpr auto kQuiescenceDeadline = std::chrono::seconds(120);
constexpr int kPaymentsMax = 1'000'000;
// The switch's deadline per bank call in a run: short, so that the status queries which follow
// a lost answer happen while the schedule's faults are still in force.
constexpr int kSwitchLegTimeoutMs = 500;
// Settlement cycles are cut off every second, so that a run crosses many cut-offs (some while
// the switch is down or being killed) and the checker can hold the cycles against the books.
constexpr int kSettlementPeriodS = 1;
constexpr int kNeftBatchIntervalS = 1;  // NEFT payments wait for a batch, briefly
constexpr std::int64_t kCyclesReadMax = 10'000;

struct SimOptions {
  std::string scenario_path;
  std::string world_path;
  std::string database_url;
  std::string schedule_path;
  bool chaos = false;
  int payments = 200;
  int concurrency = 8;
  int rate = 200;  // payments started per second
  std::uint64_t seed = 1;
  json::object expect;  // from a scenario: {"status": {"REVERSED": 1}, "reasons": {"X": 1}}
  json::array schedule;
  std::string name = "run";
};

const char kUsage[] =
    "usage: upi-sim [options]\n"
    "  --scenario FILE     a scenario (specs/scenarios/*.json): payments, seed, schedule, expect\n"
    "  --payments N        how many payments (default 200)\n"
    "  --concurrency N     payments in flight at once (default 8)\n"
    "  --rate N            payments started per second (default 200)\n"
    "  --seed N            seeds the payments and --chaos (default 1)\n"
    "  --schedule FILE     a fault schedule (a JSON array of steps)\n"
    "  --chaos             a fault schedule drawn from the seed: every fault action, a bank\n"
    "                      killed and restarted, and with --database-url the switch too\n"
    "  --world FILE        the world (default: the built-in demo world)\n"
    "  --database-url URL  run the switch on PostgreSQL (needed to kill the switch)\n"
    "upi-sim starts one upi-bank process per bank and a upi-switch, all on loopback.\n";

Result<std::int64_t> number(std::string_view flag, std::string_view text, std::int64_t max) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0 || n > max)
    return fail(ErrorKind::kInvalid, "USAGE",
                std::string(flag) + " takes 0-" + std::to_string(max));
  return n;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(ErrorKind::kUnavailable, "FILE_UNREADABLE", "cannot read " + path);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

Result<void> apply_scenario(SimOptions& o) {
  auto text = read_file(o.scenario_path);
  if (!text) return std::unexpected(text.error());
  auto s = parse_json_object(*text, 16);
  if (!s)
    return fail(ErrorKind::kInvalid, "INVALID_SCENARIO",
                o.scenario_path + ": " + s.error().message);
  const std::string where = o.scenario_path;
  if (auto ok = reject_unknown_fields(
          *s,
          {"name", "description", "payments", "concurrency", "rate", "seed", "schedule", "expect"},
          where);
      !ok)
    return std::unexpected(ok.error());
  o.name = string_or_empty(*s, "name");
  for (auto [field, target, max] :
       {std::tuple{"payments", &o.payments, kPaymentsMax},
        std::tuple{"concurrency", &o.concurrency, 256}, std::tuple{"rate", &o.rate, 100'000}}) {
    auto n = optional_int(*s, field, 1, max, where);
    if (!n) return std::unexpected(n.error());
    if (*n) *target = static_cast<int>(**n);
  }
  auto seed = optional_int(*s, "seed", 0, INT64_MAX, where);
  if (!seed) return std::unexpected(seed.error());
  if (*seed) o.seed = static_cast<std::uint64_t>(**seed);
  if (const json::value* sched = s->if_contains("schedule"); sched && sched->is_array())
    o.schedule = sched->as_array();
  if (const json::value* expect = s->if_contains("expect"); expect && expect->is_object())
    o.expect = expect->as_object();
  return {};
}

Result<SimOptions> parse_options(int argc, char** argv) {
  SimOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--chaos") {
      o.chaos = true;
      continue;
    }
    if (i + 1 >= argc)
      return fail(ErrorKind::kInvalid, "USAGE", std::string(flag) + " needs a value");
    const std::string value = argv[++i];
    Result<std::int64_t> n = 0;
    if (flag == "--scenario") {
      o.scenario_path = value;
    } else if (flag == "--world") {
      o.world_path = value;
    } else if (flag == "--database-url") {
      o.database_url = value;
    } else if (flag == "--schedule") {
      o.schedule_path = value;
    } else if (flag == "--payments" && (n = number(flag, value, kPaymentsMax))) {
      o.payments = static_cast<int>(*n);
    } else if (flag == "--concurrency" && (n = number(flag, value, 256))) {
      o.concurrency = std::max(1, static_cast<int>(*n));
    } else if (flag == "--rate" && (n = number(flag, value, 100'000))) {
      o.rate = std::max(1, static_cast<int>(*n));
    } else if (flag == "--seed" && (n = number(flag, value, INT64_MAX))) {
      o.seed = static_cast<std::uint64_t>(*n);
    } else if (!n) {
      return std::unexpected(n.error());
    } else {
      return fail(ErrorKind::kInvalid, "USAGE", "unknown option " + std::string(flag));
    }
  }
  if (!o.scenario_path.empty()) {
    if (auto ok = apply_scenario(o); !ok) return std::unexpected(ok.error());
  }
  if (!o.schedule_path.empty()) {
    auto text = read_file(o.schedule_path);
    if (!text) return std::unexpected(text.error());
    boost::system::error_code ec;
    auto parsed = json::parse(*text, ec);
    if (ec || !parsed.is_array())
      return fail(ErrorKind::kInvalid, "INVALID_SCHEDULE",
                  o.schedule_path + " is not a JSON array");
    o.schedule = parsed.as_array();
  }
  return o;
}

// The run's principals, made afresh for each run: one per PSP of the world, which signs its
// payments as a real PSP would (Ed25519, RFC 9421), and an auditor for the checker's reads.
struct SimPrincipal {
  std::string id;
  std::string api_key;
  std::string private_key;
};
struct SimCredentials {
  std::map<std::string, SimPrincipal> psps;  // by handle
  SimPrincipal auditor;
  std::string bank_key;  // what the switch presents to the banks; the sim reads their books with it

  static SimCredentials make(const World& world) {
    SimCredentials out;
    auto fresh = [](std::string id) {
      return SimPrincipal{std::move(id), base64_encode(ed25519_generate().private_key),
                          ed25519_generate().private_key};
    };
    for (const auto& psp : world.psps) out.psps[psp.handle] = fresh("sim-" + psp.handle);
    out.auditor = fresh("sim-auditor");
    out.bank_key = fresh("banks").api_key;
    return out;
  }
  // The credentials file for the switch: hashes and public keys only.
  std::string file_text() const {
    json::array list;
    // Rates far above what a run offers: the sim measures the switch, not its limiter.
    const json::object rate{{"per_second", 100'000}, {"burst", 100'000}};
    for (const auto& [handle, p] : psps) {
      list.push_back(json::object{
          {"id", p.id},
          {"role", "psp"},
          {"psp", handle},
          {"api_key_sha256", sha256_hex(p.api_key)},
          {"signing",
           json::object{{"alg", "ed25519"},
                        {"public_key", base64_encode(ed25519_public_key(p.private_key).value())}}},
          {"rate", rate}});
    }
    list.push_back(json::object{{"id", auditor.id},
                                {"role", "auditor"},
                                {"api_key_sha256", sha256_hex(auditor.api_key)},
                                {"rate", rate}});
    return to_json(json::object{{"principals", std::move(list)}});
  }
};

// The processes of a run: one upi-bank per bank and the switch, on fixed loopback ports so
// that a restart comes back where the others expect it.
class Cluster {
 public:
  Cluster(const SimOptions& options, std::string dir) : options_(options), dir_(std::move(dir)) {}

  Result<void> start(const World& world, const std::string& world_text) {
    auto world_json = parse_json_object(world_text, 16);
    if (!world_json) return std::unexpected(world_json.error());
    for (auto& bank : (*world_json)["banks"].as_array()) {
      const std::string code = string_or_empty(bank.as_object(), "code");
      bank_ports_[code] = reserve_loopback_port();
      bank.as_object()["endpoint"] = "http://127.0.0.1:" + std::to_string(bank_ports_[code]);
    }
    world_path_ = dir_ + "/world.json";
    std::ofstream(world_path_) << to_json(*world_json);
    credentials_ = SimCredentials::make(world);
    credentials_path_ = dir_ + "/credentials.json";
    std::ofstream(credentials_path_) << credentials_.file_text();
    bank_key_path_ = dir_ + "/bank.key";
    std::ofstream(bank_key_path_) << credentials_.bank_key;
    for (const auto& b : world.banks) {
      if (auto ok = start_bank(b.code); !ok) return ok;
    }
    switch_port_ = reserve_loopback_port();
    return start_switch();
  }

  Result<void> start_bank(const std::string& code) {
    auto child = ChildProcess::start(
        {sibling_binary("banks", "upi-bank"), "--bank", code, "--world", world_path_, "--listen",
         "127.0.0.1:" + std::to_string(bank_ports_.at(code)), "--journal",
         dir_ + "/" + code + ".journal", "--fault-seed", std::to_string(options_.seed),
         "--log-level", "warn", "--switch-key-sha256", sha256_hex(credentials_.bank_key)},
        std::chrono::seconds(10), dir_ + "/" + code + ".log");
    if (!child) return std::unexpected(child.error());
    banks_[code] = std::move(*child);
    return send_faults(code);
  }

  // Sets (or with no rules clears) a bank's fault rules. They stay in force across the bank's
  // restarts until cleared: a bank that is down gets them when it comes back.
  Result<void> set_faults(const std::string& code, json::array rules) {
    rules_[code] = std::move(rules);
    return bank_up(code) ? send_faults(code) : Result<void>{};
  }

  Result<void> start_switch() {
    std::vector<std::string> args{sibling_binary("switch", "upi-switch"),
                                  "--world",
                                  world_path_,
                                  "--credentials",
                                  credentials_path_,
                                  "--bank-key-file",
                                  bank_key_path_,
                                  "--listen",
                                  "127.0.0.1:" + std::to_string(switch_port_),
                                  "--log-level",
                                  "warn",
                                  "--lease-ms",
                                  "1000",
                                  "--leg-timeout-ms",
                                  std::to_string(kSwitchLegTimeoutMs),
                                  "--settlement-period-s",
                                  std::to_string(kSettlementPeriodS),
                                  "--neft-batch-interval-s",
                                  std::to_string(kNeftBatchIntervalS)};
    if (!options_.database_url.empty()) {
      args.insert(args.end(), {"--database-url", options_.database_url, "--database-schema",
                               "sim_" + std::to_string(::getpid())});
    }
    auto child =
        ChildProcess::start(std::move(args), std::chrono::seconds(20), dir_ + "/switch.log");
    if (!child) return std::unexpected(child.error());
    switch_ = std::move(*child);
    return {};
  }

  // Reads what the bank counted in this life before killing it, so the run's totals survive.
  void kill_bank(const std::string& code) {
    remember_activity(code);
    banks_[code].reset();
  }
  // Adds what the running bank process counted so far to earlier lives' totals.
  void remember_activity(const std::string& code);
  // Every life's counters of every bank, summed per bank (read at the end of the run).
  const std::map<std::string, banks::BankActivity>& activity() const { return activity_; }
  void kill_switch() { switch_.reset(); }
  bool bank_up(const std::string& code) const {
    auto it = banks_.find(code);
    return it != banks_.end() && it->second != nullptr;
  }
  bool switch_up() const { return switch_ != nullptr; }
  std::uint16_t bank_port(const std::string& code) const { return bank_ports_.at(code); }
  std::uint16_t switch_port() const { return switch_port_; }
  const SimCredentials& credentials() const { return credentials_; }
  void stop() {
    if (switch_) switch_->terminate();
    switch_.reset();
    banks_.clear();
  }

 private:
  Result<void> send_faults(const std::string& code);

  const SimOptions& options_;
  std::string dir_;
  std::string world_path_;
  SimCredentials credentials_;
  std::string credentials_path_;
  std::string bank_key_path_;
  std::map<std::string, json::array> rules_;
  std::map<std::string, std::uint16_t> bank_ports_;
  std::map<std::string, std::unique_ptr<ChildProcess>> banks_;
  std::uint16_t switch_port_ = 0;
  std::unique_ptr<ChildProcess> switch_;
  std::map<std::string, banks::BankActivity> activity_;
};

struct Payment {
  std::string payer, payee, amount, key;
  AccountRef payer_account, payee_account;
  Paise paise = 0;
  std::string id;
  int http_status = 0;
  double latency_ms = 0;
};

// Seeded payments between the world's accounts; amounts mostly IMPS-sized, some NEFT and RTGS.
std::vector<Payment> draw_payments(const World& world, const SimOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::vector<Payment> out;
  while (static_cast<int>(out.size()) < o.payments) {
    const auto& payer = world.accounts[rng() % world.accounts.size()];
    const auto& payee = world.accounts[rng() % world.accounts.size()];
    if (payer.vpa == payee.vpa) continue;
    const int band = static_cast<int>(rng() % 20);
    const Paise amount = band < 17   ? 100 + static_cast<Paise>(rng() % 1'000'000)
                         : band < 19 ? 5'000'001 + static_cast<Paise>(rng() % 10'000'000)
                                     : 20'000'001 + static_cast<Paise>(rng() % 10'000'000);
    out.push_back(Payment{payer.vpa.str(),
                          payee.vpa.str(),
                          format_money(amount),
                          "sim-" + std::to_string(o.seed) + "-" + std::to_string(out.size()),
                          {payer.bank, payer.account},
                          {payee.bank, payee.account},
                          amount});
  }
  return out;
}

// A GET to a bank process, with the key the banks take (the switch's).
http::ClientResponse bank_get(std::uint16_t port, const std::string& target,
                              const std::string& bank_key) {
  http::ClientRequest request{"GET", target, "", {{"Authorization", "Bearer " + bank_key}}};
  auto res = http::fetch("127.0.0.1", port, request, kHttpTimeoutMs);
  return res ? *res : http::ClientResponse{};
}

// A GET to the switch, as the run's auditor.
http::ClientResponse switch_get(const Cluster& cluster, const std::string& target) {
  http::ClientRequest request{
      "GET", target, "", {{"Authorization", "Bearer " + cluster.credentials().auditor.api_key}}};
  auto res = http::fetch("127.0.0.1", cluster.switch_port(), request, kHttpTimeoutMs);
  return res ? *res : http::ClientResponse{};
}

// A POST as a PSP: its key, and its signature over the request (RFC 9421).
http::ClientRequest signed_post(const std::string& target, const std::string& key,
                                const std::string& body, const SimPrincipal& psp) {
  static std::atomic<std::uint64_t> nonces{0};
  static const std::string run_nonce = std::to_string(::getpid()) + "-";
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  auto signature = http::sign_request({"POST", target, key, body}, psp.private_key, psp.id, now_s,
                                      run_nonce + std::to_string(++nonces));
  assert(signature && "a 32-byte key signs");
  return http::ClientRequest{"POST",
                             target,
                             body,
                             {{"Authorization", "Bearer " + psp.api_key},
                              {"Idempotency-Key", key},
                              {"Prefer", "wait=10"},
                              {"Content-Type", "application/json"},
                              {"Content-Digest", signature->content_digest},
                              {"Signature-Input", signature->signature_input},
                              {"Signature", signature->signature}}};
}

const SimPrincipal& psp_of(const SimCredentials& credentials, const std::string& vpa) {
  return credentials.psps.at(vpa.substr(vpa.rfind('@') + 1));
}

// POST /v1/payments as the payer's PSP.
http::ClientRequest signed_payment(const Payment& p, const std::string& body,
                                   const SimCredentials& credentials) {
  return signed_post("/v1/payments", p.key, body, psp_of(credentials, p.payer));
}

Result<void> Cluster::send_faults(const std::string& code) {
  const json::array& rules = rules_[code];
  auto res =
      http::fetch("127.0.0.1", bank_port(code),
                  http::ClientRequest{rules.empty() ? "DELETE" : "PUT",
                                      "/v1/faults",
                                      rules.empty() ? "" : to_json(json::object{{"rules", rules}}),
                                      {{"Content-Type", "application/json"},
                                       {"Authorization", "Bearer " + credentials_.bank_key}}},
                  kHttpTimeoutMs);
  if (!res || res->status != 200) {
    return fail(ErrorKind::kUnavailable, "STEP_FAILED",
                code + " refused its fault rules: " +
                    (res ? std::to_string(res->status) + " " + res->body : res.error().message));
  }
  return {};
}

void Cluster::remember_activity(const std::string& code) {
  if (!bank_up(code)) return;
  auto res = bank_get(bank_port(code), "/v1/activity", credentials_.bank_key);
  auto o = parse_json_object(res.body, 8);
  const json::value* counters = o ? o->if_contains("activity") : nullptr;
  auto activity = counters && counters->is_object()
                      ? banks::activity_from_json(counters->as_object())
                      : Result<banks::BankActivity>{};
  if (res.status != 200 || !counters || !activity) {
    std::fprintf(stderr, "upi-sim: could not read %s's activity (HTTP %d)\n", code.c_str(),
                 res.status);
    return;
  }
  banks::merge_activity(activity_[code], *activity);
}

// Sends one payment, retrying the same key while the switch is down or busy.
void send(Payment& p, const Cluster& cluster) {
  const std::string body = R"({"payer_vpa":")" + p.payer + R"(","payee_vpa":")" + p.payee +
                           R"(","amount":")" + p.amount + R"("})";
  const auto started = std::chrono::steady_clock::now();
  int pause_ms = 20;
  while (std::chrono::steady_clock::now() < started + kAcceptDeadline) {
    // Signed afresh on each try: a nonce is used once.
    auto res = http::fetch("127.0.0.1", cluster.switch_port(),
                           signed_payment(p, body, cluster.credentials()), kHttpTimeoutMs);
    if (res && (res->status == 200 || res->status == 201)) {
      auto o = parse_json_object(res->body, 16);
      p.id = o ? string_or_empty(*o, "id") : "";
      p.http_status = res->status;
      p.latency_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      return;
    }
    if (res && res->status != 503 && res->status != 409) {
      p.http_status = res->status;  // refused for good (a bug in the sim, or the world)
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    pause_ms = std::min(pause_ms * 2, 500);
  }
}

// Plays one step; an error (fault rules a bank refused, a process that did not start) means
// the run would not test what it says, so it stops.
Result<void> apply_step(const Step& step, Cluster& cluster, std::ostream& log) {
  const std::string bank = step.bank;
  log << "  +" << step.at_ms << " ms " << action_name(step.action) << " " << bank << "\n";
  switch (step.action) {
    case Action::kFaults:
      return cluster.set_faults(bank, step.rules);
    case Action::kClearFaults:
      return cluster.set_faults(bank, {});
    case Action::kKillBank:
      cluster.kill_bank(bank);
      break;
    case Action::kRestartBank:
      return cluster.start_bank(bank);
    case Action::kKillSwitch:
      cluster.kill_switch();
      break;
    case Action::kRestartSwitch:
      return cluster.start_switch();
  }
  return {};
}

// Plays the steps in time; on the first that fails, records why and stops.
void play_schedule(const std::vector<Step>& steps, Cluster& cluster,
                   std::chrono::steady_clock::time_point t0, std::ostream& log,
                   std::atomic<bool>& aborted, std::string& why) {
  for (const auto& step : steps) {
    std::this_thread::sleep_until(t0 + std::chrono::milliseconds(step.at_ms));
    if (auto ok = apply_step(step, cluster, log); !ok) {
      why = ok.error().message;
      aborted = true;
      return;
    }
  }
}

void drive(std::vector<Payment>& payments, const SimOptions& o, const Cluster& cluster,
           std::chrono::steady_clock::time_point t0, const std::atomic<bool>& aborted) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < o.concurrency; ++w) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < payments.size() && !aborted; i = next++) {
        std::this_thread::sleep_until(
            t0 + std::chrono::microseconds(static_cast<std::int64_t>(i) * 1'000'000 / o.rate));
        send(payments[i], cluster);
      }
    });
  }
  for (auto& t : workers) t.join();
}

// Polls each payment until it is terminal or the deadline passes.
std::map<std::string, PaymentOutcome> wait_quiescent(const std::vector<Payment>& payments,
                                                     const Cluster& cluster,
                                                     std::int64_t* max_position) {
  const auto deadline = std::chrono::steady_clock::now() + kQuiescenceDeadline;
  std::map<std::string, PaymentOutcome> out;
  for (const auto& p : payments) {
    if (p.id.empty()) continue;
    PaymentOutcome outcome{"PENDING", "", p.payer_account, p.payee_account, p.paise};
    int pause_ms = 10;
    for (;;) {
      const bool refund = p.id.starts_with("rfd_");
      auto res = switch_get(cluster, (refund ? "/v1/refunds/" : "/v1/payments/") + p.id);
      auto o = parse_json_object(res.body, 16);
      if (o && res.status == 200) {
        outcome.status = string_or_empty(*o, "status");
        const json::value* reason = o->if_contains("reason");
        if (reason && reason->is_object())
          outcome.reason = string_or_empty(reason->as_object(), "code");
        if (const json::value* pos = o->if_contains("ledger_position"); pos && pos->is_int64())
          *max_position = std::max(*max_position, pos->as_int64());
      }
      if (outcome.status != "PENDING" || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));  // a tool, not a test
      pause_ms = std::min(pause_ms * 2, 200);
    }
    out[p.id] = outcome;
  }
  return out;
}

Result<BankBooks> read_books(const std::string& code, std::uint16_t port,
                             const std::string& bank_key) {
  BankBooks books{code};
  auto accounts = bank_get(port, "/v1/accounts", bank_key);
  auto a = parse_json_object(accounts.body, 8);
  if (accounts.status != 200 || !a) {
    return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE",
                code + ": no accounts (HTTP " + std::to_string(accounts.status) + ")");
  }
  for (const auto& entry : (*a)["accounts"].as_array()) {
    const auto& e = entry.as_object();
    books.balances[string_or_empty(e, "account")] =
        parse_money(string_or_empty(e, "balance"), ZeroPolicy::kAllow).value_or(-1);
  }
  std::string after;
  for (;;) {
    auto page = bank_get(port,
                         "/v1/legs?limit=" + std::to_string(banks::kLegsPageMax) +
                             (after.empty() ? "" : "&after=" + after),
                         bank_key);
    auto legs = parse_json_object(page.body, 8);
    if (page.status != 200 || !legs)
      return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE", code + ": no leg records");
    const auto& list = (*legs)["legs"].as_array();
    for (const auto& l : list) {
      auto leg = banks::leg_record_from_json(l.as_object());
      if (!leg)
        return fail(ErrorKind::kUnavailable, "BANK_UNAVAILABLE", code + ": " + leg.error().message);
      after = leg->leg_id;
      books.legs.push_back(std::move(*leg));
    }
    if (list.size() < banks::kLegsPageMax) break;
  }
  return books;
}

std::map<std::string, Paise> switch_positions(const World& world, const Cluster& cluster,
                                              std::int64_t min_position) {
  std::map<std::string, Paise> net;
  for (const auto& b : world.banks) {
    auto res = switch_get(
        cluster, "/v1/banks/" + b.code + "/positions?min_position=" + std::to_string(min_position));
    auto o = parse_json_object(res.body, 8);
    net[b.code] = o ? parse_signed_money(string_or_empty(*o, "net")).value_or(0) : 0;
  }
  return net;
}

// One cycle's totals from its report.
std::optional<CycleTotals> cycle_totals(const Cluster& cluster, std::int64_t cycle) {
  auto res = switch_get(cluster, "/v1/settlement/cycles/" + std::to_string(cycle));
  auto o = res.status == 200 ? parse_json_object(res.body, 8) : std::unexpected(Error{});
  if (!o) return std::nullopt;
  CycleTotals totals{cycle, string_or_empty(*o, "status")};
  const json::value* payments = o->if_contains("payments");
  const json::value* banks = o->if_contains("banks");
  if (payments == nullptr || !payments->is_object() || banks == nullptr || !banks->is_array())
    return std::nullopt;
  totals.completed = payments->as_object().at("completed").to_number<std::int64_t>();
  totals.reversed = payments->as_object().at("reversed").to_number<std::int64_t>();
  // Every rail's net, gross (RTGS) ones too: what the bank's legs moved.
  for (const auto& b : banks->as_array()) {
    const auto& bank = b.as_object();
    const json::value* rails = bank.if_contains("rails");
    if (rails == nullptr || !rails->is_array()) return std::nullopt;
    for (const auto& r : rails->as_array()) {
      totals.net[string_or_empty(bank, "bank")] +=
          parse_signed_money(string_or_empty(r.as_object(), "net")).value_or(0);
    }
  }
  if (totals.status == "CLOSED") {
    // The switch's own check of the cycle against the banks' books (upi-bank's GET /v1/legs).
    auto recon =
        switch_get(cluster, "/v1/settlement/cycles/" + std::to_string(cycle) + "/reconciliation");
    auto body = recon.status == 200 ? parse_json_object(recon.body, 12) : std::unexpected(Error{});
    totals.reconciliation = body ? string_or_empty(*body, "status") : "UNREAD";
    if (totals.reconciliation != "MATCHED") totals.reconciliation_detail = recon.body;
  }
  return totals;
}

// The settlement cycles that hold the run, oldest first: waits until the newest cycle that is
// not open was cut off after max_position (the last payment ended before it) and is closed,
// then reads it and every one before it (not the open one: the schedule may cut it off
// meanwhile, and no payment of the run is in it).
Result<std::vector<CycleTotals>> settled_cycles(const Cluster& cluster, std::int64_t max_position) {
  const auto deadline = std::chrono::steady_clock::now() + kQuiescenceDeadline;
  for (;;) {
    auto res = switch_get(cluster, "/v1/settlement/cycles?limit=2");
    auto o = res.status == 200 ? parse_json_object(res.body, 8) : std::unexpected(Error{});
    const json::value* items = o ? o->if_contains("items") : nullptr;
    if (items != nullptr && items->is_array() && items->as_array().size() == 2) {
      const auto& last = items->as_array()[1].as_object();
      const json::value* cut = last.if_contains("cutoff_position");
      if (string_or_empty(last, "status") == "CLOSED" && cut != nullptr && cut->is_int64() &&
          cut->as_int64() > max_position) {
        const std::int64_t open = items->as_array()[0].as_object().at("cycle").as_int64();
        std::vector<CycleTotals> cycles;
        for (std::int64_t n = 1; n < open && n <= kCyclesReadMax; ++n) {
          auto totals = cycle_totals(cluster, n);
          if (!totals) return fail(ErrorKind::kUnavailable, "CYCLES", "cycle " + std::to_string(n));
          cycles.push_back(std::move(*totals));
        }
        return cycles;
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return fail(ErrorKind::kTimeout, "CYCLES",
                  "no closed settlement cycle holds every payment yet: " + res.body);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a poll's pause
  }
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

// Every bank's activity counters, summed over the banks (a *_max peak: the highest).
banks::BankActivity total_activity(const std::vector<BankBooks>& banks) {
  banks::BankActivity total;
  for (const auto& b : banks) banks::merge_activity(total, b.activity);
  return total;
}

// The scenario's expectations: at least N payments with a status or a reason code, or at least
// N of a bank activity counter summed over the banks (fault.credit.lost_response,
// status.credit.applied, restored: see banks::BankActivity), so that a scenario whose fault
// never fired fails.
Check check_expectations(const json::object& expect,
                         const std::map<std::string, PaymentOutcome>& outcomes,
                         const banks::BankActivity& activity) {
  Check c{"expected"};
  std::map<std::string, std::int64_t> seen(activity.begin(), activity.end());
  for (const auto& [id, o] : outcomes) {
    ++seen[o.status];
    if (!o.reason.empty()) ++seen[o.reason];
  }
  for (const auto& [key, min] : expect) {
    const std::int64_t want = min.is_int64() ? min.as_int64() : 1;
    const std::int64_t got = seen[std::string(key)];
    if (got < want) {
      c.ok = false;
      c.detail += (c.detail.empty() ? "" : "; ") + std::string(key) + ": " + std::to_string(got) +
                  " < " + std::to_string(want);
    }
  }
  return c;
}

void report(const SimOptions& o, const std::vector<Payment>& payments,
            const std::map<std::string, PaymentOutcome>& outcomes, double seconds,
            const banks::BankActivity& activity, const std::vector<Check>& checks) {
  std::map<std::string, int> by_status;
  std::map<std::string, std::map<std::string, int>> reasons;
  for (const auto& [id, out] : outcomes) {
    ++by_status[out.status];
    if (!out.reason.empty()) ++reasons[out.status][out.reason];
  }
  std::vector<double> latency;
  for (const auto& p : payments) {
    if (!p.id.empty()) latency.push_back(p.latency_ms);
  }
  std::printf("results (%zu accepted of %zu):\n", latency.size(), payments.size());
  for (const auto& [status, n] : by_status) {
    std::string detail;
    for (const auto& [reason, k] : reasons[status]) {
      detail += (detail.empty() ? "  (" : ", ") + reason + " " + std::to_string(k);
    }
    std::printf("  %-10s %6d%s\n", status.c_str(), n, detail.empty() ? "" : (detail + ")").c_str());
  }
  std::printf("throughput: %.1f payments/s over %.2f s (concurrency %d, rate %d/s)\n",
              static_cast<double>(latency.size()) / std::max(seconds, 0.001), seconds,
              o.concurrency, o.rate);
  std::printf("latency to an answer (Prefer: wait=10): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n",
              percentile(latency, 0.50), percentile(latency, 0.95), percentile(latency, 0.99));
  std::printf("bank activity (every bank, every life of its process):\n");
  for (const auto& [name, n] : activity) {
    std::printf("  %-28s %8lld\n", name.c_str(), static_cast<long long>(n));
  }
  std::printf("checks (from the banks' own books):\n");
  for (const auto& c : checks) {
    std::printf("  %-4s %-13s %s\n", c.ok ? "ok" : "FAIL", c.name.c_str(), c.detail.c_str());
  }
  std::printf("%s\n", all_ok(checks) ? "PASS" : "FAIL");
}

Result<std::vector<BankBooks>> read_all_books(const World& world, const Cluster& cluster) {
  std::vector<BankBooks> out;
  for (const auto& b : world.banks) {
    auto books = read_books(b.code, cluster.bank_port(b.code), cluster.credentials().bank_key);
    if (!books) return std::unexpected(books.error());
    auto it = cluster.activity().find(b.code);
    if (it != cluster.activity().end()) books->activity = it->second;
    out.push_back(std::move(*books));
  }
  return out;
}

Result<std::vector<Step>> plan(const SimOptions& o, const World& world) {
  auto steps = o.chaos ? chaos_schedule(o.seed, world, 1000LL * o.payments / o.rate + 500,
                                        !o.database_url.empty())
                       : parse_schedule(o.schedule, world);
  if (!steps) return steps;
  for (const auto& step : *steps) {
    if (step.action == Action::kKillSwitch && o.database_url.empty())
      return fail(ErrorKind::kInvalid, "USAGE",
                  "kill_switch needs --database-url (a durable switch)");
  }
  return steps;
}

// Sends a POST until the switch answers it for good: while it is down or busy (503), the same
// key again; any other answer is returned.
http::ClientResponse post_answered(const Cluster& cluster, const std::string& target,
                                   const std::string& key, const std::string& body,
                                   const SimPrincipal& psp) {
  const auto started = std::chrono::steady_clock::now();
  int pause_ms = 20;
  for (;;) {
    auto res = http::fetch("127.0.0.1", cluster.switch_port(), signed_post(target, key, body, psp),
                           kHttpTimeoutMs);
    const bool retry = !res || res->status == 503;
    if (!retry || std::chrono::steady_clock::now() > started + kAcceptDeadline)
      return res ? *res : http::ClientResponse{};
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));  // a tool, not a test
    pause_ms = std::min(pause_ms * 2, 500);
  }
}

// What the run asked for after its payments: refunds and collect requests. Refunds and the
// payments of approved requests are checked like payments (extra); the rest by their own checks.
struct FollowUps {
  std::vector<Payment> extra;
  std::map<std::string, Paise> refunded_payments;  // payment id -> its amount
  std::map<std::string, std::string> refund_of;    // refund id -> payment id
  int refunds_refused = 0;                         // 409: would pass the payment's amount
  std::map<std::string, int> collects;             // collect id -> kind (kApprove...)
  int late_approvals_refused = 0;                  // 409 COLLECT_EXPIRED
};
enum CollectKind { kApprove, kDecline, kExpire, kApproveLate, kCollectKinds };

// The status of a payment or collect request, polled until it is no longer PENDING.
json::object settled(const Cluster& cluster, const std::string& target) {
  const auto deadline = std::chrono::steady_clock::now() + kQuiescenceDeadline;
  for (int pause_ms = 10;; pause_ms = std::min(pause_ms * 2, 200)) {
    auto res = switch_get(cluster, target);
    auto o = parse_json_object(res.body, 16);
    if (o && res.status == 200 && string_or_empty(*o, "status") != "PENDING") return *o;
    if (std::chrono::steady_clock::now() > deadline) return o.value_or(json::object{});
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));  // a tool, not a test
  }
}

// Refunds of every eighth accepted payment that completed: one to three, each up to the
// payment's amount, so that some would pass it (the switch refuses those).
void send_refunds(const std::vector<Payment>& payments, const SimOptions& o, const Cluster& cluster,
                  FollowUps& f) {
  std::mt19937_64 rng(o.seed * 31 + 7);
  for (std::size_t i = 0; i < payments.size(); i += 8) {
    const Payment& p = payments[i];
    if (p.id.empty() ||
        string_or_empty(settled(cluster, "/v1/payments/" + p.id), "status") != "COMPLETED")
      continue;
    f.refunded_payments[p.id] = p.paise;
    const int count = 1 + static_cast<int>(rng() % 3);
    for (int r = 0; r < count; ++r) {
      const Paise amount = 1 + static_cast<Paise>(rng() % static_cast<std::uint64_t>(p.paise));
      Payment refund{p.payee,
                     p.payer,
                     format_money(amount),
                     p.key + "-refund-" + std::to_string(r),
                     p.payee_account,
                     p.payer_account,
                     amount};
      auto res = post_answered(cluster, "/v1/payments/" + p.id + "/refunds", refund.key,
                               R"({"amount":")" + refund.amount + R"("})",
                               psp_of(cluster.credentials(), p.payee));
      auto body = parse_json_object(res.body, 16);
      if (res.status == 409) ++f.refunds_refused;
      if ((res.status != 200 && res.status != 201) || !body) continue;
      refund.id = string_or_empty(*body, "id");
      refund.http_status = res.status;
      f.refund_of[refund.id] = p.id;
      f.extra.push_back(std::move(refund));
    }
  }
}

// Collect requests between the world's accounts, a few of each kind: approved at once,
// declined, left to expire, and approved after they expired (which the switch refuses).
void send_collects(const World& world, const SimOptions& o, const Cluster& cluster, FollowUps& f) {
  std::mt19937_64 rng(o.seed * 17 + 3);
  const int count = std::max(8, o.payments / 10);
  std::vector<std::pair<std::string, Payment>> late;
  for (int i = 0; i < count; ++i) {
    const auto& payer = world.accounts[rng() % world.accounts.size()];
    const auto& payee = world.accounts[rng() % world.accounts.size()];
    if (payer.vpa == payee.vpa) continue;
    const int kind = i % kCollectKinds;
    const Paise amount = 1 + static_cast<Paise>(rng() % 2'000'00);
    Payment paid{payer.vpa.str(),
                 payee.vpa.str(),
                 format_money(amount),
                 "sim-" + std::to_string(o.seed) + "-collect-" + std::to_string(i),
                 {payer.bank, payer.account},
                 {payee.bank, payee.account},
                 amount};
    const std::string expiry = kind >= kExpire ? R"(,"expires_in_seconds":1)" : "";
    auto asked =
        post_answered(cluster, "/v1/collect-requests", paid.key,
                      R"({"payee_vpa":")" + paid.payee + R"(","payer_vpa":")" + paid.payer +
                          R"(","amount":")" + paid.amount + "\"" + expiry + "}",
                      psp_of(cluster.credentials(), paid.payee));
    auto body = parse_json_object(asked.body, 16);
    if (asked.status != 201 || !body) continue;
    const std::string id = string_or_empty(*body, "id");
    f.collects[id] = kind;
    if (kind == kApproveLate) late.emplace_back(id, paid);
    if (kind != kApprove && kind != kDecline) continue;
    auto answered = post_answered(
        cluster, "/v1/collect-requests/" + id + (kind == kApprove ? "/approve" : "/decline"),
        paid.key + "-answer", "", psp_of(cluster.credentials(), paid.payer));
    auto answer = parse_json_object(answered.body, 16);
    if (kind == kApprove && answered.status == 200 && answer) {
      paid.id = string_or_empty(*answer, "payment_id");
      paid.http_status = 200;
      f.extra.push_back(std::move(paid));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1'500));  // past every 1 s expiry
  for (auto& [id, paid] : late) {
    auto answered =
        post_answered(cluster, "/v1/collect-requests/" + id + "/approve", paid.key + "-answer", "",
                      psp_of(cluster.credentials(), paid.payer));
    f.late_approvals_refused += answered.status == 409;
  }
}

// Refunds never add up to more than their payment: the refunds of each that did not fail or
// were not reversed.
Check check_refunds(const FollowUps& f, const std::map<std::string, PaymentOutcome>& outcomes) {
  Check c{"refunds"};
  std::map<std::string, Paise> refunded;
  for (const auto& [refund, payment] : f.refund_of) {
    auto it = outcomes.find(refund);
    if (it != outcomes.end() && it->second.status != "FAILED" && it->second.status != "REVERSED")
      refunded[payment] += it->second.amount;
  }
  int n = 0;
  for (const auto& [payment, total] : refunded) {
    if (total <= f.refunded_payments.at(payment)) continue;
    c.ok = false;
    if (++n <= 3)
      c.detail += payment + " refunded " + format_money(total) + " of " +
                  format_money(f.refunded_payments.at(payment)) + "; ";
  }
  if (c.ok)
    c.detail = std::to_string(f.refund_of.size()) + " refunds of " +
               std::to_string(f.refunded_payments.size()) + " payments, " +
               std::to_string(f.refunds_refused) + " refused as over the amount";
  return c;
}

// Each collect request ended as it was answered: an approved one named one payment (which the
// banks' legs then account for), a declined or expired one none.
Check check_collects(const FollowUps& f, const Cluster& cluster) {
  Check c{"collects"};
  static constexpr const char* kWant[] = {"APPROVED", "DECLINED", "EXPIRED", "EXPIRED"};
  std::map<std::string, int> ended;
  int n = 0;
  for (const auto& [id, kind] : f.collects) {
    const json::object o = settled(cluster, "/v1/collect-requests/" + id);
    const std::string status = string_or_empty(o, "status");
    const bool has_payment = o.contains("payment_id") && o.at("payment_id").is_string();
    ++ended[status];
    if (status == kWant[kind] && has_payment == (kind == kApprove)) continue;
    c.ok = false;
    if (++n <= 3) c.detail += id + " is " + status + " (wanted " + kWant[kind] + "); ";
  }
  if (c.ok) {
    for (const auto& [status, k] : ended) c.detail += status + " " + std::to_string(k) + " ";
    c.detail += "(" + std::to_string(f.late_approvals_refused) + " late approvals refused)";
  }
  return c;
}

// After the run: everything up, no faults, every payment settled; then the checks.
std::vector<Check> settle_and_check(const SimOptions& o, const World& world, Cluster& cluster,
                                    const std::vector<Payment>& payments, const FollowUps& follow,
                                    const std::vector<BankBooks>& opening,
                                    std::map<std::string, PaymentOutcome>* outcomes,
                                    banks::BankActivity* activity) {
  std::ostringstream quiet;
  for (const auto& b : world.banks) {
    Result<void> ok;
    if (!cluster.bank_up(b.code)) ok = cluster.start_bank(b.code);
    if (ok) ok = apply_step(Step{0, Action::kClearFaults, b.code, {}}, cluster, quiet);
    if (!ok) return {Check{"quiescence", false, ok.error().message}};
  }
  std::printf("quiescence: every process up, every fault rule cleared; settling...\n");
  if (!cluster.switch_up()) (void)cluster.start_switch();
  std::int64_t max_position = 0;
  *outcomes = wait_quiescent(payments, cluster, &max_position);
  for (const auto& p : payments) {
    if (p.id.empty()) (*outcomes)["(not accepted) " + p.key] = PaymentOutcome{"PENDING"};
  }
  for (const auto& b : world.banks) cluster.remember_activity(b.code);
  auto closing = read_all_books(world, cluster);
  if (!closing) return {Check{"books_read", false, closing.error().message}};
  for (std::size_t i = 0; i < closing->size(); ++i) (*closing)[i].opening = opening[i].balances;
  *activity = total_activity(*closing);
  auto checks = check_run(*closing, *outcomes, switch_positions(world, cluster, max_position));
  auto cycles = settled_cycles(cluster, max_position);
  checks.push_back(cycles ? check_settlement(*closing, *outcomes, *cycles)
                          : Check{"settlement", false, cycles.error().message});
  checks.push_back(check_refunds(follow, *outcomes));
  checks.push_back(check_collects(follow, cluster));
  if (!o.expect.empty()) checks.push_back(check_expectations(o.expect, *outcomes, *activity));
  return checks;
}

int run(const SimOptions& o) {
  auto world_text = o.world_path.empty() ? Result<std::string>(std::string(demo_world_json()))
                                         : read_file(o.world_path);
  auto world = world_text ? parse_world(*world_text) : std::unexpected(world_text.error());
  auto steps = world ? plan(o, *world) : std::unexpected(world.error());
  if (!steps) {
    std::fprintf(stderr, "upi-sim: %s\n", steps.error().message.c_str());
    return 2;
  }
  char dir_template[] = "/tmp/upi-sim.XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  std::printf("upi-sim %s: %d payments, seed %llu, %zu banks as upi-bank processes, %s store\n",
              o.name.c_str(), o.payments, static_cast<unsigned long long>(o.seed),
              world->banks.size(), o.database_url.empty() ? "memory" : "PostgreSQL");
  std::printf("schedule: %s\nlogs: %s\n", to_json(schedule_to_json(*steps)).c_str(), dir.c_str());
  std::fflush(stdout);
  Cluster cluster(o, dir);
  auto started = cluster.start(*world, *world_text);
  auto opening = started ? read_all_books(*world, cluster) : std::unexpected(started.error());
  if (!opening) {
    std::fprintf(stderr, "upi-sim: %s\n", opening.error().message.c_str());
    return 2;
  }
  auto payments = draw_payments(*world, o);
  const auto t0 = std::chrono::steady_clock::now();
  std::ostringstream schedule_log;
  std::atomic<bool> aborted{false};
  std::string why;
  std::thread chaos([&] { play_schedule(*steps, cluster, t0, schedule_log, aborted, why); });
  drive(payments, o, cluster, t0, aborted);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  chaos.join();
  std::cout << schedule_log.str();
  if (aborted) {
    std::fprintf(stderr, "upi-sim: the schedule failed, so the run is void: %s\n", why.c_str());
    cluster.stop();
    return 2;
  }
  // Refunds and collect requests, on whatever the schedule left standing.
  if (!cluster.switch_up()) (void)cluster.start_switch();
  FollowUps follow;
  send_refunds(payments, o, cluster, follow);
  send_collects(*world, o, cluster, follow);
  std::vector<Payment> checked = payments;  // the throughput and latency are of payments alone
  checked.insert(checked.end(), follow.extra.begin(), follow.extra.end());
  std::map<std::string, PaymentOutcome> outcomes;
  banks::BankActivity activity;
  auto checks =
      settle_and_check(o, *world, cluster, checked, follow, *opening, &outcomes, &activity);
  report(o, payments, outcomes, seconds, activity, checks);
  cluster.stop();
  return all_ok(checks) ? 0 : 1;
}

}  // namespace
}  // namespace upi::sim

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  if (argc == 2 && std::string_view(argv[1]) == "--help") {
    std::cout << upi::sim::kUsage;
    return 0;
  }
  auto options = upi::sim::parse_options(argc, argv);
  if (!options) {
    std::cerr << options.error().message << "\n" << upi::sim::kUsage;
    return 2;
  }
  return upi::sim::run(*options);
}
