#include "common/http_server.h"

#include "common/timer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <optional>
#include <thread>

#include <pthread.h>

namespace upi::http {
namespace {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// The answer for a request the parser refused, or nothing when the peer just went away.
std::optional<Response> answer_for_read_error(const beast::error_code& ec) {
  if (ec == beast_http::error::body_limit) {
    return problem(Error{ErrorKind::kTooLarge, "BODY_TOO_LARGE", "request body exceeds 64 KiB"});
  }
  if (ec == beast_http::error::header_limit) {
    return problem(Status::request_header_fields_too_large, "HEADERS_TOO_LARGE",
                   "request headers exceed 8 KiB");
  }
  if (ec.category() == beast_http::make_error_code(beast_http::error::end_of_stream).category()) {
    return problem(Error{ErrorKind::kMalformed, "MALFORMED_REQUEST",
                         "malformed HTTP request: " + ec.message()});
  }
  return std::nullopt;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A request whose framing or headers could be read two ways is refused, and its connection
// closed, so nothing after it on the connection is ever taken as another request (smuggling).
std::optional<Error> framing_problem(const Request& request) {
  constexpr std::string_view kSingletons[] = {"Host",         "Content-Length", "Transfer-Encoding",
                                              "Content-Type", "Authorization",  "Idempotency-Key"};
  for (std::string_view name : kSingletons) {
    if (request.count(name) > 1) {
      return Error{ErrorKind::kMalformed, "DUPLICATE_HEADER",
                   std::string(name) + " appears more than once"};
    }
  }
  if (auto te = request.find(beast_http::field::transfer_encoding); te != request.end()) {
    if (!equals_ignoring_case(te->value(), "chunked")) {
      return Error{ErrorKind::kMalformed, "BAD_TRANSFER_ENCODING",
                   "Transfer-Encoding must be exactly chunked"};
    }
    if (request.count(beast_http::field::content_length) > 0) {
      return Error{ErrorKind::kMalformed, "BAD_TRANSFER_ENCODING",
                   "Transfer-Encoding and Content-Length together"};
    }
  }
  if (request.version() >= 11 && request.count(beast_http::field::host) == 0) {
    return Error{ErrorKind::kMalformed, "MISSING_HOST", "HTTP/1.1 requests need a Host header"};
  }
  return std::nullopt;
}

// A request the server reads but will not take: a target over the bound (414), or a body that
// is not JSON (415; every API here speaks JSON only).
std::optional<Response> content_problem(const Request& request, std::size_t target_bytes_max) {
  if (request.target().size() > target_bytes_max) {
    return problem(Status::uri_too_long, "TARGET_TOO_LONG",
                   "the request target exceeds " + std::to_string(target_bytes_max) + " bytes");
  }
  if (request.body().empty()) return std::nullopt;
  std::string_view type = request[beast_http::field::content_type];
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (!equals_ignoring_case(type, "application/json")) {
    return problem(Error{ErrorKind::kUnsupported, "UNSUPPORTED_MEDIA_TYPE",
                         "a request body must be Content-Type: application/json"});
  }
  return std::nullopt;
}

// A StreamWriter over a connection's stream, plain or TLS, used by a handler on the core loop:
// each write runs on the connection's thread.
template <class Stream>
class StreamWriterFor final : public StreamWriter {
 public:
  StreamWriterFor(Stream& stream, int write_timeout_ms)
      : stream_(stream), write_timeout_ms_(write_timeout_ms) {}
  asio::awaitable<bool> write(std::string bytes) override {
    if (!open_) co_return false;
    const bool written = co_await asio::co_spawn(stream_.get_executor(),
                                                 write_here(std::move(bytes)), asio::use_awaitable);
    if (!written) mark_gone();
    co_return open_;
  }

 private:
  asio::awaitable<bool> write_here(std::string bytes) {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::milliseconds(write_timeout_ms_));
    auto [ec, written] = co_await asio::async_write(stream_, asio::buffer(bytes), kTuple);
    co_return !ec;
  }
  Stream& stream_;
  int write_timeout_ms_;
};

}  // namespace

struct Server::Shard {
  explicit Shard(asio::io_context& core) : io(&core) {}  // the core loop serves
  Shard() : owned(std::make_unique<asio::io_context>(1)), io(owned.get()) {
    guard.emplace(io->get_executor());
    thread = std::thread([this] {
      pthread_setname_np(pthread_self(), "upi-connections");  // as top and perf show it
      try {
        io->run();
      } catch (const std::exception& e) {
        spdlog::critical("a connection thread stopped by an exception: {}", e.what());
        std::abort();  // a bug: every connection's errors are handled where they happen
      }
    });
  }
  std::unique_ptr<asio::io_context> owned;  // null for the core loop
  asio::io_context* io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::thread thread;
  std::set<tcp::socket*> open;  // sockets of this shard's live connections; its thread only
};

Server::Server(asio::io_context& io, ServerLimits limits, Handler handler)
    : io_(io),
      limits_(limits),
      handler_(std::move(handler)),
      acceptor_(io),
      tasks_(io.get_executor()) {
  assert(limits_.io_threads <= kIoThreadsMax);
  if (limits_.io_threads == 0) shards_.push_back(std::make_unique<Shard>(io));
  for (std::size_t i = 0; i < limits_.io_threads; ++i) shards_.push_back(std::make_unique<Shard>());
}

Server::~Server() {
  stop();
  halt_threads();
  alive_.reset();   // what the connections post to the core loop from now on does nothing
  shards_.clear();  // destroys the suspended connections while the server still exists
}

void Server::halt_threads() {
  for (auto& shard : shards_) {
    if (!shard->owned || !shard->thread.joinable()) continue;
    shard->guard.reset();
    shard->io->stop();
    shard->thread.join();
  }
}

Result<tcp::endpoint> Server::listen(const std::string& host, std::uint16_t port) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return fail(ErrorKind::kUnavailable, "LISTEN_FAILED", "not an IP address: " + host);
  const tcp::endpoint endpoint{address, port};
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return fail(ErrorKind::kUnavailable, "LISTEN_FAILED",
                "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  return acceptor_.local_endpoint();
}

void Server::add_stream_route(std::string path, StreamHandler handler) {
  stream_routes_[std::move(path)] = std::move(handler);
}

void Server::start() {
  tasks_.spawn(accept_loop());
}

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  for (auto& shard : shards_) {
    asio::dispatch(*shard->io, [&open = shard->open] {
      beast::error_code ignored;
      for (tcp::socket* socket : open) socket->close(ignored);
    });
  }
}

