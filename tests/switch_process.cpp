#include "tests/switch_process.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>

namespace upi::testing {

std::string binary_path(const std::string& name) {
  const char* dir = std::getenv("UPI_BINARY_DIR");
  return std::string(dir ? dir : UPI_BINARY_DIR_DEFAULT) + "/switch/" + name;
}

SwitchProcess::SwitchProcess(std::vector<std::string> extra_args) {
  int out[2];
  if (pipe(out) != 0) {
    ADD_FAILURE() << "pipe failed";
    return;
  }
  std::vector<std::string> args = {binary_path("upi-switch"), "--listen", "127.0.0.1:0",
                                   "--log-level", "warn"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string seen;
  const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  std::smatch match;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::regex_search(seen, match, listening) &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[512];
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  if (match.empty()) {
    ADD_FAILURE() << "upi-switch did not report a port; it printed: " << seen;
    return;
  }
  port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
}

SwitchProcess::~SwitchProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void SwitchProcess::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int SwitchProcess::terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    pollfd none{};
    poll(&none, 0, 20);  // a short pause between checks of the child's exit
  }
  return -1;
}

http::ClientResponse SwitchProcess::request(
    const std::string& method, const std::string& target, const std::string& body,
    std::vector<std::pair<std::string, std::string>> headers) const {
  http::ClientRequest req{method, target, body, std::move(headers)};
  auto res = http::fetch("127.0.0.1", port_, req, 30'000);
  if (!res) {
    ADD_FAILURE() << method << " " << target << ": " << res.error().message;
    return {};
  }
  return *res;
}

json::object parse_body(const http::ClientResponse& response) {
  auto obj = parse_json_object(response.body, 64);
  if (!obj) {
    ADD_FAILURE() << "not a JSON object: " << response.body;
    return {};
  }
  return *obj;
}

json::object SwitchProcess::get_json(const std::string& target) const {
  auto res = request("GET", target);
  EXPECT_EQ(res.status, 200) << target << ": " << res.body;
  return parse_body(res);
}

}  // namespace upi::testing
