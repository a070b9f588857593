// Runs the upi-sim binary of this build and captures what it prints.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace upi::testing {

struct SimRun {
  int exit_code = -1;
  std::string output;
};

inline SimRun run_sim(const std::string& args) {
  const char* dir = std::getenv("UPI_BINARY_DIR");
  const std::string command =
      std::string(dir ? dir : UPI_BINARY_DIR_DEFAULT) + "/tools/upi-sim " + args + " 2>&1";
  SimRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) run.output += buf;
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace upi::testing