asio::awaitable<void> Server::join() {
  co_await tasks_.join();
  while (connections_live_ > 0) {
    OneShotEvent ended(io_.get_executor());
    all_ended_ = &ended;
    co_await ended.wait();
    all_ended_ = nullptr;
  }
}

void Server::launch(Shard& shard, asio::awaitable<void> connection, std::function<void()> on_end) {
  ++connections_live_;
  // Whatever ends the connection (its last step, or its frame destroyed at shutdown) tells the
  // core loop, unless the server is gone by then.
  struct Ended {
    Ended(Server& s, std::weak_ptr<int> a, std::function<void()> e)
        : server(s), alive(std::move(a)), on_end(std::move(e)) {}
    Ended(Ended&& other) noexcept
        : server(other.server), alive(std::move(other.alive)), on_end(std::move(other.on_end)) {
      other.armed = false;  // the coroutine's copy of it reports, not the argument
    }
    Server& server;
    std::weak_ptr<int> alive;
    std::function<void()> on_end;
    bool armed = true;
    ~Ended() {
      if (!armed) return;
      asio::dispatch(server.io_, [&server = server, alive = alive, on_end = std::move(on_end)] {
        if (alive.expired()) return;
        if (on_end) on_end();
        if (--server.connections_live_ == 0 && server.all_ended_ != nullptr)
          server.all_ended_->set();
      });
    }
  };
  auto run = [](Ended ended [[maybe_unused]],
                asio::awaitable<void> connection) -> asio::awaitable<void> {
    co_await std::move(connection);
  };
  asio::co_spawn(*shard.io, run(Ended{*this, alive_, std::move(on_end)}, std::move(connection)),
                 [](std::exception_ptr error) {
                   if (!error) return;
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& e) {
                     spdlog::error("a connection failed: {}", e.what());
                   }
                 });
}

