// A whole in-process switch core for saga tests: memory store, demo world, mock banks.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "common/ids.h"
#include "ledger/memory_store.h"
#include "ledger/payment_events.h"
#include "sagas/payment_saga.h"

namespace upi::sagas::testing {

inline SagaConfig fast_config() {
  SagaConfig config;
  config.leg_timeout_ms = 40;
  config.status_checks_max = 3;
  config.retry_backoff_base_ms = 1;
  config.retry_backoff_max_ms = 5;
  config.park_ms = 20;
  return config;
}

struct Harness {
  explicit Harness(SagaConfig config = fast_config(), std::uint64_t seed = 1,
                   const World& w = parse_world(demo_world_json()).value())
      : world(w),
        scheme(parse_scheme(R"({"currency":"INR","rails":[
            {"rail":"IMPS","min":"0.01","max":"50000.00"},
            {"rail":"NEFT","min":"50000.01","max":"200000.00"},
            {"rail":"RTGS","min":"200000.01","max":"100000000.00"}]})")
                   .value()),
        store(clock),
        registry(world),
        banks(banks::BankNetwork::create(world, seed).value()),
        engine(io, store, registry, *banks, scheme, clock, config) {
    engine.start();
  }

  std::string pay(const std::string& payer, const std::string& payee, Paise amount) {
    const std::string id = ids.next();
    PaymentRequest request{payer, payee, amount, "test", ""};
    auto appended = store.append_now(ledger::events::payment_stream(id), ledger::kNoStream,
                                     {payment_requested_event(id, request, "node-0")});
    EXPECT_TRUE(appended.has_value());
    engine.drive(id);
    return id;
  }

  PaymentState state(const std::string& id) const {
    return fold(
        store.read_stream_now(ledger::events::payment_stream(id), 1, ledger::kReadLimitMax));
  }

  std::vector<std::string> types(const std::string& id) const {
    std::vector<std::string> out;
    for (const auto& e : store.read_stream_now(ledger::events::payment_stream(id), 1, 1000)) {
      out.push_back(e.type);
    }
    return out;
  }

  // Runs the event loop until every given payment is terminal (or 20 s pass: a failure).
  void settle(const std::vector<std::string>& ids_to_wait) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto all_terminal = [&] {
      for (const auto& id : ids_to_wait) {
        if (!state(id).terminal()) return false;
      }
      return true;
    };
    while (!all_terminal() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(5));
      if (io.stopped()) io.restart();
    }
    ASSERT_TRUE(all_terminal()) << "payments did not finish within 20 s";
  }

  Paise balance(const std::string& vpa) {
    auto resolved = registry.resolve(parse_vpa(vpa).value()).value();
    return banks->mock(resolved.bank)->balance(resolved.account).value();
  }

  Paise total_balance() {
    Paise total = 0;
    for (const auto& code : banks->codes()) total += banks->mock(code)->total_balance();
    return total;
  }

  void fault(const std::string& bank, std::vector<banks::FaultRule> rules) {
    banks->mock(bank)->faults().set(std::move(rules));
  }

  asio::io_context io;
  SystemClock clock;
  World world;
  Scheme scheme;
  ledger::MemoryStore store;
  psp::Registry registry;
  std::unique_ptr<banks::BankNetwork> banks;
  PaymentSagaEngine engine;
  PaymentIdGenerator ids{clock, 0};
};

inline banks::FaultRule rule(banks::Operation op, banks::FaultAction action,
                             std::optional<std::int64_t> count = 1, std::int64_t delay_ms = 0) {
  return banks::FaultRule{op, action, 1.0, count, delay_ms};
}

}  // namespace upi::sagas::testing
