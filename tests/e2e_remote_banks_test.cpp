// The switch with banks as their own upi-bank processes, over real HTTP: fault rules forwarded
// to the bank (502 when it is down), the circuit breaker's defaults (five failures open it, a
// probe after 2 s closes it) and the /v1/banks fields that show it, BANK_UNAVAILABLE before any
// money moves, a credit not sent to a bank whose circuit opened (the debit reversed), and at
// most 32 calls in flight to one bank; a reversal owed to a bank that is down waits for it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "banks/bank_api.h"
#include "common/child_process.h"
#include "common/sha256.h"
#include "tests/credentials_file.h"
#include "tests/e2e_helpers.h"
#include "tests/run_command.h"

namespace upi::testing {
namespace {

using Clock = std::chrono::steady_clock;

// HDFC (alice) and ICICI (bob) as upi-bank processes with journals; the rest in-process.
class RemoteBanks : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/upi-remote.XXXXXX";
    dir_ = mkdtemp(dir_template);
    auto world = parse_json_object(demo_world_json(), 16).value();
    for (auto& bank : world["banks"].as_array()) {
      const std::string code = string_or_empty(bank.as_object(), "code");
      if (code != "HDFC" && code != "ICICI") continue;
      ports_[code] = reserve_loopback_port();
      bank.as_object()["endpoint"] = "http://127.0.0.1:" + std::to_string(ports_[code]);
    }
    world_path_ = dir_ + "/world.json";
    std::ofstream(world_path_) << to_json(world);
    bank_key_path_ = dir_ + "/bank.key";
    std::ofstream(bank_key_path_) << kBankKey << "\n";
    for (const auto& [code, port] : ports_) start_bank(code);
  }
  static constexpr char kBankKey[] = "remote-banks-test-key";
  static constexpr char kBankAuth[] = "Bearer remote-banks-test-key";
  CredentialsFile credentials_{{}};
  std::string bank_key_path_;
  void TearDown() override {
    switch_.reset();
    banks_.clear();
    std::filesystem::remove_all(dir_);
  }

