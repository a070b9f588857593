// The HTTP API of one mock bank (the upi-bank process; wire format in bank_api.h). It plays
// the bank's fault rules in front of its books, as the in-process gateway does: a timeout or
// a lost response leaves the caller without an answer before its deadline.
#pragma once

#include <boost/asio/io_context.hpp>

#include "banks/bank_gateway.h"
#include "banks/mock_bank.h"
#include "common/http_server.h"
#include "common/router.h"

namespace upi::banks {

inline constexpr int kBankDeadlineMsDefault = 2'000;
inline constexpr int kBankDeadlineMsMax = 60'000;

class BankServer {
 public:
  // switch_key_sha256: the SHA-256 (32 raw bytes) of the only key this bank takes calls with
  // (Authorization: Bearer); empty: anyone may call (upi-bank --auth none).
  BankServer(asio::io_context& io, MockBank& bank, std::string switch_key_sha256);

  // Binds host:port (0: a free port). Error code: LISTEN_FAILED.
  Result<asio::ip::tcp::endpoint> listen(const std::string& host, std::uint16_t port);
  void start() { server_.start(); }
  // HTTPS only, from now on.
  void use_tls(std::shared_ptr<boost::asio::ssl::context> context) {
    server_.use_tls(std::move(context));
  }
  void stop() { server_.stop(); }
  std::vector<std::string> routes() const;

 private:
  // Only the switch gets in: a refused call changes nothing.
  asio::awaitable<http::Response> handle(const http::Request& req);
  asio::awaitable<http::Response> leg(const http::Request& req, LegKind kind);
  asio::awaitable<http::Response> status(const http::Request& req, const http::Params& params);
  asio::awaitable<http::Response> legs(const http::Request& req, const http::Params& params);
  asio::awaitable<http::Response> accounts(const http::Request& req, const http::Params& params);
  asio::awaitable<http::Response> balance(const http::Request& req, const http::Params& params);
  asio::awaitable<http::Response> faults(const http::Request& req, const http::Params& params);
  Result<Deadline> deadline_of(const http::Request& req) const;

  // Counts a request in flight for the life of the guard (in_flight_max in the activity).
  struct InFlight {
    explicit InFlight(BankServer& s) : server(s) {
      server.in_flight_max_ = std::max(server.in_flight_max_, ++server.in_flight_);
    }
    ~InFlight() { --server.in_flight_; }
    BankServer& server;
  };

  const Principal switch_caller_{"switch", Role::kAdmin, ""};
  std::string switch_key_sha256_;
  MockBank& bank_;
  std::int64_t in_flight_ = 0;
  std::int64_t in_flight_max_ = 0;
  MemoryBankCore core_;
  SimulatedGateway gateway_;
  http::Router router_;
  http::Server server_;
};

}  // namespace upi::banks
