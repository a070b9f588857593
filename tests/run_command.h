// Runs a command line to its end and keeps what it printed (stdout, and stderr unless dropped)
// and its exit code: for tests of how a program starts, refuses to start, or reports.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace upi::testing {

struct CommandRun {
  int exit_code = -1;  // -1: it could not run, or a signal ended it
  std::string output;
};

enum class Stderr { kKept, kDropped };

inline CommandRun run_command(const std::string& command, Stderr stderr_too = Stderr::kKept) {
  CommandRun run;
  const std::string redirect = stderr_too == Stderr::kKept ? " 2>&1" : " 2>/dev/null";
  FILE* pipe = ::popen((command + redirect).c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) run.output += buffer;
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace upi::testing