  void start_bank(const std::string& code) {
    auto child = ChildProcess::start(
        {sibling_binary("banks", "upi-bank"), "--bank", code, "--world", world_path_, "--listen",
         "127.0.0.1:" + std::to_string(ports_.at(code)), "--journal",
         dir_ + "/" + code + ".journal", "--log-level", "warn", "--switch-key-sha256",
         sha256_hex(kBankKey)},
        std::chrono::seconds(10));
    ASSERT_TRUE(child.has_value()) << child.error().message;
    banks_[code] = std::move(*child);
  }
  void kill_bank(const std::string& code) { banks_.at(code)->kill_now(); }
  SwitchProcess& start_switch(std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"--world", world_path_, "--credentials", credentials_.path(),
                               "--bank-key-file", bank_key_path_});
    switch_ = std::make_unique<SwitchProcess>(std::move(args));
    return *switch_;
  }

  // A GET straight to a bank process, as its operator would.
  json::object bank_get(const std::string& code, const std::string& target) const {
    auto res =
        http::fetch("127.0.0.1", ports_.at(code),
                    http::ClientRequest{"GET", target, "", {{"Authorization", kBankAuth}}}, 5'000);
    EXPECT_TRUE(res.has_value() && res->status == 200) << code << " " << target;
    return res ? parse_json_object(res->body, 16).value_or(json::object{}) : json::object{};
  }
  // The bank's own leg records of one payment.
  std::vector<banks::LegRecord> legs_of(const std::string& code, const std::string& id) const {
    std::vector<banks::LegRecord> out;
    const json::object page = bank_get(code, "/v1/legs?limit=1000");
    for (const auto& l : page.at("legs").as_array()) {
      auto leg = banks::leg_record_from_json(l.as_object());
      if (leg && leg->leg_id.starts_with(id + ":")) out.push_back(*leg);
    }
    return out;
  }
  // This bank's entry in the switch's GET /v1/banks.
  json::object bank_entry(const std::string& code) const {
    const json::object banks = switch_->get_json("/v1/banks");
    for (const auto& b : banks.at("banks").as_array()) {
      if (str(b.as_object(), "code") == code) return b.as_object();
    }
    ADD_FAILURE() << code << " is not in /v1/banks";
    return {};
  }
  // Polls /v1/banks until the bank's circuit is in state (or the deadline). Returns when the
  // last poll that still saw another state was sent: the change happened after that.
  Clock::time_point wait_for_circuit(const std::string& code, const std::string& state,
                                     std::chrono::seconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    Clock::time_point before_change = Clock::now();
    for (;;) {
      const auto sent = Clock::now();
      if (str(bank_entry(code), "circuit") == state) return before_change;
      before_change = sent;
      if (sent > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a poll's pause
    }
    ADD_FAILURE() << code << "'s circuit never became " << state;
    return before_change;
  }

  std::string dir_, world_path_;
  std::map<std::string, std::uint16_t> ports_;
  std::map<std::string, std::unique_ptr<ChildProcess>> banks_;
  std::unique_ptr<SwitchProcess> switch_;
};

// Anyone who can reach a bank process could mint money with a credit, or list every account:
// a bank takes calls from its switch's key only, and a refused call changes nothing.
TEST_F(RemoteBanks, ABankRefusesEveryCallWithoutTheSwitchsKey) {
  const json::object before = bank_get("HDFC", "/v1/accounts");
  const std::string credit = R"({"leg_id":"mint-1","account":")" +
                             str(before.at("accounts").as_array().at(0).as_object(), "account") +
                             R"(","amount":"100000.00"})";
  struct Attempt {
    std::string method, target, body, authorization;
  };
  for (const Attempt& a : std::vector<Attempt>{
           {"POST", "/v1/credit", credit, ""},
           {"POST", "/v1/credit", credit, "Bearer not-the-switch"},
           {"GET", "/v1/accounts", "", ""},
           {"PUT", "/v1/faults", R"({"rules":[]})", "Basic c3dpdGNo"},
       }) {
    SCOPED_TRACE(a.method + " " + a.target + " with '" + a.authorization + "'");
    http::ClientRequest request{a.method, a.target, a.body, {}};
    if (!a.authorization.empty()) request.headers.emplace_back("Authorization", a.authorization);
    auto res = http::fetch("127.0.0.1", ports_.at("HDFC"), request, 5'000);
    ASSERT_TRUE(res.has_value());
    EXPECT_EQ(res->status, 401) << res->body;
    EXPECT_NE(res->body.find("UNAUTHENTICATED"), std::string::npos);
    EXPECT_FALSE(res->header("www-authenticate").empty());
  }
  EXPECT_EQ(bank_get("HDFC", "/v1/accounts"), before) << "the books did not move";
  EXPECT_TRUE(bank_get("HDFC", "/v1/legs")["legs"].as_array().empty());
}

TEST_F(RemoteBanks, AWorldWithRemoteBanksNeedsTheBankKey) {
  const CommandRun run = run_command(binary_path("upi-switch") + " --listen 127.0.0.1:0 --world " +
                                     world_path_ + " --credentials " + credentials_.path());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("--bank-key-file FILE"), std::string::npos) << run.output;
}

TEST_F(RemoteBanks, AdminFaultRulesAreForwardedToTheBankProcess) {
  SwitchProcess& sw = start_switch();
  set_faults(sw, "HDFC", R"([{"operation":"credit","action":"fail","count":3}])");
  const auto at_bank = bank_get("HDFC", "/v1/faults")["rules"].as_array();
  ASSERT_EQ(at_bank.size(), 1u);
  EXPECT_EQ(str(at_bank[0].as_object(), "action"), "fail");
  EXPECT_EQ(at_bank[0].as_object().at("count").as_int64(), 3);
  EXPECT_EQ(sw.get_json("/v1/admin/banks/HDFC/faults")["rules"].as_array().size(), 1u);
  EXPECT_EQ(sw.request("DELETE", "/v1/admin/banks/HDFC/faults").status, 200);
  EXPECT_TRUE(bank_get("HDFC", "/v1/faults")["rules"].as_array().empty());
  // A bank that is down cannot take rules: 502, and nothing changed anywhere.
  kill_bank("HDFC");
  auto refused = sw.request("PUT", "/v1/admin/banks/HDFC/faults",
                            R"({"rules":[{"operation":"debit","action":"fail"}]})");
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_EQ(str(parse_body(refused), "code"), "BANK_UNAVAILABLE");
  EXPECT_EQ(sw.get_json("/v1/admin/banks/ICICI/faults")["rules"].as_array().size(), 0u);
}

