// The live ledger stream (server-sent events) and hash-chain verification, over real HTTP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/e2e_helpers.h"

namespace upi::testing {
namespace {

// A blocking SSE reader on a plain socket; every read gives up after 10 s.
class SseClient {
 public:
  SseClient(std::uint16_t port, const std::string& target, const std::string& extra_headers = "") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
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
      if (n <= 0) break;
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return received_;
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
};

std::vector<std::int64_t> range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = first; i <= last; ++i) out.push_back(i);
  return out;
}

TEST(E2eLedger, StreamDeliversEveryEventInOrderAcrossAReconnect) {
  SwitchProcess sw;
  {
    SseClient live(sw.port(), "/v1/ledger/stream?after=0");
    EXPECT_NE(live.read_until("\r\n\r\n").find("Content-Type: text/event-stream"),
              std::string::npos);
    for (int i = 0; i < 3; ++i) pay(sw, "alice@okaxis", "bob@ybl", "1.00");  // 27 events
    live.read_until("\nid: 27\n");
    live.read_until("PaymentCompleted\ndata: {\"position\":27");
    EXPECT_EQ(live.ids(), range(1, 27));
  }
  for (int i = 0; i < 2; ++i) pay(sw, "bob@ybl", "carol@paytm", "2.00");  // 18 more
  SseClient resumed(sw.port(), "/v1/ledger/stream?after=27");
  resumed.read_until("\nid: 45\n");
  EXPECT_EQ(resumed.ids(), range(28, 45));
  SseClient by_header(sw.port(), "/v1/ledger/stream", "Last-Event-ID: 40\r\n");
  by_header.read_until("\nid: 45\n");
  EXPECT_EQ(by_header.ids(), range(41, 45));
}

TEST(E2eLedger, StreamRefusesABadStartPrecisely) {
  SwitchProcess sw;
  SseClient bad(sw.port(), "/v1/ledger/stream?after=-5");
  const std::string& answer = bad.read_until("}");
  EXPECT_NE(answer.find("HTTP/1.1 422"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"code\":\"INVALID_QUERY\""), std::string::npos) << answer;
}

TEST(E2eLedger, VerifyRecomputesTheWholeChain) {
  SwitchProcess sw;
  EXPECT_EQ(sw.get_json("/v1/ledger/verify")["events_checked"].as_int64(), 0);
  pay(sw, "alice@okaxis", "bob@ybl", "1.00");
  pay(sw, "dev@okhdfc", "esha@ybl", "300000.00");  // fails: no RTGS at COOP
  auto verdict = sw.get_json("/v1/ledger/verify");
  EXPECT_TRUE(verdict["ok"].as_bool());
  EXPECT_TRUE(verdict["first_broken_position"].is_null());
  const auto log = sw.get_json("/v1/ledger/events?after=0&limit=1000")["events"].as_array();
  EXPECT_EQ(verdict["events_checked"].as_int64(), static_cast<std::int64_t>(log.size()));
  EXPECT_EQ(str(verdict, "head_hash"), str(log.back().as_object(), "hash"));
}

}  // namespace
}  // namespace upi::testing
