// TLS contexts (OpenSSL through Asio) for the servers and the client: HTTPS only, TLS 1.2 or
// newer, certificates verified; mutual TLS when the server is given a client CA.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/error.h"

namespace upi::tls {

using Context = boost::asio::ssl::context;

// A server's context: its certificate chain and private key (PEM files); with client_ca_file,
// every client must present a certificate that CA signed (mutual TLS).
// Error code: TLS_CONFIG, naming the file.
Result<std::shared_ptr<Context>> server_context(const std::string& cert_file,
                                                const std::string& key_file,
                                                const std::string& client_ca_file = "");
// A client's context that trusts the CA in ca_file (empty: the system's trust store); with
// cert_file and key_file it presents that certificate (for a server that asks for one).
// Error code: TLS_CONFIG.
Result<std::shared_ptr<Context>> client_context(const std::string& ca_file,
                                                const std::string& cert_file = "",
                                                const std::string& key_file = "");

}  // namespace upi::tls