TEST_F(RemoteBanks, FiveFailuresOpenTheCircuitAndAProbeAfterTwoSecondsClosesIt) {
  start_switch();
  json::object hdfc = bank_entry("HDFC");
  EXPECT_EQ(str(hdfc, "health"), "UP");
  EXPECT_EQ(str(hdfc, "circuit"), "CLOSED");
  EXPECT_EQ(hdfc.at("consecutive_failures").as_int64(), 0);
  kill_bank("ICICI");  // heartbeats (every second) now fail
  const auto opened_after = wait_for_circuit("ICICI", "OPEN", std::chrono::seconds(20));
  json::object icici = bank_entry("ICICI");
  EXPECT_EQ(str(icici, "health"), "DOWN");
  EXPECT_GE(icici.at("consecutive_failures").as_int64(), 5);
  // While open, a payment to ICICI fails before any money moves, at once.
  const auto asked = Clock::now();
  const json::object failed = pay(*switch_, "alice@okaxis", "bob@ybl", "10.00");
  EXPECT_LT(Clock::now() - asked, std::chrono::seconds(1)) << "not a fast failure";
  EXPECT_EQ(str(failed, "status"), "FAILED");
  EXPECT_EQ(reason_code(failed), "BANK_UNAVAILABLE");
  EXPECT_TRUE(legs_of("HDFC", str(failed, "id")).empty()) << "money moved at the payer's bank";
  // Back at once, yet the circuit stays open for 2 s after it opened (polls sent before then
  // must see it open); then the next heartbeat is the probe that closes it.
  start_bank("ICICI");
  for (auto sent = Clock::now(); sent < opened_after + std::chrono::seconds(2);
       sent = Clock::now()) {
    const std::string circuit = str(bank_entry("ICICI"), "circuit");
    EXPECT_EQ(circuit, "OPEN") << "closed before the 2 s open period ended";
    if (circuit != "OPEN") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a poll's pause
  }
  wait_for_circuit("ICICI", "CLOSED", std::chrono::seconds(20));
  EXPECT_EQ(str(pay(*switch_, "alice@okaxis", "bob@ybl", "10.00"), "status"), "COMPLETED");
}

// Reconciliation reads a upi-bank's own leg records over HTTP (GET /v1/legs, page by page),
// and a bank process that is down is reported UNAVAILABLE rather than as matching.
TEST_F(RemoteBanks, ReconciliationReadsTheBankProcessesOwnLegRecords) {
  SwitchProcess& sw = start_switch();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(str(pay(sw, "alice@okaxis", "bob@ybl", "5.00"), "status"), "COMPLETED");
  ASSERT_EQ(sw.request("POST", "/v1/admin/settlement/close", R"({"cycle":1})").status, 200);
  auto report = sw.get_json("/v1/settlement/cycles/1/reconciliation");
  EXPECT_EQ(str(report, "status"), "MATCHED") << to_json(report);
  for (const auto& b : report.at("banks").as_array()) {
    const std::string code = str(b.as_object(), "bank");
    if (code == "HDFC" || code == "ICICI") {
      EXPECT_EQ(b.as_object().at("matched").as_int64(), 3);
    }
  }
  kill_bank("ICICI");
  report = sw.get_json("/v1/settlement/cycles/1/reconciliation");
  EXPECT_EQ(str(report, "status"), "INCOMPLETE") << to_json(report);
}

