// Runs a real upi-switch process on a free loopback port for end-to-end tests, and talks to
// it over real HTTP.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/child_process.h"
#include "common/http_client.h"
#include "common/json.h"

namespace upi::testing {

// The built-in demo credentials' admin key (specs/demo-credentials.json): what the tests call
// with unless they say otherwise.
inline constexpr char kDemoAdminKey[] = "demo-admin-key";
// The same as a raw request's header line.
inline const std::string kAdminAuthorization = "Authorization: Bearer demo-admin-key\r\n";

class SwitchProcess {
 public:
  // Starts the binary with --listen 127.0.0.1:0 plus extra_args and waits (up to 10 s) for
  // its "listening on" line. Fails the current test when it does not come.
  explicit SwitchProcess(std::vector<std::string> extra_args = {});
  ~SwitchProcess();

  std::uint16_t port() const { return port_; }
  // Sends the request as the demo admin, unless headers carry an Authorization of their own
  // (an empty one: no Authorization header at all).
  http::ClientResponse request(const std::string& method, const std::string& target,
                               const std::string& body = "",
                               std::vector<std::pair<std::string, std::string>> headers = {}) const;
  json::object get_json(const std::string& target) const;
  // Kills the process with SIGKILL, as a crash would, and reaps it.
  void kill_now();
  // Sends SIGTERM and returns the exit status (waits up to 10 s, then SIGKILL and -1).
  int terminate();
  // SIGSTOP and SIGCONT (see ChildProcess::pause).
  void pause() { child_->pause(); }
  void resume() { child_->resume(); }

 private:
  std::unique_ptr<ChildProcess> child_;
  std::uint16_t port_ = 0;
};

json::object parse_body(const http::ClientResponse& response);
std::string binary_path(const std::string& name);

}  // namespace upi::testing