asio::awaitable<void> Server::accept_loop() {
  while (!stopped_) {
    Shard& shard = *shards_[next_shard_++ % shards_.size()];
    auto [ec, socket] = co_await acceptor_.async_accept(*shard.io, kTuple);
    if (ec) {
      if (stopped_ || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec).address();
    std::string over;
    if (connections_live_ - refusing_ >= limits_.connections_max) {
      over = "the server has as many connections as it takes; retry shortly";
    } else if (!peer_ec && open_by_address_[peer] >= limits_.connections_per_address_max) {
      over = "this address has " + std::to_string(limits_.connections_per_address_max) +
             " connections open already";
    }
    if (!over.empty()) {
      // Over a bound: say so rather than queue; while a flood keeps kRefusingMax answers
      // in flight, further connections are just closed.
      if (open_by_address_[peer] == 0) open_by_address_.erase(peer);
      if (refusing_ < kRefusingMax && !tls_) {  // a TLS client could not read a plain 503
        ++refusing_;
        launch(shard, refuse(std::move(socket), std::move(over)), [this] { --refusing_; });
      } else {
        beast::error_code ignored;
        socket.close(ignored);
      }
      continue;
    }
    ++open_by_address_[peer];
    launch(shard, serve(shard, std::move(socket)), [this, peer] {
      if (--open_by_address_[peer] == 0) open_by_address_.erase(peer);
    });
  }
}

asio::awaitable<void> Server::refuse(tcp::socket socket, std::string detail) {
  beast::tcp_stream stream(std::move(socket));
  Response busy = problem(Error{ErrorKind::kBusy, "TOO_MANY_CONNECTIONS", std::move(detail)});
  busy.set(beast_http::field::retry_after, "1");
  busy.keep_alive(false);
  busy.prepare_payload();
  stream.expires_after(std::chrono::seconds(1));  // best effort: the client may not read
  co_await beast_http::async_write(stream, busy, kTuple);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

template <class Stream>
asio::awaitable<beast::error_code> Server::read_request(
    Stream& stream, beast::flat_buffer& buffer,
    beast_http::request_parser<beast_http::string_body>& parser) {
  // The header deadline races the read on a timer of its own: the stream's own expiry would
  // close the socket, and a slow client is owed its 408.
  using namespace asio::experimental::awaitable_operators;
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_never();
  Timer deadline(stream.get_executor(), std::chrono::milliseconds(limits_.header_timeout_ms));
  auto first = co_await (beast_http::async_read_header(stream, buffer, parser, kTuple) ||
                         deadline.async_wait(kTuple));
  if (first.index() != 0) co_return beast::error::timeout;
  auto [header_ec, header_bytes] = std::get<0>(first);
  if (header_ec) co_return header_ec;
  lowest.expires_after(std::chrono::milliseconds(limits_.read_timeout_ms));
  // A client that asks first (curl does for bodies over 1 KiB) is told to go on.
  if (auto expect = parser.get().find(beast_http::field::expect);
      expect != parser.get().end() && equals_ignoring_case(expect->value(), "100-continue") &&
      !parser.is_done()) {
    beast_http::response<beast_http::empty_body> go_on{Status::continue_, 11};
    auto [write_ec, written] = co_await beast_http::async_write(stream, go_on, kTuple);
    if (write_ec) co_return write_ec;
  }
  if (parser.is_done()) co_return beast::error_code{};
  auto [body_ec, body_bytes] = co_await beast_http::async_read(stream, buffer, parser, kTuple);
  co_return body_ec;
}

template <class Stream>
asio::awaitable<void> Server::watch_for_close(Stream& stream,
                                              std::shared_ptr<StreamWriter> writer) {
  // A streaming client has nothing more to say; a read that ends means it has gone. Then this
  // waits to be cancelled when the handler ends, so the handler is never cut off mid-step.
  // The read has no deadline (the writes keep theirs: a pending read's timer is left alone).
  beast::get_lowest_layer(stream).expires_never();
  for (;;) {
    char byte = 0;
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(&byte, 1), kTuple);
    if (ec) break;
  }
  // The writer is the handler's, on the core loop; it lives until that has run.
  asio::dispatch(io_, [writer] { writer->mark_gone(); });
  Timer until_cancelled(stream.get_executor(), MonotonicClock::time_point::max());
  co_await until_cancelled.async_wait(kTuple);
}

asio::awaitable<void> Server::serve(Shard& shard, tcp::socket socket) {
  if (!tls_) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(shard, stream);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls_);
  beast::get_lowest_layer(stream).expires_after(
      std::chrono::milliseconds(limits_.header_timeout_ms));
  if (stopped_) co_return;  // stop() may have closed this shard's sockets before this one came
  shard.open.insert(&beast::get_lowest_layer(stream).socket());
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  shard.open.erase(&beast::get_lowest_layer(stream).socket());
  if (handshake_ec) {
    // Not TLS, an untrusted client certificate, or too slow: nothing to answer in HTTP.
    spdlog::debug("TLS handshake failed: {}", handshake_ec.message());
    co_return;
  }
  co_await serve_requests(shard, stream);
}

