// A blocking reader of a server-sent event stream on a plain loopback socket, for tests; every
// read gives up after 10 s.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

namespace upi::testing {

// A blocking SSE reader on a plain socket; every read gives up after 10 s.
class SseClient {
 public:
  // receive_buffer_bytes: when set, a small window, for a client that reads slowly.
  SseClient(std::uint16_t port, const std::string& target, const std::string& extra_headers = "",
            int receive_buffer_bytes = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer_bytes > 0)
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
    EXPECT_EQ(::send(fd_, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  }
  ~SseClient() { ::close(fd_); }

  // Reads until the text received contains `until`, or the peer closes, or a read times out.
  const std::string& read_until(const std::string& until) {
    char buf[4096];
    while (received_.find(until) == std::string::npos) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) closed_ = true;
      if (n <= 0) break;
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return received_;
  }
  // True once the peer closed the stream.
  bool closed() const { return closed_; }
  // Reads nothing for this long (the peer's writes stall once the buffers fill).
  void pause_reading_ms(int ms) {
    pollfd none{};
    ::poll(&none, 0, ms);
  }

  // The ids of the complete events received so far, in order.
  std::vector<std::int64_t> ids() const {
    std::vector<std::int64_t> out;
    std::size_t at = 0;
    while ((at = received_.find("\nid: ", at)) != std::string::npos) {
      at += 5;
      out.push_back(std::stoll(received_.substr(at, received_.find('\n', at) - at)));
    }
    return out;
  }

 private:
  int fd_;
  std::string received_;
  bool closed_ = false;
};

}  // namespace upi::testing
