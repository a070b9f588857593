#include "tests/credentials_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "common/base64.h"
#include "common/ed25519.h"
#include "common/json.h"
#include "common/sha256.h"
#include "tests/switch_process.h"

namespace upi::testing {

CredentialsFile::CredentialsFile(std::vector<TestPrincipal> principals) {
  char dir_template[] = "/tmp/upi-credentials-XXXXXX";
  dir_ = mkdtemp(dir_template);
  path_ = dir_ + "/credentials.json";
  principals.push_back(TestPrincipal{"admin", "admin", "", kDemoAdminKey});
  json::array list;
  for (const auto& p : principals) {
    json::object entry{{"id", p.id}, {"role", p.role}, {"api_key_sha256", sha256_hex(p.api_key)}};
    if (!p.psp.empty()) entry["psp"] = p.psp;
    if (!p.signing_private_key.empty()) {
      entry["signing"] = json::object{
          {"alg", "ed25519"},
          {"public_key", base64_encode(ed25519_public_key(p.signing_private_key).value())}};
    }
    if (p.per_second > 0)
      entry["rate"] = json::object{{"per_second", p.per_second}, {"burst", p.burst}};
    list.push_back(std::move(entry));
  }
  std::ofstream(path_) << to_json(json::object{{"principals", std::move(list)}});
}

CredentialsFile::~CredentialsFile() {
  std::remove(path_.c_str());
  ::rmdir(dir_.c_str());
}

}  // namespace upi::testing
