#include "common/tls.h"

namespace upi::tls {
namespace {

namespace ssl = boost::asio::ssl;

std::unexpected<Error> config_error(const std::string& what, const boost::system::error_code& ec) {
  return fail(ErrorKind::kInvalid, "TLS_CONFIG", what + ": " + ec.message());
}

std::shared_ptr<Context> modern_context(ssl::context::method method) {
  auto context = std::make_shared<Context>(method);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  return context;
}

}  // namespace

Result<std::shared_ptr<Context>> server_context(const std::string& cert_file,
                                                const std::string& key_file,
                                                const std::string& client_ca_file) {
  auto context = modern_context(ssl::context::tls_server);
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) return config_error("certificate " + cert_file, ec);
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return config_error("private key " + key_file, ec);
  if (!client_ca_file.empty()) {
    context->load_verify_file(client_ca_file, ec);
    if (ec) return config_error("client CA " + client_ca_file, ec);
    context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
    if (ec) return config_error("client verification", ec);
  }
  return context;
}

Result<std::shared_ptr<Context>> client_context(const std::string& ca_file,
                                                const std::string& cert_file,
                                                const std::string& key_file) {
  auto context = modern_context(ssl::context::tls_client);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(ca_file, ec);
  }
  if (ec) return config_error("CA " + (ca_file.empty() ? "(system)" : ca_file), ec);
  context->set_verify_mode(ssl::verify_peer, ec);
  if (ec) return config_error("verification", ec);
  if (!cert_file.empty()) {
    context->use_certificate_chain_file(cert_file, ec);
    if (ec) return config_error("certificate " + cert_file, ec);
    context->use_private_key_file(key_file, ssl::context::pem, ec);
    if (ec) return config_error("private key " + key_file, ec);
  }
  return context;
}

}  // namespace upi::tls
