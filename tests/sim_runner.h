// Runs the upi-sim binary of this build and captures what it prints.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/run_command.h"

namespace upi::testing {

using SimRun = CommandRun;

inline SimRun run_sim(const std::string& args) {
  const char* dir = std::getenv("UPI_BINARY_DIR");
  return run_command(std::string(dir ? dir : UPI_BINARY_DIR_DEFAULT) + "/tools/upi-sim " + args);
}

}  // namespace upi::testing
