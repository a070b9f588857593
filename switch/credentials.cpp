#include "switch/credentials.h"

#include <set>

#include "common/base64.h"
#include "common/ed25519.h"
#include "common/json.h"
#include "common/scheme.h"
#include "common/sha256.h"

namespace upi::api {
namespace {

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorKind::kInvalid, "INVALID_CREDENTIALS", std::move(message));
}

bool is_principal_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return false;
  }
  return true;
}

Result<Role> parse_role(std::string_view text, const std::string& where) {
  if (text == "psp") return Role::kPsp;
  if (text == "auditor") return Role::kAuditor;
  if (text == "admin") return Role::kAdmin;
  return invalid(where + ".role must be psp, auditor or admin");
}

Result<std::string> parse_signing(const json::object& entry, const std::string& where) {
  const auto* signing = entry.if_contains("signing");
  if (signing == nullptr) return std::string();
  if (!signing->is_object()) return invalid(where + ".signing must be an object");
  const auto& obj = signing->as_object();
  if (auto ok = reject_unknown_fields(obj, {"alg", "public_key"}, where + ".signing"); !ok)
    return invalid(ok.error().message);
  auto alg = required_string(obj, "alg", where + ".signing");
  if (!alg) return invalid(alg.error().message);
  if (*alg != "ed25519") return invalid(where + ".signing.alg must be ed25519");
  auto key = required_string(obj, "public_key", where + ".signing");
  if (!key) return invalid(key.error().message);
  auto raw = base64_decode(*key);
  if (!raw || raw->size() != kEd25519KeyBytes)
    return invalid(where + ".signing.public_key must be base64 of a 32-byte Ed25519 key");
  return *raw;
}

Result<std::optional<RateLimit>> parse_rate(const json::object& entry, const std::string& where) {
  const auto* rate = entry.if_contains("rate");
  if (rate == nullptr) return std::optional<RateLimit>();
  if (!rate->is_object()) return invalid(where + ".rate must be an object");
  const auto& obj = rate->as_object();
  const std::string at = where + ".rate";
  if (auto ok = reject_unknown_fields(obj, {"per_second", "burst"}, at); !ok)
    return invalid(ok.error().message);
  auto per_second = optional_int(obj, "per_second", 1, kRatePerSecondMax, at);
  auto burst = optional_int(obj, "burst", 1, 10 * kRatePerSecondMax, at);
  if (!per_second || !burst) return invalid((!per_second ? per_second : burst).error().message);
  if (!*per_second) return invalid(at + ".per_second is required");
  return RateLimit{**per_second, burst->value_or(**per_second)};
}

Result<Credential> parse_principal(const json::value& value, const std::string& where,
                                   const World& world) {
  if (!value.is_object()) return invalid(where + " must be an object");
  const auto& obj = value.as_object();
  if (auto ok = reject_unknown_fields(
          obj, {"id", "role", "psp", "api_key_sha256", "signing", "rate"}, where);
      !ok)
    return invalid(ok.error().message);
  Credential c;
  auto id = required_string(obj, "id", where);
  auto role_text = required_string(obj, "role", where);
  auto psp = optional_string(obj, "psp", where);
  auto key = required_string(obj, "api_key_sha256", where);
  if (!id || !role_text || !psp || !key)
    return invalid((!id          ? id.error()
                    : !role_text ? role_text.error()
                    : !psp       ? psp.error()
                                 : key.error())
                       .message);
  if (!is_principal_id(*id)) return invalid(where + ".id must be 1-64 of [a-z0-9._-]");
  auto role = parse_role(*role_text, where);
  if (!role) return std::unexpected(role.error());
  const std::string named = where + " (" + *id + ")";
  if (*role == Role::kPsp) {
    if (!*psp) return invalid(named + " has role psp but no psp handle");
    bool known = false;
    for (const auto& spec : world.psps) known = known || spec.handle == **psp;
    if (!known) return invalid(named + ".psp \"" + **psp + "\" is not a PSP of the world");
  } else if (*psp) {
    return invalid(named + ".psp is only for role psp");
  }
  auto hash = bytes_from_hex(*key);
  if (!hash || hash->size() != 32)
    return invalid(named + ".api_key_sha256 must be 64 lower-case hex digits");
  auto signing = parse_signing(obj, named);
  if (!signing) return std::unexpected(signing.error());
  auto rate = parse_rate(obj, named);
  if (!rate) return std::unexpected(rate.error());
  c.principal = Principal{*id, *role, psp->value_or("")};
  c.api_key_sha256 = std::move(*hash);
  c.signing_public_key = std::move(*signing);
  c.rate = *rate;
  return c;
}

}  // namespace

Result<Credentials> parse_credentials(std::string_view json_text, const World& world) {
  auto root = parse_json_object(json_text, 8);
  if (!root) return invalid(root.error().message);
  if (auto ok = reject_unknown_fields(*root, {"principals"}, "credentials"); !ok)
    return invalid(ok.error().message);
  auto list = required_array(*root, "principals", "credentials");
  if (!list) return invalid(list.error().message);
  if ((*list)->empty()) return invalid("credentials list no principals");
  if ((*list)->size() > kPrincipalsMax)
    return invalid("credentials list more than " + std::to_string(kPrincipalsMax) + " principals");
  Credentials out;
  std::set<std::string> ids, hashes;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    auto c = parse_principal((**list)[i], "principals[" + std::to_string(i) + "]", world);
    if (!c) return std::unexpected(c.error());
    if (!ids.insert(c->principal.id).second)
      return invalid("principal id \"" + c->principal.id + "\" is listed twice");
    // Two principals with one key could not be told apart.
    if (!hashes.insert(c->api_key_sha256).second)
      return invalid("principal \"" + c->principal.id + "\" has another principal's api key");
    out.principals.push_back(std::move(*c));
  }
  return out;
}

Result<Credentials> load_credentials(const std::string& path, const World& world) {
  auto text = read_file(path, 4 << 20);
  if (!text) return std::unexpected(text.error());
  auto credentials = parse_credentials(*text, world);
  if (!credentials) return fail_in(path, credentials.error());
  return credentials;
}

}  // namespace upi::api
