// upi-sim with the durable switch: the chaos schedule also kills and restarts the switch.
#include <gtest/gtest.h>

#include "tests/sim_runner.h"

namespace upi::testing {
namespace {

// With the durable store the schedule also kills and restarts the switch itself.
TEST(ChaosDurable, SwitchAndBankKillsPass) {
  const char* url = std::getenv("UPI_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') GTEST_SKIP() << "UPI_TEST_DATABASE_URL is not set";
  const SimRun run = run_sim(std::string("--chaos --payments 300 --concurrency 16 --rate 150 ") +
                             "--seed 7 --database-url '" + url + "'");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("kill_switch"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("restart_switch"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace upi::testing