template <class Stream>
asio::awaitable<void> Server::serve_stream(const StreamHandler& handler, const Request& request,
                                           Stream& stream) {
  using namespace asio::experimental::awaitable_operators;
  auto writer = std::make_shared<StreamWriterFor<Stream>>(stream, limits_.write_timeout_ms);
  auto on_core = [&handler, &request, writer]() -> asio::awaitable<void> {
    struct Finished {
      StreamWriter& writer;
      ~Finished() { writer.mark_finished(); }
    } finished{*writer};
    co_await handler(request, *writer);
  };
  co_await (asio::co_spawn(io_, std::move(on_core), asio::use_awaitable) ||
            watch_for_close(stream, writer));
}

template <class Stream>
asio::awaitable<void> Server::serve_requests(Shard& shard, Stream& stream) {
  tcp::socket* raw = &beast::get_lowest_layer(stream).socket();
  shard.open.insert(raw);
  struct Unregister {
    std::set<tcp::socket*>& open;
    tcp::socket* raw;
    ~Unregister() { open.erase(raw); }
  } unregister{shard.open, raw};
  if (stopped_) co_return;  // stop() may have closed this shard's sockets before this one came

  beast::flat_buffer buffer;
  for (;;) {
    beast_http::request_parser<beast_http::string_body> parser;
    parser.body_limit(limits_.body_bytes_max);
    parser.header_limit(static_cast<std::uint32_t>(limits_.header_bytes_max));
    auto read_ec = co_await read_request(stream, buffer, parser);
    Response response;
    bool keep_alive = false;
    bool head = false;
    if (read_ec == beast::error::timeout && parser.got_some()) {
      // Slow headers (one byte a second): said once, then the connection closes.
      response =
          problem(Status::request_timeout, "REQUEST_TIMEOUT", "the request did not arrive in time");
    } else if (read_ec) {
      auto answer = answer_for_read_error(read_ec);
      if (!answer) break;
      response = std::move(*answer);
    } else if (auto refused = framing_problem(parser.get())) {
      response = problem(*refused);  // and the connection closes
    } else if (auto unread = content_problem(parser.get(), limits_.target_bytes_max)) {
      response = std::move(*unread);
      keep_alive = parser.get().keep_alive();
    } else {
      Request request = parser.release();
      head = request.method() == beast_http::verb::head;
      const std::string_view target = request.target();
      auto streamed = stream_routes_.find(std::string(target.substr(0, target.find('?'))));
      if (streamed != stream_routes_.end() && request.method() == beast_http::verb::get) {
        co_await serve_stream(streamed->second, request, stream);
        break;
      }
      keep_alive = request.keep_alive();
      // The handler runs on the core loop; this connection waits for its answer.
      response = co_await asio::co_spawn(
          io_,
          [this, &request]() -> asio::awaitable<Response> { co_return co_await handler_(request); },
          asio::use_awaitable);
    }
    if (stopped_) break;
    response.keep_alive(keep_alive);
    response.prepare_payload();
    if (head) response.body().clear();  // Content-Length stays the GET's
    beast::get_lowest_layer(stream).expires_after(
        std::chrono::milliseconds(limits_.write_timeout_ms));
    auto [write_ec, write_bytes] = co_await beast_http::async_write(stream, response, kTuple);
    if (write_ec || !keep_alive) break;
  }
  beast::error_code ec;
  raw->shutdown(tcp::socket::shutdown_send, ec);
}

Result<std::pair<std::string, std::uint16_t>> parse_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return fail(ErrorKind::kInvalid, "INVALID_LISTEN", "expected HOST:PORT, got \"" + text + "\"");
  }
  std::string host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = text.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    return fail(ErrorKind::kInvalid, "INVALID_LISTEN", "port must be a number 0-65535");
  }
  const int port = std::stoi(port_text);
  if (port > 65535)
    return fail(ErrorKind::kInvalid, "INVALID_LISTEN", "port must be a number 0-65535");
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

}  // namespace upi::http
