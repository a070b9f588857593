// A small HTTP/1.1 client with a deadline on the whole exchange.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"

namespace upi::http {

struct ClientRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

inline constexpr std::size_t kClientBodyBytesMax = 16 << 20;

// Connects, sends one request and reads the answer, all within timeout_ms; over TLS when tls
// is given (the server's certificate must verify for host). Error codes: UNAVAILABLE (connect
// or TLS handshake failed, or reset), TIMEOUT.
boost::asio::awaitable<Result<ClientResponse>> async_fetch(
    std::string host, std::uint16_t port, ClientRequest request, int timeout_ms,
    std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

// The same on a private event loop, for tests and command-line tools.
Result<ClientResponse> fetch(const std::string& host, std::uint16_t port,
                             const ClientRequest& request, int timeout_ms = 10'000,
                             std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

}  // namespace upi::http
