// Credentials files for tests: principals with known API keys (and signing keys), written to
// a fresh temporary directory that goes away with the object.
#pragma once

#include <string>
#include <vector>

namespace upi::testing {

struct TestPrincipal {
  std::string id;
  std::string role;  // psp, auditor, admin
  std::string psp;   // the handle, for role psp
  std::string api_key;
  std::string signing_private_key;  // 32 raw bytes; empty: the principal does not sign
  int per_second = 0;               // 0: the switch's default rate
  int burst = 0;
};

class CredentialsFile {
 public:
  // Writes the principals plus the demo admin ("admin", key kDemoAdminKey), which the test
  // harness calls with by default.
  explicit CredentialsFile(std::vector<TestPrincipal> principals);
  ~CredentialsFile();
  CredentialsFile(const CredentialsFile&) = delete;
  CredentialsFile& operator=(const CredentialsFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

}  // namespace upi::testing
