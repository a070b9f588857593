#include "common/http_client.h"

#include "common/run_blocking.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>

namespace upi::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

Error transport_error(const beast::error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout)
    return Error{ErrorKind::kTimeout, "TIMEOUT", what + ": no answer before the deadline"};
  return Error{ErrorKind::kUnavailable, "UNAVAILABLE", what + ": " + ec.message()};
}

bhttp::request<bhttp::string_body> to_beast(const std::string& host, const ClientRequest& in) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(in.method), in.target, 11};
  req.set(bhttp::field::host, host);
  for (const auto& [name, value] : in.headers) req.set(name, value);
  if (!in.body.empty() && req[bhttp::field::content_type].empty()) {
    req.set(bhttp::field::content_type, "application/json");
  }
  req.body() = in.body;
  req.prepare_payload();
  return req;
}

// Sends the request and reads the answer on a connected stream, plain or TLS.
template <class Stream>
asio::awaitable<Result<ClientResponse>> exchange(Stream& stream, const std::string& host,
                                                 const ClientRequest& request) {
  auto req = to_beast(host, request);
  auto [write_ec, written] = co_await bhttp::async_write(stream, req, kTuple);
  if (write_ec) co_return std::unexpected(transport_error(write_ec, "send"));
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kClientBodyBytesMax);
  auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  if (read_ec) co_return std::unexpected(transport_error(read_ec, "receive"));
  auto res = parser.release();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = std::move(res.body());
  beast::error_code ec;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ec);
  co_return out;
}

}  // namespace

asio::awaitable<Result<ClientResponse>> async_fetch(std::string host, std::uint16_t port,
                                                    ClientRequest request, int timeout_ms,
                                                    std::shared_ptr<asio::ssl::context> tls) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec)
    co_return std::unexpected(
        Error{ErrorKind::kUnavailable, "UNAVAILABLE", "not an IP address: " + host});
  auto [connect_ec] = co_await stream.async_connect(tcp::endpoint{address, port}, kTuple);
  if (connect_ec) co_return std::unexpected(transport_error(connect_ec, "connect"));
  if (!tls) co_return co_await exchange(stream, host, request);
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *tls);
  // The certificate must name this host (an IP address here: its subjectAltName).
  secure.set_verify_callback(asio::ssl::host_name_verification(host));
  auto [handshake_ec] = co_await secure.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (handshake_ec) co_return std::unexpected(transport_error(handshake_ec, "TLS handshake"));
  co_return co_await exchange(secure, host, request);
}

Result<ClientResponse> fetch(const std::string& host, std::uint16_t port,
                             const ClientRequest& request, int timeout_ms,
                             std::shared_ptr<asio::ssl::context> tls) {
  asio::io_context io;
  auto future = asio::co_spawn(io, async_fetch(host, port, request, timeout_ms, std::move(tls)),
                               asio::use_future);
  io.run();
  return future.get();
}

}  // namespace upi::http
