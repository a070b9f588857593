// upi-sim against real upi-bank processes and a real upi-switch: every named scenario in
// specs/scenarios, and a seeded chaos schedule, pass the independent checker.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>

#include "tests/sim_runner.h"

namespace upi::testing {
namespace {

std::string scenario(const std::string& name) {
  const char* dir = std::getenv("UPI_SOURCE_DIR");
  return std::string(dir ? dir : UPI_SOURCE_DIR_DEFAULT) + "/specs/scenarios/" + name + ".json";
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

TEST(Chaos, ASeededScheduleOfEveryFaultActionAndABankKillPasses) {
  const SimRun run = run_sim("--chaos --payments 300 --concurrency 16 --rate 150 --seed 20261128");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (const char* action :
       {"\"fail\"", "\"timeout\"", "\"lost_response\"", "\"delay\"", "kill_bank", "restart_bank"}) {
    EXPECT_NE(run.output.find(action), std::string::npos) << action << "\n" << run.output;
  }
}

TEST(Chaos, RefusesToKillASwitchThatCannotRecover) {
  char path[] = "/tmp/upi-schedule.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string steps = R"([{"at_ms": 10, "action": "kill_switch"}])";
  ASSERT_EQ(write(fd, steps.data(), steps.size()), static_cast<ssize_t>(steps.size()));
  close(fd);
  const SimRun run = run_sim(std::string("--schedule ") + path);  // no --database-url
  std::remove(path);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("kill_switch needs --database-url"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace upi::testing
