#include "switch/options.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "common/http_server.h"
#include "common/ids.h"
#include "common/scheme.h"

namespace upi::api {
namespace {

Result<std::int64_t> parse_int(std::string_view flag, std::string_view text, std::int64_t min,
                               std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return fail(ErrorKind::kInvalid, "USAGE",
                std::string(flag) + " takes a whole number from " + std::to_string(min) + " to " +
                    std::to_string(max));
  }
  return value;
}

}  // namespace

namespace {

// The whole-number options: their bounds, and where each value goes.
struct NumberOption {
  std::string_view flag;
  std::int64_t min;
  std::int64_t max;
  void (*set)(Options&, std::int64_t);
};

constexpr NumberOption kNumberOptions[] = {
    {"--node-id", 0, kNodeIdMax,
     [](Options& o, std::int64_t n) { o.node_id = static_cast<int>(n); }},
    {"--fault-seed", 0, INT64_MAX,
     [](Options& o, std::int64_t n) { o.fault_seed = static_cast<std::uint64_t>(n); }},
    {"--leg-timeout-ms", 1, 60'000,
     [](Options& o, std::int64_t n) { o.leg_timeout_ms = static_cast<int>(n); }},
    {"--lease-ms", 300, 60'000,
     [](Options& o, std::int64_t n) { o.lease_ms = static_cast<int>(n); }},
    {"--sagas-max", 1, 1'000'000,
     [](Options& o, std::int64_t n) { o.sagas_max = static_cast<std::size_t>(n); }},
    {"--write-timeout-ms", 100, 600'000,
     [](Options& o, std::int64_t n) { o.write_timeout_ms = static_cast<int>(n); }},
    {"--stream-keepalive-ms", 100, 60'000,
     [](Options& o, std::int64_t n) { o.stream_keepalive_ms = static_cast<int>(n); }},
    {"--header-timeout-ms", 100, 600'000,
     [](Options& o, std::int64_t n) { o.header_timeout_ms = static_cast<int>(n); }},
    {"--connections-max", 1, 100'000,
     [](Options& o, std::int64_t n) { o.connections_max = static_cast<std::size_t>(n); }},
    {"--io-threads", 0, static_cast<std::int64_t>(http::kIoThreadsMax),
     [](Options& o, std::int64_t n) { o.io_threads = static_cast<std::size_t>(n); }},
    {"--settlement-period-s", 0, 86'400,
     [](Options& o, std::int64_t n) { o.settlement_period_s = n; }},
    {"--neft-batch-interval-s", 0, kNeftBatchIntervalSMax,
     [](Options& o, std::int64_t n) { o.neft_batch_interval_s = n; }},
    {"--connections-per-address-max", 1, 100'000,
     [](Options& o, std::int64_t n) {
       o.connections_per_address_max = static_cast<std::size_t>(n);
     }},
};

const NumberOption* find_number_option(std::string_view flag) {
  for (const auto& option : kNumberOptions) {
    if (option.flag == flag) return &option;
  }
  return nullptr;
}

}  // namespace

