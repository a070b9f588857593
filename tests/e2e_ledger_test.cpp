// The live ledger stream (server-sent events) and hash-chain verification, over real HTTP.
#include <atomic>
#include <thread>

#include "tests/credentials_file.h"
#include "tests/e2e_helpers.h"
#include "tests/sse_client.h"

namespace upi::testing {
namespace {

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
  SseClient by_header(sw.port(), "/v1/ledger/stream",
                      kAdminAuthorization + "Last-Event-ID: 40\r\n");
  by_header.read_until("\nid: 45\n");
  EXPECT_EQ(by_header.ids(), range(41, 45));
}

// Connections on three threads of their own, the handlers on the core thread: parallel
// clients are all answered, the stream sees every event once and in order, the money adds up,
// and SIGTERM with connections still open stops cleanly.
TEST(E2eLedger, ConnectionThreadsServeParallelClientsAndTheStreamAndStopCleanly) {
  SwitchProcess sw({"--io-threads", "3"});
  const Paise total_before = total_balance(sw);
  SseClient live(sw.port(), "/v1/ledger/stream?after=0");
  live.read_until("\r\n\r\n");
  constexpr int kClients = 6;
  constexpr int kPaymentsEach = 5;
  std::vector<std::thread> clients;
  std::atomic<int> completed{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      for (int i = 0; i < kPaymentsEach; ++i) {
        if (str(pay(sw, "alice@okaxis", "bob@ybl", "1.00"), "status") == "COMPLETED") ++completed;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(completed.load(), kClients * kPaymentsEach);
  const std::int64_t events = kClients * kPaymentsEach * 9;  // nine events per payment
  live.read_until("\nid: " + std::to_string(events) + "\n");
  EXPECT_EQ(live.ids(), range(1, events));
  EXPECT_EQ(total_balance(sw), total_before);
  RawClient idle(sw.port());  // a keep-alive connection with nothing to say
  EXPECT_EQ(sw.terminate(), 0);
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

TEST(E2eLedger, AnIdleStreamGetsKeepAlives) {
  SwitchProcess sw({"--stream-keepalive-ms", "200"});
  SseClient live(sw.port(), "/v1/ledger/stream?after=0");
  EXPECT_NE(live.read_until(": keep-alive\n\n").find(": keep-alive"), std::string::npos)
      << live.read_until("");
}

TEST(E2eLedger, AClientTooSlowToReadIsDroppedNotBufferedWithoutBound) {
  SwitchProcess sw({"--write-timeout-ms", "500"});
  // Enough events that the switch cannot hand them all to a client that reads nothing.
  std::vector<std::jthread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&] {
      for (int i = 0; i < 150; ++i) {
        auto r =
            sw.request("POST", "/v1/payments", payment_body("dev@okhdfc", "hari@okhdfc", "1.00"),
                       {{"Idempotency-Key", fresh_key()}});
        EXPECT_EQ(r.status, 201) << r.body;
      }
    });
  }
  senders.clear();  // joined
  const std::int64_t head = sw.get_json("/v1/ledger/verify")["events_checked"].as_int64();
  SseClient slow(sw.port(), "/v1/ledger/stream?after=0", kAdminAuthorization, 2048);
  slow.pause_reading_ms(3000);  // the switch's writes stall; past 500 ms it gives up
  // Reading now finds what was sent before the drop, then the end of a stream that a live
  // client would never see end.
  slow.read_until("never in a stream");
  const auto ids = slow.ids();
  ASSERT_FALSE(ids.empty());
  EXPECT_LT(ids.back(), head) << "it got everything: the client was never too slow";
  EXPECT_EQ(ids, range(1, ids.back())) << "what it got is the log's prefix, in order";
  EXPECT_TRUE(slow.closed()) << "the switch kept a client that could not keep up";
}

// Eight auditors fill the table (8 x kLedgerStreamsPerPrincipalMax = 64); a ninth principal
// is refused with Retry-After, and so is a ninth stream of one principal.
TEST(E2eLedger, StreamsAreBoundedPerPrincipalAndInTotal) {
  std::vector<TestPrincipal> auditors;
  for (int i = 0; i < 9; ++i)
    auditors.push_back({"auditor-" + std::to_string(i), "auditor", "", "key-" + std::to_string(i)});
  CredentialsFile credentials(auditors);
  SwitchProcess sw({"--credentials", credentials.path()});
  auto as = [](int i) { return "Authorization: Bearer key-" + std::to_string(i) + "\r\n"; };
  std::vector<std::unique_ptr<SseClient>> open;
  for (int i = 0; i < 64; ++i) {
    open.push_back(std::make_unique<SseClient>(sw.port(), "/v1/ledger/stream?after=0", as(i / 8)));
    ASSERT_NE(open.back()->read_until("\r\n\r\n").find("HTTP/1.1 200"), std::string::npos) << i;
  }
  for (int who : {0, 8}) {
    SCOPED_TRACE(who == 0 ? "a ninth stream of one principal" : "a ninth principal");
    SseClient refused(sw.port(), "/v1/ledger/stream?after=0", as(who));
    const std::string& answer = refused.read_until("}");
    EXPECT_NE(answer.find("HTTP/1.1 503"), std::string::npos) << answer;
    EXPECT_NE(answer.find("Retry-After: "), std::string::npos) << answer;
    EXPECT_NE(answer.find("\"code\":\"STREAMS_FULL\""), std::string::npos) << answer;
  }
  // auditor-7's stream closes: its place is free as soon as the switch sees the close, with
  // no event written and long before a keep-alive (15 s) would have found the client gone.
  open.pop_back();
  EXPECT_TRUE(poll_until(
      [&] {
        SseClient again(sw.port(), "/v1/ledger/stream?after=0", as(8));
        return again.read_until("\r\n\r\n").find("HTTP/1.1 200") != std::string::npos;
      },
      std::chrono::seconds(5)));
}

}  // namespace
}  // namespace upi::testing
