// Throwaway certificates for TLS tests, made with the openssl command line at test time: a CA,
// a server certificate for 127.0.0.1 (IP subjectAltName) and a client certificate it signed,
// and a client certificate from another CA that nobody trusts.
#pragma once

#include <string>

namespace upi::testing {

class TestCertificates {
 public:
  TestCertificates();  // fails the current test if openssl does not make them
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string ca() const { return dir_ + "/ca.pem"; }
  std::string server_cert() const { return dir_ + "/server.pem"; }
  std::string server_key() const { return dir_ + "/server.key"; }
  std::string client_cert() const { return dir_ + "/client.pem"; }
  std::string client_key() const { return dir_ + "/client.key"; }
  std::string rogue_cert() const { return dir_ + "/rogue-client.pem"; }
  std::string rogue_key() const { return dir_ + "/rogue-client.key"; }

 private:
  std::string dir_;
};

}  // namespace upi::testing
