// The ledger: pages of events, the hash-chain check, and the live stream (SSE).
#pragma once

#include "switch/handler.h"

#include "common/http_server.h"
#include "common/waiters.h"
#include "ledger/event_store.h"

namespace upi::api {

inline constexpr std::size_t kLedgerStreamsMax = 64;

class LedgerApi {
 public:
  // ready: the switch's readiness (streams are refused and end while it is false).
  LedgerApi(ledger::EventStore& store, const bool& ready, int stream_keepalive_ms);
  void add_routes(http::Router& router, http::Server& server);
  // Wakes the live streams: the log has grown.
  void log_advanced() { log_advanced_.notify(0); }
  // Wakes every stream so it sees the switch stopping.
  void stop() { log_advanced_.notify_all(); }

 private:
  asio::awaitable<Response> ledger_events(const Request& req, const Params& params);
  asio::awaitable<Response> ledger_verify(const Request& req, const Params& params);
  asio::awaitable<void> ledger_stream(const Request& req, http::StreamWriter& out);
  asio::awaitable<Result<std::int64_t>> stream_start(const Request& req);

  ledger::EventStore& store_;
  const bool& ready_;
  int stream_keepalive_ms_;
  Waiters<int> log_advanced_;
  std::size_t streams_open_ = 0;
};

}  // namespace upi::api
