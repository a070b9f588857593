#include "common/ed25519.h"

#include <openssl/evp.h>

#include <cassert>
#include <memory>

namespace upi {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Pkey private_key_of(std::string_view raw) {
  if (raw.size() != kEd25519KeyBytes) return nullptr;
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(raw), raw.size()));
}

std::string raw_public_key(EVP_PKEY* key) {
  std::string out(kEd25519KeyBytes, '\0');
  std::size_t length = out.size();
  const int ok =
      EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(out.data()), &length);
  assert(ok == 1 && length == kEd25519KeyBytes);
  (void)ok;
  return out;
}

}  // namespace

Ed25519KeyPair ed25519_generate() {
  EVP_PKEY* generated = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
  const bool ok =
      ctx && EVP_PKEY_keygen_init(ctx.get()) == 1 && EVP_PKEY_keygen(ctx.get(), &generated) == 1;
  assert(ok && "OpenSSL generates Ed25519 keys");
  (void)ok;
  Pkey key(generated);
  Ed25519KeyPair pair;
  pair.private_key.assign(kEd25519KeyBytes, '\0');
  std::size_t length = pair.private_key.size();
  EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(pair.private_key.data()),
                               &length);
  pair.public_key = raw_public_key(key.get());
  return pair;
}

std::optional<std::string> ed25519_public_key(std::string_view private_key) {
  Pkey key = private_key_of(private_key);
  if (!key) return std::nullopt;
  return raw_public_key(key.get());
}

std::optional<std::string> ed25519_sign(std::string_view private_key, std::string_view message) {
  Pkey key = private_key_of(private_key);
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return std::nullopt;
  std::string signature(kEd25519SignatureBytes, '\0');
  std::size_t length = signature.size();
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     bytes(message), message.size()) != 1) {
    return std::nullopt;
  }
  assert(length == kEd25519SignatureBytes);
  return signature;
}

bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature) {
  if (public_key.size() != kEd25519KeyBytes || signature.size() != kEd25519SignatureBytes)
    return false;
  Pkey key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(public_key), public_key.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return false;
  return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(message),
                          message.size()) == 1;
}

}  // namespace upi
