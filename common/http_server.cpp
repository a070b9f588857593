#include "common/http_server.h"

#include "common/timer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>

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

// A StreamWriter over a connection's stream, plain or TLS.
template <class Stream>
class StreamWriterFor final : public StreamWriter {
 public:
  StreamWriterFor(Stream& stream, int write_timeout_ms)
      : stream_(stream), write_timeout_ms_(write_timeout_ms) {}
  asio::awaitable<bool> write(std::string bytes) override {
    if (!open_) co_return false;
    beast::get_lowest_layer(stream_).expires_after(std::chrono::milliseconds(write_timeout_ms_));
    auto [ec, written] = co_await asio::async_write(stream_, asio::buffer(bytes), kTuple);
    if (ec) mark_gone();
    co_return open_;
  }

 private:
  Stream& stream_;
  int write_timeout_ms_;
};

}  // namespace

Server::Server(asio::io_context& io, ServerLimits limits, Handler handler)
    : io_(io),
      limits_(limits),
      handler_(std::move(handler)),
      acceptor_(io),
      tasks_(io.get_executor()) {}

Server::~Server() {
  stop();
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

asio::awaitable<void> Server::join() {
  co_await tasks_.join();
}

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  for (tcp::socket* socket : open_) socket->close(ec);
}

asio::awaitable<void> Server::accept_loop() {
  while (!stopped_) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (ec) {
      if (stopped_ || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec).address();
    std::string over;
    if (open_.size() >= limits_.connections_max) {
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
        tasks_.spawn(refuse(std::move(socket), std::move(over)));
      } else {
        beast::error_code ignored;
        socket.close(ignored);
      }
      continue;
    }
    tasks_.spawn(serve(std::move(socket)));
  }
}

asio::awaitable<void> Server::refuse(tcp::socket socket, std::string detail) {
  ++refusing_;
  struct Done {
    std::size_t& refusing;
    ~Done() { --refusing; }
  } done{refusing_};
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
asio::awaitable<void> Server::watch_for_close(Stream& stream, StreamWriter& writer) {
  // A streaming client has nothing more to say; a read that ends means it has gone. Then this
  // waits to be cancelled when the handler ends, so the handler is never cut off mid-step.
  // The read has no deadline (the writes keep theirs: a pending read's timer is left alone).
  beast::get_lowest_layer(stream).expires_never();
  for (;;) {
    char byte = 0;
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(&byte, 1), kTuple);
    if (ec) break;
  }
  writer.mark_gone();
  Timer until_cancelled(stream.get_executor(), MonotonicClock::time_point::max());
  co_await until_cancelled.async_wait(kTuple);
}

asio::awaitable<void> Server::serve(tcp::socket socket) {
  tcp::socket* raw = &socket;
  beast::error_code peer_ec;
  const auto peer = raw->remote_endpoint(peer_ec).address();
  ++open_by_address_[peer];
  struct Unregister {
    Server& server;
    asio::ip::address peer;
    ~Unregister() {
      if (--server.open_by_address_[peer] == 0) server.open_by_address_.erase(peer);
    }
  } unregister{*this, peer};
  if (!tls_) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(stream);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls_);
  beast::get_lowest_layer(stream).expires_after(
      std::chrono::milliseconds(limits_.header_timeout_ms));
  open_.insert(&beast::get_lowest_layer(stream).socket());
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  open_.erase(&beast::get_lowest_layer(stream).socket());
  if (handshake_ec) {
    // Not TLS, an untrusted client certificate, or too slow: nothing to answer in HTTP.
    spdlog::debug("TLS handshake failed: {}", handshake_ec.message());
    co_return;
  }
  co_await serve_requests(stream);
}

template <class Stream>
asio::awaitable<void> Server::serve_requests(Stream& stream) {
  tcp::socket* raw = &beast::get_lowest_layer(stream).socket();
  open_.insert(raw);
  struct Unregister {
    std::set<tcp::socket*>& open;
    tcp::socket* raw;
    ~Unregister() { open.erase(raw); }
  } unregister{open_, raw};

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
        using namespace asio::experimental::awaitable_operators;
        StreamWriterFor<Stream> writer(stream, limits_.write_timeout_ms);
        co_await (streamed->second(request, writer) || watch_for_close(stream, writer));
        break;
      }
      keep_alive = request.keep_alive();
      response = co_await handler_(request);
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
