// Liveness, readiness and metrics.
#include "switch/api_operations.h"
#include "switch/query.h"

namespace upi::api {
using http::Status;

OperationsApi::OperationsApi(const bool& ready, bool authenticating, Backend& backend,
                             ledger::Projector& projector, const HttpMetrics& http_metrics,
                             const World& world, const sagas::PaymentSagaEngine& engine)
    : ready_(ready),
      authenticating_(authenticating),
      backend_(backend),
      projector_(projector),
      http_metrics_(http_metrics),
      world_(world),
      engine_(engine) {}

void OperationsApi::add_routes(http::Router& router) {
  router.add("GET", "/healthz", kOpen, http::member_handler(this, &OperationsApi::healthz));
  router.add("GET", "/readyz", kOpen, http::member_handler(this, &OperationsApi::readyz));
  router.add("GET", "/metrics", kReaders, http::member_handler(this, &OperationsApi::metrics));
  router.add("GET", "/v1/me", kEveryRole, http::member_handler(this, &OperationsApi::me));
}

asio::awaitable<Response> OperationsApi::me(const Request&, const Params&,
                                            const Principal& caller) {
  json::object body{{"id", caller.id}, {"role", role_name(caller.role)}};
  body["psp"] = caller.psp.empty() ? json::value(nullptr) : json::value(caller.psp);
  co_return http::json_response(Status::ok, body);
}

asio::awaitable<Response> OperationsApi::healthz(const Request&, const Params&, const Principal&) {
  co_return http::json_response(Status::ok, json::object{{"status", "ok"}});
}

asio::awaitable<Response> OperationsApi::readyz(const Request&, const Params&, const Principal&) {
  if (!ready_) {
    co_return http::problem(not_ready("the switch is starting or stopping"));
  }
  // Payments are taken only while the store answers (durable: the database).
  auto alive = co_await backend_.probe();
  if (!alive) co_return http::problem(not_ready(alive.error().message));
  co_return http::json_response(Status::ok,
                                json::object{{"status", "ready"},
                                             {"store", backend_.store_kind},
                                             {"auth", authenticating_ ? "required" : "none"},
                                             {"view_position", projector_.checkpoint()}});
}

asio::awaitable<Response> OperationsApi::metrics(const Request&, const Params&, const Principal&) {
  const std::int64_t view_position = projector_.checkpoint();
  auto stats = co_await backend_.views->rail_stats();
  if (!stats) co_return http::problem(stats.error());
  std::string text = http_metrics_.render();
  text +=
      "# HELP upi_payments Payments by status and rail, from the read views.\n"
      "# TYPE upi_payments gauge\n";
  for (const auto& [rail, row] : *stats) {
    for (const auto& [status, count] : row.payments_by_status) {
      text += "upi_payments{status=\"" + status + "\",rail=\"" + rail + "\"} " +
              std::to_string(count) + "\n";
    }
  }
  text +=
      "# HELP upi_completed_volume_paise_total Amount completed per rail, in paise.\n"
      "# TYPE upi_completed_volume_paise_total counter\n";
  for (const auto& [rail, row] : *stats) {
    text += "upi_completed_volume_paise_total{rail=\"" + rail + "\"} " +
            std::to_string(row.completed_volume) + "\n";
  }
  text +=
      "# HELP upi_bank_up 1 while the bank takes calls (in-process, or its circuit closed).\n"
      "# TYPE upi_bank_up gauge\n";
  for (const auto& bank : world_.banks) {
    text += "upi_bank_up{bank=\"" + bank.code + "\"} " +
            (backend_.banks->available(bank.code) ? "1" : "0") + "\n";
  }
  text +=
      "# HELP upi_bank_call_failures_total Calls and heartbeats to a remote bank that got no "
      "answer.\n"
      "# TYPE upi_bank_call_failures_total counter\n";
  for (const auto& bank : world_.banks) {
    if (const auto* remote = backend_.banks->remote(bank.code)) {
      text += "upi_bank_call_failures_total{bank=\"" + bank.code + "\"} " +
              std::to_string(remote->health().failures()) + "\n";
    }
  }
  text += "# HELP upi_sagas_active Sagas being driven now.\n# TYPE upi_sagas_active gauge\n";
  text += "upi_sagas_active " + std::to_string(engine_.active()) + "\n";
  text += "# HELP upi_sagas_parked Sagas waiting to be resumed.\n# TYPE upi_sagas_parked gauge\n";
  text += "upi_sagas_parked " + std::to_string(engine_.parked()) + "\n";
  text +=
      "# HELP upi_sagas_awaiting_neft_batch NEFT payments debited and waiting for their batch.\n"
      "# TYPE upi_sagas_awaiting_neft_batch gauge\n";
  text += "upi_sagas_awaiting_neft_batch " + std::to_string(engine_.awaiting_batch()) + "\n";
  text +=
      "# HELP upi_ledger_view_position Position the read views have folded in.\n"
      "# TYPE upi_ledger_view_position gauge\n";
  text += "upi_ledger_view_position " + std::to_string(view_position) + "\n";
  if (const auto usage = backend_.store->memory_usage()) {
    text +=
        "# HELP upi_ledger_memory_bytes Memory the embedded store holds for the ledger.\n"
        "# TYPE upi_ledger_memory_bytes gauge\n"
        "upi_ledger_memory_bytes " +
        std::to_string(usage->bytes) +
        "\n# HELP upi_ledger_memory_bytes_max Bound of the embedded store; appends beyond it "
        "fail with STORE_FULL.\n"
        "# TYPE upi_ledger_memory_bytes_max gauge\n"
        "upi_ledger_memory_bytes_max " +
        std::to_string(usage->bytes_max) + "\n";
  }
  Response res{Status::ok, 11};
  res.set(http::beast_http::field::content_type, "text/plain; version=0.0.4");
  res.body() = std::move(text);
  co_return res;
}

}  // namespace upi::api