std::string usage() {
  return "usage: upi-switch [options]\n"
         "  --listen HOST:PORT      where to serve the REST API (default 127.0.0.1:8080; port 0\n"
         "                          picks a free one)\n"
         "  --world FILE            banks, PSPs and accounts (default: built-in demo world,\n"
         "                          the same as specs/demo-world.json)\n"
         "  --scheme FILE           rail limits (default: built-in copy of specs/scheme.json)\n"
         "  --credentials FILE      the principals that may call (see README: Principals);\n"
         "                          required with --world unless --auth none; the demo world\n"
         "                          comes with public demo credentials\n"
         "  --auth required|none    none turns authentication off: every caller is an admin\n"
         "                          (default required)\n"
         "  --bank-key-file FILE    the key the switch presents to remote banks (a world\n"
         "                          entry with an endpoint; upi-bank --switch-key-sha256)\n"
         "  --tls-cert FILE --tls-key FILE  serve HTTPS only, with this certificate chain and\n"
         "                          private key (PEM)\n"
         "  --tls-client-ca FILE    with --tls-cert: every client must present a certificate\n"
         "                          this CA signed (mutual TLS)\n"
         "  --bank-ca FILE          the CA to trust for https:// bank endpoints (default: the\n"
         "                          system's trust store)\n"
         "  --metrics-listen HOST:PORT  also serve GET /metrics here, without credentials, for\n"
         "                          a scraper (on the API listener it needs auditor or admin)\n"
         "  --log-level LEVEL       trace, debug, info, warn, error (default info)\n"
         "  --node-id N             0-1023, part of every payment id (default 0)\n"
         "  --fault-seed N          seed of the fault rules' random choices (default 1)\n"
         "  --leg-timeout-ms N      deadline of one bank call, 1-60000 (default 2000)\n"
         "  --database-url URL      PostgreSQL (libpq URL or key=value string) for a durable\n"
         "                          ledger and bank books; default: $DATABASE_URL, else the\n"
         "                          embedded memory store\n"
         "  --database-schema NAME  schema for the switch's tables (default upi)\n"
         "  --lease-ms N            durable mode: how long a node's lease on its sagas lasts\n"
         "                          without renewal, 300-60000 (default 3000); after it lapses\n"
         "                          other nodes take its unfinished payments over\n"
         "  --sagas-max N           payments in flight at once, 1-1000000 (default 10000); more\n"
         "                          are refused with 503 SWITCH_BUSY and Retry-After\n"
         "  --stream-keepalive-ms N an idle /v1/ledger/stream gets a keep-alive comment this\n"
         "                          often, 100-60000 (default 15000)\n"
         "  --write-timeout-ms N    a client that takes none of an answer (or of the ledger\n"
         "                          stream) for this long is dropped, 100-600000 (default 30000)\n"
         "  --header-timeout-ms N   a request's headers (or the next request on an idle\n"
         "                          connection) must arrive within this, else 408 and the\n"
         "                          connection closes, 100-600000 (default 10000)\n"
         "  --connections-max N     open connections at once, 1-100000 (default 1024); more\n"
         "                          are answered 503 TOO_MANY_CONNECTIONS and closed\n"
         "  --connections-per-address-max N  open connections from one client address,\n"
         "                          1-100000 (default 256); more are answered the same way\n"
         "  --io-threads N          threads that serve connections (read, parse, TLS, write),\n"
         "                          0-16 (default 1); the handlers and all state stay on the\n"
         "                          one core thread. 0: connections on the core thread too\n"
         "  --settlement-period-s N cut settlement cycles off every N seconds, 1-86400, instead\n"
         "                          of at the scheme's times of day; 0: never by schedule\n"
         "                          (admins close cycles: POST /v1/admin/settlement/close)\n"
         "  --neft-batch-interval-s N  NEFT credits wait for a batch every N seconds (from\n"
         "                          00:00 UTC), 1-86400, instead of the scheme's (1800); 0: NEFT\n"
         "                          is credited at once, like IMPS\n"
         "  --rebuild-views         durable mode: empty the read views, fold the whole ledger\n"
         "                          into them again in one transaction, and exit\n"
         "  --print-routes          print the REST routes and exit\n"
         "  --help                  this text\n";
}

std::string node_name(const Options& options) {
  return "node-" + std::to_string(options.node_id);
}

Result<Options> parse_options(int argc, const char* const* argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      continue;
    }
    if (flag == "--print-routes") {
      o.print_routes = true;
      continue;
    }
    if (flag == "--rebuild-views") {
      o.rebuild_views = true;
      continue;
    }
    if (i + 1 >= argc)
      return fail(ErrorKind::kInvalid, "USAGE", std::string(flag) + " needs a value (see --help)");
    const std::string_view value = argv[++i];
    if (flag == "--listen") {
      o.listen = value;
    } else if (flag == "--world") {
      o.world_path = value;
    } else if (flag == "--credentials") {
      o.credentials_path = value;
    } else if (flag == "--auth") {
      if (value != "required" && value != "none")
        return fail(ErrorKind::kInvalid, "USAGE", "--auth takes required or none");
      o.auth_none = value == "none";
    } else if (flag == "--bank-key-file") {
      o.bank_key_path = value;
    } else if (flag == "--tls-cert") {
      o.tls_cert_path = value;
    } else if (flag == "--tls-key") {
      o.tls_key_path = value;
    } else if (flag == "--tls-client-ca") {
      o.tls_client_ca_path = value;
    } else if (flag == "--bank-ca") {
      o.bank_ca_path = value;
    } else if (flag == "--metrics-listen") {
      o.metrics_listen = value;
    } else if (flag == "--scheme") {
      o.scheme_path = value;
    } else if (flag == "--log-level") {
      if (value != "trace" && value != "debug" && value != "info" && value != "warn" &&
          value != "error") {
        return fail(ErrorKind::kInvalid, "USAGE",
                    "--log-level takes trace, debug, info, warn or error");
      }
      o.log_level = value;
    } else if (flag == "--database-url") {
      o.database_url = value;
    } else if (flag == "--database-schema") {
      if (value.empty() || value.size() > 63 ||
          value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
              std::string_view::npos) {
        return fail(ErrorKind::kInvalid, "USAGE", "--database-schema takes 1-63 of [a-z0-9_]");
      }
      o.database_schema = value;
    } else if (const NumberOption* number = find_number_option(flag)) {
      auto n = parse_int(flag, value, number->min, number->max);
      if (!n) return std::unexpected(n.error());
      number->set(o, *n);
    } else {
      return fail(ErrorKind::kInvalid, "USAGE",
                  "unknown option " + std::string(flag) + " (see --help)");
    }
  }
  if (o.tls_cert_path.empty() != o.tls_key_path.empty())
    return fail(ErrorKind::kInvalid, "USAGE", "--tls-cert and --tls-key go together");
  if (!o.tls_client_ca_path.empty() && o.tls_cert_path.empty())
    return fail(ErrorKind::kInvalid, "USAGE", "--tls-client-ca needs --tls-cert and --tls-key");
  return o;
}

}  // namespace upi::api
