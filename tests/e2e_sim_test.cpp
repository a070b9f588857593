// upi-sim against real upi-bank processes and a real upi-switch: every named scenario in
// specs/scenarios, and a seeded chaos schedule, pass the independent checker.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "tests/sim_runner.h"
#include "tests/source_path.h"

namespace upi::testing {
namespace {

std::string scenario(const std::string& name) {
  return source_path("specs/scenarios/" + name + ".json");
}

// The "bank activity" lines of a report: counter name -> count.
std::map<std::string, long long> bank_activity(const std::string& output) {
  std::map<std::string, long long> out;
  std::istringstream in(output.substr(std::min(output.find("bank activity"), output.size())));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && line.starts_with("  ")) {
    std::istringstream fields(line);
    std::string name;
    long long n = 0;
    if (fields >> name >> n) out[name] = n;
  }
  return out;
}

// The sum of the counters whose names start with prefix.
long long activity_sum(const std::map<std::string, long long>& activity,
                       const std::string& prefix) {
  long long sum = 0;
  for (const auto& [name, n] : activity) {
    if (name.starts_with(prefix)) sum += n;
  }
  return sum;
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, PassesTheIndependentChecks) {
  const SimRun run = run_sim("--scenario " + scenario(GetParam()));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("\nPASS\n"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("ok   expected"), std::string::npos) << run.output;
}

INSTANTIATE_TEST_SUITE_P(Named, Scenario,
                         ::testing::Values("credit-declined", "credit-lost-response",
                                           "debit-timeout", "payee-bank-down", "payer-bank-killed",
                                           "reversal-failing-then-succeeding"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(Chaos, EveryFaultOfASeededScheduleReallyHappened) {
  const SimRun run = run_sim("--chaos --payments 300 --concurrency 16 --rate 150 --seed 20261128");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  // What the banks counted, not what the sim planned: every fault action hit calls, status
  // queries timed out, and a killed bank came back with its legs from its journal.
  auto activity = bank_activity(run.output);
  for (const std::string action : {"fail", "timeout", "lost_response", "delay"}) {
    EXPECT_GT(activity["fault.debit." + action] + activity["fault.credit." + action], 0)
        << action << " never fired\n"
        << run.output;
  }
  EXPECT_GT(activity["fault.status.timeout"], 0) << run.output;
  EXPECT_GT(activity["restored"], 0) << run.output;
  EXPECT_GT(activity_sum(activity, "status."), 0) << run.output;
}

std::string schedule_file(const std::string& steps) {
  char path[] = "/tmp/upi-schedule.XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, steps.data(), steps.size()), static_cast<ssize_t>(steps.size()));
  close(fd);
  return path;
}

TEST(Chaos, AScenarioWhoseFaultNeverFiredFails) {
  // credit-lost-response without its schedule: money is fine, but the fault's own outcomes are
  // missing, so the run must fail (exit 1) naming them.
  const std::string path = schedule_file(
      R"({"name": "no-fault", "payments": 20, "seed": 102, "schedule": [],
          "expect": {"COMPLETED": 5, "fault.credit.lost_response": 1, "status.credit.applied": 1}})");
  const SimRun run = run_sim("--scenario " + path);
  std::remove(path.c_str());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("FAIL expected      fault.credit.lost_response: 0 < 1"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("ok   legs"), std::string::npos) << run.output;
}

TEST(Chaos, RefusesToKillASwitchThatCannotRecover) {
  const std::string path = schedule_file(R"([{"at_ms": 10, "action": "kill_switch"}])");
  const SimRun run = run_sim("--schedule " + path);  // no --database-url
  std::remove(path.c_str());
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("kill_switch needs --database-url"), std::string::npos) << run.output;
}

TEST(Chaos, AStepThatFailsVoidsTheRun) {
  // HDFC is running, so a second HDFC cannot take its port: the step fails and the run stops
  // with exit 2 rather than pass without the schedule it claims.
  const std::string path =
      schedule_file(R"([{"at_ms": 10, "action": "restart_bank", "bank": "HDFC"}])");
  const SimRun run = run_sim("--payments 20 --schedule " + path);
  std::remove(path.c_str());
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("the schedule failed, so the run is void"), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace upi::testing