TEST_F(RemoteBanks, ACreditIsNotSentToABankWhoseCircuitOpenedAndTheDebitIsReversed) {
  SwitchProcess& sw = start_switch({"--leg-timeout-ms", "20000"});
  // The debit takes 10 s to answer; meanwhile ICICI dies and its circuit opens (about 5 s).
  set_faults(sw, "HDFC", R"([{"operation":"debit","action":"delay","delay_ms":10000}])");
  const std::string id = start_payment(sw, "alice@okaxis", "bob@ybl", "25.00");
  ASSERT_FALSE(id.empty());
  kill_bank("ICICI");
  const json::object done = poll_payment(sw, id, ended, std::chrono::seconds(40));
  EXPECT_EQ(str(done, "status"), "REVERSED");
  EXPECT_EQ(reason_code(done), "BANK_UNAVAILABLE");
  const auto types = event_types(sw, id);
  EXPECT_EQ(std::count(types.begin(), types.end(), "CreditRequested"), 0) << "a credit was sent";
  EXPECT_EQ(std::count(types.begin(), types.end(), "CreditFailed"), 1);
  std::map<banks::LegKind, int> applied;
  for (const auto& leg : legs_of("HDFC", id)) {
    if (leg.answer.outcome == banks::LegOutcome::kApplied && leg.amount > 0) ++applied[leg.kind];
  }
  EXPECT_EQ(applied[banks::LegKind::kDebit], 1);
  EXPECT_EQ(applied[banks::LegKind::kReversal], 1);
  start_bank("ICICI");
  EXPECT_TRUE(legs_of("ICICI", id).empty()) << "ICICI saw a credit";
}

TEST_F(RemoteBanks, AReversalOwedToABankThatIsDownWaitsForItToComeBack) {
  SwitchProcess& sw = start_switch({"--leg-timeout-ms", "6000"});
  // ICICI never answers the credit; by the time that is known, HDFC (owed the reversal) is down.
  set_faults(sw, "ICICI", R"([{"operation":"credit","action":"timeout"}])");
  const std::string id = start_payment(sw, "alice@okaxis", "bob@ybl", "30.00");
  ASSERT_FALSE(id.empty());
  auto has_event = [&](const std::string& type) {
    const auto types = event_types(sw, id);
    return std::find(types.begin(), types.end(), type) != types.end();
  };
  auto wait_for_event = [&](const std::string& type) {
    return poll_until([&] { return has_event(type); }, std::chrono::seconds(40));
  };
  ASSERT_TRUE(wait_for_event("DebitSucceeded"));
  kill_bank("HDFC");
  ASSERT_TRUE(wait_for_event("ReversalRequested")) << "the saga never decided to reverse";
  // Owed, not abandoned and not failed: the payment waits while HDFC is down.
  EXPECT_EQ(str(sw.get_json("/v1/payments/" + id), "status"), "PENDING");
  start_bank("HDFC");
  const json::object done = poll_payment(sw, id, ended, std::chrono::seconds(40));
  EXPECT_EQ(str(done, "status"), "REVERSED");
  EXPECT_EQ(reason_code(done), "CREDIT_TIMEOUT");
  std::map<banks::LegKind, int> applied;
  for (const auto& leg : legs_of("HDFC", id)) {
    if (leg.answer.outcome == banks::LegOutcome::kApplied && leg.amount > 0) ++applied[leg.kind];
  }
  EXPECT_EQ(applied[banks::LegKind::kDebit], 1);
  EXPECT_EQ(applied[banks::LegKind::kReversal], 1);
}

TEST_F(RemoteBanks, AtMost32CallsAreInFlightToOneBank) {
  SwitchProcess& sw = start_switch({"--leg-timeout-ms", "10000"});
  set_faults(sw, "HDFC", R"([{"operation":"debit","action":"delay","delay_ms":1500}])");
  constexpr int kPayments = 48;  // debits from HDFC, all at once
  std::vector<std::string> ids(kPayments);
  std::vector<std::jthread> senders;
  for (int i = 0; i < kPayments; ++i) {
    senders.emplace_back([&, i] {
      ids[static_cast<std::size_t>(i)] = start_payment(sw, "alice@okaxis", "bob@ybl", "1.00");
    });
  }
  senders.clear();  // joined
  for (const auto& id : ids)
    EXPECT_EQ(str(poll_payment(sw, id, ended, std::chrono::seconds(60)), "status"), "COMPLETED");
  const auto activity = bank_get("HDFC", "/v1/activity")["activity"].as_object();
  EXPECT_EQ(activity.at("in_flight_max").as_int64(), 32) << to_json(activity);
}

}  // namespace
}  // namespace upi::testing
