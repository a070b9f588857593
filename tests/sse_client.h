// Plain loopback sockets for tests that need the bytes themselves: raw requests (framing,
// smuggling) and server-sent event streams; every read gives up after 10 s.
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

#include "tests/switch_process.h"

namespace upi::testing {

// A client on a plain loopback socket that sends raw bytes and reads what comes back; every
// read gives up after 10 s.
class RawClient {
 public:
  // receive_buffer_bytes: when set, a small window, for a client that reads slowly.
  // from: the loopback address to connect from (another client address: "127.0.0.2").
  explicit RawClient(std::uint16_t port, int receive_buffer_bytes = 0,
                     const char* from = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &source.sin_addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source), 0) << from;
    if (receive_buffer_bytes > 0)
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(const std::string& bytes) {
    EXPECT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Reads until the text received contains `until`, or the peer closes, or a read times out.
  const std::string& read_until(const std::string& until) {
    while (received_.find(until) == std::string::npos && read_more()) {
    }
    return received_;
  }
  // Reads until the peer closes (or a read times out).
  const std::string& read_to_end() {
    while (read_more()) {
    }
    return received_;
  }
  const std::string& received() const { return received_; }
  // True once the peer closed the connection.
  bool closed() const { return closed_; }
  // Reads nothing for this long (the peer's writes stall once the buffers fill).
  void pause_reading_ms(int ms) {
    pollfd none{};
    ::poll(&none, 0, ms);
  }

 private:
  bool read_more() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) closed_ = true;
    if (n <= 0) return false;
    received_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string received_;
  bool closed_ = false;
};

// A blocking SSE reader: a RawClient that asks for a stream.
class SseClient : public RawClient {
 public:
  // extra_headers: header lines, each ending in CRLF; by default the demo admin's credentials.
  SseClient(std::uint16_t port, const std::string& target,
            const std::string& extra_headers = kAdminAuthorization, int receive_buffer_bytes = 0)
      : RawClient(port, receive_buffer_bytes) {
    send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n");
  }

  // The ids of the complete events received so far, in order.
  std::vector<std::int64_t> ids() const {
    std::vector<std::int64_t> out;
    std::size_t at = 0;
    const std::string& text = received();
    while ((at = text.find("\nid: ", at)) != std::string::npos) {
      at += 5;
      out.push_back(std::stoll(text.substr(at, text.find('\n', at) - at)));
    }
    return out;
  }
};

}  // namespace upi::testing
