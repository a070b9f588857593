// The switch's gateway to a bank in another process (upi-bank, wire format in bank_api.h).
// Every call carries the caller's deadline; no answer by then (refused, reset, slow, killed)
// is an unknown outcome. Calls feed the bank's health, and while its circuit is open calls are
// not sent at all. At most calls_in_flight_max calls to one bank are in flight; the rest wait
// for a slot until their deadline, so a recovering bank is not flooded.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>

#include "banks/bank_gateway.h"
#include "banks/bank_health.h"
#include "common/async.h"
#include "common/http_client.h"
#include "common/timer.h"

namespace upi::banks {

inline constexpr int kCallsInFlightMax = 32;

// "http://HOST:PORT" or "HOST:PORT". Error code: INVALID_ENDPOINT.
Result<std::pair<std::string, std::uint16_t>> parse_endpoint(const std::string& endpoint);

class HttpBankGateway final : public BankGateway {
 public:
  HttpBankGateway(asio::io_context& io, std::string code, std::string host, std::uint16_t port,
                  HealthConfig health = {});

  asio::awaitable<LegCall> debit(std::string leg_id, std::string account, Paise amount,
                                 Deadline deadline) override;
  asio::awaitable<LegCall> credit(std::string leg_id, std::string account, Paise amount,
                                  Deadline deadline) override;
  asio::awaitable<LegCall> reverse(std::string leg_id, std::string debit_leg_id,
                                   Deadline deadline) override;
  asio::awaitable<StatusCall> status(std::string leg_id, Deadline deadline) override;
  asio::awaitable<Result<Paise>> balance(std::string account, Deadline deadline) override;
  // GET /v1/legs?after=&limit= of upi-bank.
  asio::awaitable<Result<std::vector<LegRecord>>> legs(std::string after, std::size_t limit,
                                                       Deadline deadline) override;

  // Sends any request to the bank (the switch forwards fault-rule calls this way).
  // Error codes: UNAVAILABLE, TIMEOUT.
  asio::awaitable<Result<http::ClientResponse>> forward(http::ClientRequest request,
                                                        Deadline deadline);
  // Every request from now on carries Authorization: Bearer key.
  void present_key(const std::string& key) { authorization_ = "Bearer " + key; }
  // Every request from now on goes over TLS with this context (an https:// endpoint).
  void use_tls(std::shared_ptr<boost::asio::ssl::context> context) { tls_ = std::move(context); }
  // Heartbeats until stop(), probing a half-open circuit.
  void start();
  void stop();
  // Returns once the heartbeats have ended (after stop()).
  asio::awaitable<void> join();
  const BankHealth& health() const { return health_; }

 private:
  // One exchange within the deadline, counted in the bank's health.
  asio::awaitable<Result<http::ClientResponse>> call(http::ClientRequest request,
                                                     Deadline deadline);
  asio::awaitable<LegCall> leg(std::string path, json::object body, Deadline deadline);
  asio::awaitable<void> heartbeat();
  // Sends one request to the bank, with the key when there is one.
  asio::awaitable<Result<http::ClientResponse>> fetch(http::ClientRequest request, int timeout_ms);

  asio::io_context& io_;
  std::string code_;
  std::string host_;
  std::string authorization_;                       // "Bearer <key>", or empty
  std::shared_ptr<boost::asio::ssl::context> tls_;  // null: plain HTTP
  std::uint16_t port_;
  BankHealth health_;
  Semaphore slots_;  // calls in flight
  TaskGroup tasks_;
  PeriodicTask heartbeats_;
};

}  // namespace upi::banks
