#include "tests/test_certificates.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace upi::testing {

TestCertificates::TestCertificates() {
  char dir_template[] = "/tmp/upi-certs-XXXXXX";
  dir_ = mkdtemp(dir_template);
  // P-256 keys: quick to make. One day is enough for a test.
  const std::string script =
      "set -e; cd " + dir_ +
      "; key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $1; }"
      "; ca() { key $1.key; openssl req -x509 -new -key $1.key -days 1 -subj /CN=$1 -out $1.pem; }"
      "; leaf() { key $1.key; openssl req -new -key $1.key -subj /CN=$1 -out $1.csr;"
      "   printf \"$3\" > $1.ext;"
      "   openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -days 1"
      "     -extfile $1.ext -out $1.pem; }"
      "; ca ca; ca rogue-ca"
      "; leaf server ca 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth'"
      "; leaf client ca 'extendedKeyUsage=clientAuth'"
      "; leaf rogue-client rogue-ca 'extendedKeyUsage=clientAuth'";
  const std::string script_path = dir_ + "/make.sh";
  FILE* out = std::fopen(script_path.c_str(), "w");
  if (out == nullptr) {
    ADD_FAILURE() << "cannot write " << script_path;
    return;
  }
  std::fputs(script.c_str(), out);
  std::fclose(out);
  const int status = std::system(("bash " + script_path + " > " + dir_ + "/make.log 2>&1").c_str());
  EXPECT_EQ(status, 0) << "openssl could not make the test certificates (see " << dir_
                       << "/make.log)";
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace upi::testing
