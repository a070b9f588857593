// The global log: pages, a live stream (server-sent events) and hash-chain verification.
#include <spdlog/spdlog.h>

#include <sstream>

#include "common/timer.h"
#include "ledger/payment_events.h"
#include "sagas/payment_state.h"
#include "switch/api_ledger.h"
#include "switch/api_payments.h"
#include "switch/query.h"

namespace upi::api {
using http::Status;

namespace {

constexpr std::int64_t kLedgerPageMax = 1000;
constexpr std::size_t kStreamPage = 200;
// How many payment streams a PSP's live stream remembers it may or may not show.
constexpr std::size_t kVisibilityKnownMax = 4096;
// The events of a saga's first append: a refund's RefundRequested, PayerResolved, PayeeResolved.
constexpr std::size_t kFirstAppendEventsMax = 3;

std::string sse_frame(const ledger::RecordedEvent& e) {
  return "id: " + std::to_string(e.position) + "\nevent: " + e.type +
         "\ndata: " + to_json(ledger::event_to_json(e)) + "\n\n";
}

// The last frame of a stream whose store stopped answering.
std::string store_failure_frame() {
  return "event: error\ndata: " + to_json(json::object{{"code", "STORE_UNAVAILABLE"}}) + "\n\n";
}

// A whole response as bytes, for answering a stream request that cannot start.
std::string serialised(Response response) {
  response.keep_alive(false);
  response.prepare_payload();
  std::ostringstream out;
  out << response;
  return out.str();
}

}  // namespace

StreamVisibility::StreamVisibility(ledger::EventStore& store, const Principal& caller)
    : store_(store), caller_(caller) {}

asio::awaitable<Result<bool>> StreamVisibility::shows(const ledger::RecordedEvent& e) {
  if (shows_everything()) co_return true;
  // Only payments' and refunds' streams are ever a PSP's.
  if (ledger::events::payment_id_of_stream(e.stream).empty()) co_return false;
  if (auto it = known_.find(e.stream); it != known_.end()) co_return it->second;
  auto shown = co_await decide(e);
  if (!shown) co_return shown;
  if (known_.size() == kVisibilityKnownMax) known_.clear();  // a bound; misses re-read
  known_.emplace(e.stream, *shown);
  co_return shown;
}

asio::awaitable<Result<bool>> StreamVisibility::decide(const ledger::RecordedEvent& e) {
  // A saga stream's first append names its parties: a payment's PaymentRequested, or a refund's
  // RefundRequested with the parties it swaps (PayerResolved, PayeeResolved).
  auto first = co_await store_.read_stream(e.stream, 1, kFirstAppendEventsMax);
  if (!first) co_return std::unexpected(first.error());
  co_return !first->empty() && visible_to(caller_, sagas::fold(*first));
}

LedgerApi::LedgerApi(ledger::EventStore& store, const bool& ready, int stream_keepalive_ms)
    : store_(store), ready_(ready), stream_keepalive_ms_(stream_keepalive_ms) {}

void LedgerApi::add_routes(http::Router& router, http::Server& server, Admit admit) {
  admit_ = std::move(admit);
  router.add("GET", "/v1/ledger/events", kReaders,
             http::member_handler(this, &LedgerApi::ledger_events));
  router.add("GET", "/v1/ledger/verify", kReaders,
             http::member_handler(this, &LedgerApi::ledger_verify));
  server.add_stream_route("/v1/ledger/stream", [this](const Request& req, http::StreamWriter& out) {
    return ledger_stream(req, out);
  });
}

asio::awaitable<Response> LedgerApi::ledger_events(const Request& req, const Params&,
                                                   const Principal&) {
  auto target = parse_target(req.target());
  if (!target) co_return http::problem(target.error());
  if (auto ok = only_known(target->query, {"after", "limit"}); !ok)
    co_return http::problem(ok.error());
  auto after = query_int(target->query, "after", 0, 0, INT64_MAX);
  auto limit = query_int(target->query, "limit", 100, 1, kLedgerPageMax);
  if (!after || !limit) co_return http::problem(!after ? after.error() : limit.error());
  auto page = co_await store_.read_all(*after, static_cast<std::size_t>(*limit));
  if (!page) co_return http::problem(page.error());
  json::array events;
  for (const auto& e : *page) events.push_back(ledger::event_to_json(e));
  const std::int64_t next = page->empty() ? *after : page->back().position;
  co_return http::json_response(Status::ok,
                                json::object{{"events", std::move(events)}, {"next_after", next}});
}

asio::awaitable<Result<std::int64_t>> LedgerApi::stream_start(const Request& req) {
  auto target = parse_target(req.target());
  if (!target) co_return std::unexpected(target.error());
  if (auto ok = only_known(target->query, {"after"}); !ok) co_return std::unexpected(ok.error());
  auto after = query_int(target->query, "after", 0, 0, INT64_MAX);
  // A reconnecting EventSource sends the id of the last event it saw.
  const auto last_id = req.find("Last-Event-ID");
  if (after && last_id != req.end()) {
    std::map<std::string, std::string> from_header{
        {"Last-Event-ID", std::string(last_id->value())}};
    after = query_int(from_header, "Last-Event-ID", 0, 0, INT64_MAX);
  }
  co_return after;
}

std::optional<Response> LedgerApi::take_stream_slot(const std::string& principal_id) {
  std::string detail;
  if (streams_open_ >= kLedgerStreamsMax) detail = "too many live ledger streams are open";
  if (streams_by_principal_[principal_id] >= kLedgerStreamsPerPrincipalMax)
    detail = "this principal has " + std::to_string(kLedgerStreamsPerPrincipalMax) +
             " live ledger streams open already";
  if (detail.empty()) {
    ++streams_open_;
    ++streams_by_principal_[principal_id];
    return std::nullopt;
  }
  if (streams_by_principal_[principal_id] == 0) streams_by_principal_.erase(principal_id);
  Response full = http::problem(Error{ErrorKind::kBusy, "STREAMS_FULL", detail});
  full.set(http::beast_http::field::retry_after, "5");
  return full;
}

asio::awaitable<void> LedgerApi::ledger_stream(const Request& req, http::StreamWriter& out) {
  auto admitted = admit_(req, kEveryRole);
  std::optional<Response> refused;
  if (!admitted) refused = std::move(admitted.error());
  auto after = co_await stream_start(req);
  if (!refused && !after) refused = http::problem(after.error());
  if (!refused && !ready_) refused = http::problem(not_ready("the switch is starting or stopping"));
  if (!refused) refused = take_stream_slot((*admitted)->id);
  if (refused) {
    // Named, not a temporary across the co_await: GCC 12 mis-destroys those (a crash here).
    const std::string refusal = serialised(std::move(*refused));
    co_await out.write(refusal);
    co_return;
  }
  struct Close {
    LedgerApi& api;
    std::string principal_id;
    ~Close() {
      --api.streams_open_;
      if (--api.streams_by_principal_[principal_id] == 0)
        api.streams_by_principal_.erase(principal_id);
    }
  } close{*this, (*admitted)->id};
  bool alive = co_await out.write(
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
      "Connection: close\r\n\r\n");
  out.on_gone([this] { log_advanced_.notify_all(); });  // its slot is freed at once
  StreamVisibility visibility(store_, **admitted);
  std::int64_t position = *after;
  while (alive && ready_ && out.open()) {
    auto page = co_await store_.read_all(position, kStreamPage);
    if (!page) {
      const std::string failure = store_failure_frame();
      co_await out.write(failure);
      co_return;
    }
    for (const auto& e : *page) {
      Result<bool> shown = true;
      // Auditors and admins see every event: no coroutine per event on their path.
      if (!visibility.shows_everything()) shown = co_await visibility.shows(e);
      if (!shown) {
        const std::string failure = store_failure_frame();
        co_await out.write(failure);
        co_return;
      }
      if (*shown) alive = co_await out.write(sse_frame(e));
      if (!alive) break;
      position = e.position;
    }
    if (!page->empty()) continue;
    const auto deadline = MonotonicClock::now() + std::chrono::milliseconds(stream_keepalive_ms_);
    co_await log_advanced_.wait(0, deadline);
    if (MonotonicClock::now() >= deadline) {
      alive = co_await out.write(": keep-alive\n\n");
    }
  }
  if (!alive)
    spdlog::info("ledger stream client dropped at position {}: gone or too slow to read", position);
}

asio::awaitable<Response> LedgerApi::ledger_verify(const Request&, const Params&,
                                                   const Principal&) {
  ledger::ChainVerifier verifier;
  for (std::int64_t after = 0;;) {
    auto page = co_await store_.read_all(after, ledger::kReadLimitMax);
    if (!page) co_return http::problem(page.error());
    for (const auto& e : *page) {
      if (!verifier.feed(e)) break;
      after = e.position;
    }
    if (page->size() < ledger::kReadLimitMax || verifier.report().first_broken_position) break;
  }
  const auto& report = verifier.report();
  json::object body{{"ok", !report.first_broken_position.has_value()},
                    {"events_checked", report.events_checked},
                    {"head_hash", verifier.head_hash()}};
  body["first_broken_position"] = report.first_broken_position
                                      ? json::value(*report.first_broken_position)
                                      : json::value(nullptr);
  body["problem"] = report.problem.empty() ? json::value(nullptr) : json::value(report.problem);
  co_return http::json_response(Status::ok, body);
}

}  // namespace upi::api
