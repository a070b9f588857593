// Command-line options of upi-switch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"

namespace upi::api {

struct Options {
  std::string listen = "127.0.0.1:8080";
  std::string world_path;   // empty: the built-in demo world
  std::string scheme_path;  // empty: the built-in copy of specs/scheme.json
  std::string log_level = "info";
  std::string credentials_path;  // empty: the demo credentials, with the demo world only
  bool auth_none = false;        // --auth none: no authentication at all (logged, in /readyz)
  std::string bank_key_path;     // the key presented to remote banks (upi-bank)
  std::string metrics_listen;
  std::string tls_cert_path;  // with tls_key_path: HTTPS only
  std::string tls_key_path;
  std::string tls_client_ca_path;  // also require client certificates it signed (mutual TLS)
  std::string bank_ca_path;        // trust for https:// bank endpoints (empty: the system's)
  int node_id = 0;
  std::uint64_t fault_seed = 1;
  int leg_timeout_ms = 2'000;
  std::string database_url;  // empty: the embedded memory store (DATABASE_URL is the fallback)
  std::string database_schema = "upi";
  int lease_ms = 3'000;
  std::size_t sagas_max = 10'000;       // payments in flight before SWITCH_BUSY
  int stream_keepalive_ms = 15'000;     // an idle ledger stream's keep-alive comment
  int write_timeout_ms = 30'000;        // a client that takes no bytes for this long is dropped
  int header_timeout_ms = 10'000;       // a request's headers must arrive within this (else 408)
  std::size_t connections_max = 1'024;  // more are answered 503 and closed
  std::size_t connections_per_address_max = 256;  // from one client address
  std::size_t io_threads = 1;  // connection threads beside the core thread (0: none)
  // Settlement cut-offs every this many seconds instead of the scheme's times of day; 0: none
  // at all (admins close cycles); -1: the scheme's.
  std::int64_t settlement_period_s = -1;
  // NEFT batches every this many seconds instead of the scheme's interval; 0: NEFT credited at
  // once, like IMPS; -1: the scheme's.
  std::int64_t neft_batch_interval_s = -1;
  bool print_routes = false;
  bool rebuild_views = false;
  bool help = false;
};

// "node-N": how the node signs the events it writes and names its lease.
std::string node_name(const Options& options);

// Error code: USAGE, with the offending argument.
Result<Options> parse_options(int argc, const char* const* argv);
std::string usage();

}  // namespace upi::api
