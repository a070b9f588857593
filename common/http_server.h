// An HTTP/1.1 server on Asio coroutines: one coroutine per connection, a deadline on every
// read and write, limits on header and body size, and shutdown by cancellation.
//
// Threads: the handlers always run on the io_context the server was made with (the "core"
// loop, where the application's state lives, unsynchronised). With io_threads > 0 the
// connections (reading, parsing, TLS, writing) are spread over that many threads of their own,
// and each request is handed to the core loop and its response handed back.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/async.h"
#include "common/error.h"
#include "common/problem.h"

namespace upi::http {

namespace asio = boost::asio;

struct ServerLimits {
  std::size_t body_bytes_max = 64 * 1024;
  std::size_t header_bytes_max = 8 * 1024;
  int header_timeout_ms = 10'000;  // a request's headers (and an idle keep-alive) must come in this
  int read_timeout_ms = 30'000;    // a request's body
  int write_timeout_ms = 30'000;   // slow readers
  std::size_t connections_max = 1024;
  std::size_t connections_per_address_max = 256;  // one client cannot take every slot
  std::size_t target_bytes_max = 2048;            // a longer request target is a 414
  std::size_t io_threads = 0;                     // 0: connections on the core loop too
};
inline constexpr std::size_t kIoThreadsMax = 16;

using Handler = std::function<asio::awaitable<Response>(const Request&)>;

// Lets a handler write its own response bit by bit (server-sent events). The connection
// closes when the handler returns. Used on the core loop, like the handler.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Writes bytes before the write deadline; false once the client is gone or too slow to read.
  virtual asio::awaitable<bool> write(std::string bytes) = 0;
  // False once the client has gone (the server notices a close at once, not at the next write).
  bool open() const { return open_; }
  // Called once when the client goes away, so a handler waiting for something else can end.
  void on_gone(std::function<void()> hook) { on_gone_ = std::move(hook); }
  void mark_gone() {
    if (!open_ || finished_) return;
    open_ = false;
    if (on_gone_) on_gone_();
  }
  // The handler has returned: a close noticed from now on calls no hook of its.
  void mark_finished() { finished_ = true; }

 protected:
  bool open_ = true;
  bool finished_ = false;

 private:
  std::function<void()> on_gone_;
};

using StreamHandler = std::function<asio::awaitable<void>(const Request&, StreamWriter&)>;

class Server {
 public:
  Server(asio::io_context& io, ServerLimits limits, Handler handler);
  ~Server();

  // From now on every connection must speak TLS with this context (HTTPS only).
  void use_tls(std::shared_ptr<boost::asio::ssl::context> context) { tls_ = std::move(context); }
  // Binds and listens on host:port (port 0 picks a free one). Error code: LISTEN_FAILED.
  Result<asio::ip::tcp::endpoint> listen(const std::string& host, std::uint16_t port);
  // GET requests for exactly this path go to handler, which writes the response itself.
  void add_stream_route(std::string path, StreamHandler handler);
  // Starts accepting; call after listen().
  void start();
  // Stops accepting and closes every open connection; a handler in flight finishes (its
  // answer then finds the socket closed). Handlers that wait for long end their waits when
  // their owners stop.
  void stop();
  // Returns once the accept loop and every connection's coroutine have ended (after stop()).
  asio::awaitable<void> join();
  // Stops and joins the connection threads, leaving their coroutines suspended; for shutting
  // the core loop down (io_context::shutdown) while connections may still be open. Idempotent.
  void halt_threads();

 private:
  // One connection thread (none when io_threads is 0: the core loop serves as shard 0).
  struct Shard;
  asio::awaitable<void> accept_loop();
  // Runs a connection's coroutine on its shard, counted until it ends (join() waits for it);
  // on_end then runs on the core loop.
  void launch(Shard& shard, asio::awaitable<void> connection, std::function<void()> on_end);
  asio::awaitable<void> serve(Shard& shard, asio::ip::tcp::socket socket);
  // The requests of one connection, plain (beast::tcp_stream) or TLS (beast::ssl_stream).
  template <class Stream>
  asio::awaitable<void> serve_requests(Shard& shard, Stream& stream);
  // A streamed route: the handler on the core loop, its writes on the connection's thread.
  template <class Stream>
  asio::awaitable<void> serve_stream(const StreamHandler& handler, const Request& request,
                                     Stream& stream);
  // Answers a connection over connections_max (or its address's share) with 503, closes it.
  asio::awaitable<void> refuse(asio::ip::tcp::socket socket, std::string detail);
  // Marks the writer gone as soon as a streaming client closes its side.
  template <class Stream>
  asio::awaitable<void> watch_for_close(Stream& stream, std::shared_ptr<StreamWriter> writer);
  // Reads one request: the header (within header_timeout_ms), a 100 Continue when the client
  // expects one, the body (within read_timeout_ms).
  template <class Stream>
  asio::awaitable<boost::beast::error_code> read_request(
      Stream& stream, boost::beast::flat_buffer& buffer,
      beast_http::request_parser<beast_http::string_body>& parser);

  asio::io_context& io_;  // the core loop
  ServerLimits limits_;
  Handler handler_;
  asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // null: plain HTTP
  std::map<std::string, StreamHandler> stream_routes_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::size_t next_shard_ = 0;
  // Core loop only:
  std::map<asio::ip::address, std::size_t> open_by_address_;
  std::size_t connections_live_ = 0;               // launched and not yet ended
  OneShotEvent* all_ended_ = nullptr;              // the current join()'s wake-up
  static constexpr std::size_t kRefusingMax = 64;  // 503 answers to over-the-cap connections
  std::size_t refusing_ = 0;
  TaskGroup tasks_;                                        // the accept loop
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // reset when the server goes
  std::atomic<bool> stopped_ = false;                      // read on the connection threads
};

// Splits "host:port"; port must be 0-65535. Error code: INVALID_LISTEN.
Result<std::pair<std::string, std::uint16_t>> parse_host_port(const std::string& text);

}  // namespace upi::http
