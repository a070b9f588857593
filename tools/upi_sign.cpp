// upi-sign: signs one request as a principal with a signing key (RFC 9421, Ed25519) and prints
// the headers to send, as curl arguments. A tool for people trying the switch by hand; PSP
// software signs in its own code (tools/sim/upi_sim.cpp shows how).
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "common/base64.h"
#include "common/http_signature.h"

namespace {

constexpr char kUsage[] =
    "usage: upi-sign --key PEM_FILE --keyid PRINCIPAL_ID [--method POST] [--path /v1/payments]\n"
    "                [--idempotency-key KEY] --body JSON\n"
    "Prints -H arguments for curl: Content-Digest, Signature-Input and Signature (created now,\n"
    "a fresh nonce). PEM_FILE is an Ed25519 private key (scripts/new-principal.sh makes one).\n";

// The raw 32-byte private key of a PEM file, or "" when it is not an Ed25519 private key.
std::string read_private_key(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return "";
  EVP_PKEY* key = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  std::string raw(32, '\0');
  std::size_t length = raw.size();
  const bool ok =
      key != nullptr && EVP_PKEY_id(key) == EVP_PKEY_ED25519 &&
      EVP_PKEY_get_raw_private_key(key, reinterpret_cast<unsigned char*>(raw.data()), &length) == 1;
  EVP_PKEY_free(key);
  return ok ? raw : "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string key_path, keyid, body;
  upi::http::RequestToSign request{"POST", "/v1/payments", "", ""};
  bool has_body = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--key")
      key_path = value;
    else if (flag == "--keyid")
      keyid = value;
    else if (flag == "--method")
      request.method = value;
    else if (flag == "--path")
      request.path = value;
    else if (flag == "--idempotency-key")
      request.idempotency_key = value;
    else if (flag == "--body")
      request.body = value, has_body = true;
    else
      return std::fputs(kUsage, stderr), 2;
  }
  if (argc % 2 == 0 || key_path.empty() || keyid.empty() || !has_body)
    return std::fputs(kUsage, stderr), 2;
  const std::string private_key = read_private_key(key_path);
  if (private_key.empty()) {
    std::fprintf(stderr, "upi-sign: %s is not an Ed25519 private key in PEM\n", key_path.c_str());
    return 2;
  }
  std::random_device random;
  const std::string nonce = upi::base64_encode(std::to_string(random()) + std::to_string(random()));
  const auto created = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  auto headers = upi::http::sign_request(request, private_key, keyid, created, nonce);
  if (!headers) return std::fputs("upi-sign: signing failed\n", stderr), 1;
  std::printf("-H 'Content-Digest: %s' -H 'Signature-Input: %s' -H 'Signature: %s'\n",
              headers->content_digest.c_str(), headers->signature_input.c_str(),
              headers->signature.c_str());
  return 0;
}
