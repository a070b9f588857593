// The ledger: pages of events, the hash-chain check, and the live stream (SSE).
#pragma once

#include "switch/handler.h"

#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

#include "common/http_server.h"
#include "common/waiters.h"
#include "ledger/event_store.h"

namespace upi::api {

inline constexpr std::size_t kLedgerStreamsMax = 64;
inline constexpr std::size_t kLedgerStreamsPerPrincipalMax = 8;

// Which events a principal's live stream shows: everything to auditors and admins; to a PSP, the
// events of payments whose payer or payee is its customer, and of those payments' refunds (the
// rest of the ledger is not its).
class StreamVisibility {
 public:
  StreamVisibility(ledger::EventStore& store, const Principal& caller);
  // Whether e is shown. Error codes: those of reading a stream.
  asio::awaitable<Result<bool>> shows(const ledger::RecordedEvent& e);
  // True when every event is shown (an auditor or an admin), so shows() need not be asked.
  bool shows_everything() const { return caller_.sees_all(); }

 private:
  asio::awaitable<Result<bool>> decide(const ledger::RecordedEvent& e);

  ledger::EventStore& store_;
  const Principal& caller_;
  std::unordered_map<std::string, bool> known_;  // by stream, at most kVisibilityKnownMax
};

// Admits a request to a route of the given access, or says how it is refused (the gate).
using Admit = std::function<std::expected<const Principal*, Response>(const Request&, Access)>;

class LedgerApi {
 public:
  // ready: the switch's readiness (streams are refused and end while it is false).
  LedgerApi(ledger::EventStore& store, const bool& ready, int stream_keepalive_ms);
  // The live stream is served outside the router, so it asks admit itself.
  void add_routes(http::Router& router, http::Server& server, Admit admit);
  // Wakes the live streams: the log has grown.
  void log_advanced() { log_advanced_.notify(0); }
  // Wakes every stream so it sees the switch stopping.
  void stop() { log_advanced_.notify_all(); }

 private:
  asio::awaitable<Response> ledger_events(const Request& req, const Params& params,
                                          const Principal&);
  asio::awaitable<Response> ledger_verify(const Request& req, const Params& params,
                                          const Principal&);
  asio::awaitable<void> ledger_stream(const Request& req, http::StreamWriter& out);
  asio::awaitable<Result<std::int64_t>> stream_start(const Request& req);
  // A stream slot for the principal, or the 503 STREAMS_FULL to answer.
  std::optional<Response> take_stream_slot(const std::string& principal_id);

  ledger::EventStore& store_;
  const bool& ready_;
  int stream_keepalive_ms_;
  Waiters<int> log_advanced_;
  std::size_t streams_open_ = 0;
  std::map<std::string, std::size_t> streams_by_principal_;
  Admit admit_;
};

}  // namespace upi::api
