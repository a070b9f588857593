// upi-bank: one mock bank as its own process, serving its accounts from the world file over
// HTTP (bank_api.h), with its books journaled to a file when --journal is given.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <iostream>

#include "banks/bank_journal.h"
#include "banks/bank_server.h"
#include "common/sha256.h"
#include "common/tls.h"

namespace {

struct BankOptions {
  std::string listen = "127.0.0.1:0";
  std::string world_path;
  std::string bank;
  std::string journal_path;
  std::uint64_t fault_seed = 1;
  std::string log_level = "info";
  std::string switch_key_sha256;  // raw bytes
  std::string tls_cert_path;
  std::string tls_key_path;
  bool auth_none = false;
};

const char kUsage[] =
    "usage: upi-bank --bank CODE [options]\n"
    "  --bank CODE          which bank of the world to be (required)\n"
    "  --listen HOST:PORT   where to serve (default 127.0.0.1:0, a free port)\n"
    "  --world FILE         the world file (default: the built-in demo world)\n"
    "  --journal FILE       keep the books in this file, so a restart loses nothing\n"
    "                       (default: in memory only)\n"
    "  --fault-seed N       seed of the fault rules' random choices (default 1)\n"
    "  --log-level LEVEL    trace, debug, info, warn, error (default info)\n"
    "  --switch-key-sha256 HEX  the SHA-256 (64 hex digits) of the key the switch presents\n"
    "                       (its --bank-key-file); every call without it is refused (401)\n"
    "  --auth none          take calls from anyone (for trying it out only)\n"
    "  --tls-cert FILE --tls-key FILE  serve HTTPS only (the world's endpoint is https://)\n"
    "One of --switch-key-sha256 and --auth none is required.\n";

upi::Result<BankOptions> parse(int argc, char** argv) {
  BankOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc)
      return upi::fail(upi::ErrorKind::kInvalid, "USAGE", std::string(flag) + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--listen") {
      o.listen = value;
    } else if (flag == "--world") {
      o.world_path = value;
    } else if (flag == "--bank") {
      o.bank = value;
    } else if (flag == "--journal") {
      o.journal_path = value;
    } else if (flag == "--switch-key-sha256") {
      auto digest = upi::bytes_from_hex(value);
      if (!digest || digest->size() != 32)
        return upi::fail(upi::ErrorKind::kInvalid, "USAGE",
                         "--switch-key-sha256 takes 64 lower-case hex digits");
      o.switch_key_sha256 = std::move(*digest);
    } else if (flag == "--tls-cert") {
      o.tls_cert_path = value;
    } else if (flag == "--tls-key") {
      o.tls_key_path = value;
    } else if (flag == "--auth") {
      if (value != "none") return upi::fail(upi::ErrorKind::kInvalid, "USAGE", "--auth takes none");
      o.auth_none = true;
    } else if (flag == "--log-level") {
      o.log_level = value;
    } else if (flag == "--fault-seed") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), o.fault_seed);
      if (ec != std::errc() || end != value.data() + value.size())
        return upi::fail(upi::ErrorKind::kInvalid, "USAGE", "--fault-seed takes a whole number");
    } else {
      return upi::fail(upi::ErrorKind::kInvalid, "USAGE", "unknown option " + std::string(flag));
    }
  }
  if (o.bank.empty()) return upi::fail(upi::ErrorKind::kInvalid, "USAGE", "--bank is required");
  if (o.switch_key_sha256.empty() == !o.auth_none) {
    return upi::fail(upi::ErrorKind::kInvalid, "USAGE",
                     "pass --switch-key-sha256 HEX (only the switch may call a bank) or "
                     "--auth none, not both");
  }
  return o;
}

int run(const BankOptions& options) {
  auto world = options.world_path.empty() ? upi::parse_world(upi::demo_world_json())
                                          : upi::load_world(options.world_path);
  if (!world) {
    spdlog::error("cannot start: {}", world.error().message);
    return 2;
  }
  const upi::BankSpec* spec = world->find_bank(options.bank);
  if (spec == nullptr) {
    spdlog::error("cannot start: the world has no bank {}", options.bank);
    return 2;
  }
  upi::banks::MockBank bank(*spec, world->accounts, options.fault_seed);
  std::unique_ptr<upi::banks::BankJournal> journal;
  if (!options.journal_path.empty()) {
    std::vector<upi::banks::LegRecord> records;
    auto opened = upi::banks::BankJournal::open(options.journal_path, &records);
    if (!opened) {
      spdlog::error("cannot start: {}", opened.error().message);
      return 2;
    }
    journal = std::move(*opened);
    bank.restore(records);
    bank.set_journal([&journal](const upi::banks::LegRecord& leg) { journal->append(leg); });
    spdlog::info("{}: {} leg records restored from {}", options.bank, records.size(),
                 options.journal_path);
  }
  auto host_port = upi::http::parse_host_port(options.listen);
  if (!host_port) {
    spdlog::error("cannot start: {}", host_port.error().message);
    return 2;
  }
  boost::asio::io_context io;
  if (options.auth_none)
    spdlog::warn("{}: --auth none: anyone who can reach this bank can move its money",
                 options.bank);
  upi::banks::BankServer server(io, bank, options.switch_key_sha256);
  if (!options.tls_cert_path.empty()) {
    auto context = upi::tls::server_context(options.tls_cert_path, options.tls_key_path);
    if (!context) {
      spdlog::error("cannot start: {}", context.error().message);
      return 2;
    }
    server.use_tls(*context);
  }
  auto endpoint = server.listen(host_port->first, host_port->second);
  if (!endpoint) {
    spdlog::error("cannot start: {}", endpoint.error().message);
    return 2;
  }
  server.start();
  std::cout << "upi-bank " << options.bank << " listening on "
            << (options.tls_cert_path.empty() ? "http://" : "https://")
            << endpoint->address().to_string() << ":" << endpoint->port() << std::endl;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    server.stop();
    io.stop();
  });
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("upi-bank"));
  auto options = parse(argc, argv);
  if (argc == 2 && std::string_view(argv[1]) == "--help") {
    std::cout << kUsage;
    return 0;
  }
  if (!options) {
    std::cerr << options.error().message << "\n" << kUsage;
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(options->log_level));
  return run(*options);
}
