// Ed25519 (RFC 8032) through OpenSSL, on raw keys: 32-byte public and private keys, 64-byte
// signatures, all as byte strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upi {

inline constexpr std::size_t kEd25519KeyBytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;

struct Ed25519KeyPair {
  std::string private_key;
  std::string public_key;
};

// A fresh key pair from OpenSSL's random source.
Ed25519KeyPair ed25519_generate();
// The public key of a private key; nothing when it is not 32 bytes.
std::optional<std::string> ed25519_public_key(std::string_view private_key);
// The signature of message; nothing when the private key is not 32 bytes.
std::optional<std::string> ed25519_sign(std::string_view private_key, std::string_view message);
// True when signature is public_key's signature of message (false for malformed keys too).
bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature);

}  // namespace upi
