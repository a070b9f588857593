// A program run as a child process that announces "listening on http://127.0.0.1:PORT" on
// its standard output (upi-switch, upi-bank): started, killed with SIGKILL as a crash would,
// or stopped with SIGTERM. For tests and upi-sim.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"

namespace upi {

class ChildProcess {
 public:
  // Starts argv[0] with argv (stderr to stderr_path, or inherited when empty) and waits up to
  // timeout for the listening line. Error code: SPAWN_FAILED, with what the child printed.
  static Result<std::unique_ptr<ChildProcess>> start(std::vector<std::string> argv,
                                                     std::chrono::milliseconds timeout,
                                                     const std::string& stderr_path = "");
  ~ChildProcess();  // kills the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  std::uint16_t port() const { return port_; }
  bool running() const { return pid_ > 0; }
  // SIGKILL, then reaps it.
  void kill_now();
  // SIGTERM, and its exit status (waits up to 10 s, then SIGKILL and -1).
  int terminate();
  // SIGSTOP and SIGCONT: a process that stops and later wakes up as if nothing happened (a
  // long GC pause, a frozen VM), with its sockets and transactions still open.
  void pause();
  void resume();

 private:
  ChildProcess(pid_t pid, std::uint16_t port) : pid_(pid), port_(port) {}
  pid_t pid_;
  std::uint16_t port_;
};

// A free loopback port below the kernel's ephemeral range (32768 and up), so that while a child
// is down no outgoing connection can take its port as a source port before it restarts on it.
// Reserved for the life of this process by a lock file in /tmp/upi-ports, so two test runs at
// once never pick the same one between the check and the child's bind.
std::uint16_t reserve_loopback_port();

// The path of a program beside this one's build tree: the folder of /proc/self/exe, then
// "../<module>/<name>" (build/tools/upi-sim -> build/banks/upi-bank).
std::string sibling_binary(const std::string& module, const std::string& name);

}  // namespace upi
