#include "common/child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <random>
#include <regex>

namespace upi {
namespace {

bool bindable(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(port);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::start(std::vector<std::string> argv,
                                                          std::chrono::milliseconds timeout,
                                                          const std::string& stderr_path) {
  int out[2];
  if (pipe(out) != 0) return fail(ErrorKind::kUnavailable, "SPAWN_FAILED", "pipe failed");
  const pid_t pid = fork();
  if (pid < 0) return fail(ErrorKind::kUnavailable, "SPAWN_FAILED", "fork failed");
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    if (!stderr_path.empty()) {
      const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0) dup2(err, STDERR_FILENO);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string seen;
  const std::regex listening(R"(listening on https?://127\.0\.0\.1:(\d+))");
  std::smatch match;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
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
  std::unique_ptr<ChildProcess> child(new ChildProcess(pid, 0));
  if (match.empty()) {
    child->kill_now();
    return fail(ErrorKind::kUnavailable, "SPAWN_FAILED",
                argv[0] + " did not report a port; it printed: " + seen);
  }
  child->port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
  return child;
}

ChildProcess::~ChildProcess() {
  kill_now();
}

void ChildProcess::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ChildProcess::pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void ChildProcess::resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

int ChildProcess::terminate() {
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
  kill_now();
  return -1;
}

std::uint16_t reserve_loopback_port() {
  static std::mt19937 rng(std::random_device{}());
  static std::mutex mutex;
  static std::vector<int> reservations;  // lock files held open until exit
  std::lock_guard lock(mutex);
  const std::string dir = "/tmp/upi-ports";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (;;) {
    const auto port = static_cast<std::uint16_t>(20'000 + rng() % 12'000);
    const std::string path = dir + "/" + std::to_string(port);
    const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || !bindable(port)) {
      ::close(fd);  // another run holds it, or something else listens there
      continue;
    }
    reservations.push_back(fd);
    return port;
  }
}

std::string sibling_binary(const std::string& module, const std::string& name) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return name;
  return (self.parent_path().parent_path() / module / name).string();
}

}  // namespace upi
