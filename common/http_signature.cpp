#include "common/http_signature.h"

#include <charconv>

#include "common/base64.h"
#include "common/ed25519.h"
#include "common/sha256.h"

namespace upi::http {
namespace {

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorKind::kUnauthenticated, "SIGNATURE_INVALID", std::move(message));
}

// A cursor over one structured field (RFC 8941), reading only what signatures use.
class FieldReader {
 public:
  explicit FieldReader(std::string_view text) : text_(text) {
    while (!text_.empty() && text_.front() == ' ') text_.remove_prefix(1);
    while (!text_.empty() && text_.back() == ' ') text_.remove_suffix(1);
  }
  bool done() const { return text_.empty(); }
  bool take(char c) {
    if (text_.empty() || text_.front() != c) return false;
    text_.remove_prefix(1);
    return true;
  }
  void skip_spaces() {
    while (take(' ')) {
    }
  }
  std::optional<std::string> key() {
    std::size_t n = 0;
    auto is_first = [](char c) { return (c >= 'a' && c <= 'z') || c == '*'; };
    auto is_rest = [&](char c) {
      return is_first(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    };
    if (text_.empty() || !is_first(text_[0])) return std::nullopt;
    while (n < text_.size() && is_rest(text_[n])) ++n;
    std::string out(text_.substr(0, n));
    text_.remove_prefix(n);
    return out;
  }
  std::optional<std::string> string() {
    if (!take('"')) return std::nullopt;
    std::string out;
    while (!text_.empty()) {
      char c = text_.front();
      text_.remove_prefix(1);
      if (c == '"') return out;
      if (c == '\\') {
        if (text_.empty() || (text_.front() != '"' && text_.front() != '\\')) return std::nullopt;
        c = text_.front();
        text_.remove_prefix(1);
      } else if (c < 0x20 || c > 0x7e) {
        return std::nullopt;
      }
      out += c;
    }
    return std::nullopt;
  }
  std::optional<std::int64_t> integer() {
    std::size_t n = (!text_.empty() && text_[0] == '-') ? 1 : 0;
    const std::size_t digits_from = n;
    while (n < text_.size() && text_[n] >= '0' && text_[n] <= '9') ++n;
    if (n == digits_from || n - digits_from > 15) return std::nullopt;
    std::int64_t value = 0;
    std::from_chars(text_.data(), text_.data() + n, value);
    text_.remove_prefix(n);
    return value;
  }
  std::optional<std::string> bytes() {
    if (!take(':')) return std::nullopt;
    const auto end = text_.find(':');
    if (end == std::string_view::npos) return std::nullopt;
    auto decoded = base64_decode(text_.substr(0, end));
    text_.remove_prefix(end + 1);
    return decoded;
  }
  // The separator between dictionary members: OWS "," OWS.
  bool member_separator() {
    std::string_view before = text_;
    skip_spaces();
    if (take(',')) {
      skip_spaces();
      return true;
    }
    text_ = before;
    return false;
  }
  char peek() const { return text_.empty() ? '\0' : text_.front(); }

 private:
  std::string_view text_;
};

// One parameter of a signature: integers for created and expires, strings for the rest.
Result<void> read_param(FieldReader& in, SignatureParams& params) {
  auto name = in.key();
  if (!name) return invalid("Signature-Input: a parameter name is malformed");
  if (!in.take('=')) return invalid("Signature-Input: parameter " + *name + " has no value");
  for (const auto& seen : params.order)
    if (seen == *name) return invalid("Signature-Input: parameter " + *name + " appears twice");
  params.order.push_back(*name);
  if (*name == "created" || *name == "expires") {
    auto value = in.integer();
    if (!value) return invalid("Signature-Input: " + *name + " must be an integer");
    (*name == "created" ? params.created : params.expires) = *value;
    return {};
  }
  std::string* target = *name == "keyid"   ? &params.keyid
                        : *name == "nonce" ? &params.nonce
                        : *name == "alg"   ? &params.alg
                        : *name == "tag"   ? &params.tag
                                           : nullptr;
  if (target == nullptr) return invalid("Signature-Input: unknown parameter " + *name);
  auto value = in.string();
  if (!value) return invalid("Signature-Input: " + *name + " must be a string");
  *target = std::move(*value);
  return {};
}

// label=("c1" "c2");p=v... and nothing after it.
Result<std::pair<std::string, SignatureParams>> read_signature_input(std::string_view header) {
  FieldReader in(header);
  auto label = in.key();
  if (!label || !in.take('=') || !in.take('('))
    return invalid("Signature-Input must be label=(\"component\" ...);params");
  SignatureParams params;
  in.skip_spaces();
  while (!in.take(')')) {
    auto component = in.string();
    if (!component) return invalid("Signature-Input: covered components must be strings");
    if (in.peek() == ';') return invalid("Signature-Input: component parameters are not supported");
    if (params.components.size() == kSignatureComponentsMax)
      return invalid("Signature-Input: too many covered components");
    for (const auto& seen : params.components)
      if (seen == *component) return invalid("Signature-Input: " + seen + " is covered twice");
    params.components.push_back(std::move(*component));
    if (in.peek() != ')' && !in.take(' '))
      return invalid("Signature-Input: components are separated by spaces");
    in.skip_spaces();
  }
  while (in.take(';')) {
    in.skip_spaces();
    if (auto ok = read_param(in, params); !ok) return std::unexpected(ok.error());
  }
  if (in.member_separator()) return invalid("Signature-Input: exactly one signature is expected");
  if (!in.done()) return invalid("Signature-Input: unexpected text after the parameters");
  return std::pair{std::move(*label), std::move(params)};
}

Result<std::pair<std::string, std::string>> read_signature(std::string_view header) {
  FieldReader in(header);
  auto label = in.key();
  if (!label || !in.take('=')) return invalid("Signature must be label=:base64:");
  auto bytes = in.bytes();
  if (!bytes) return invalid("Signature must be label=:base64: with canonical base64");
  if (in.member_separator()) return invalid("Signature: exactly one signature is expected");
  if (!in.done()) return invalid("Signature: unexpected text after the signature");
  return std::pair{std::move(*label), std::move(*bytes)};
}

std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string content_digest(std::string_view body) {
  return "sha-256=:" + base64_encode(sha256_bytes(body)) + ":";
}

Result<void> check_content_digest(std::string_view header, std::string_view body) {
  auto mismatch = [](std::string message) {
    return fail(ErrorKind::kUnauthenticated, "DIGEST_MISMATCH", std::move(message));
  };
  if (header.size() > kSignatureHeaderBytesMax) return mismatch("Content-Digest is too long");
  FieldReader in(header);
  std::optional<std::string> sha256;
  do {
    auto name = in.key();
    if (!name || !in.take('=')) return mismatch("Content-Digest must be sha-256=:base64:");
    auto digest = in.bytes();
    if (!digest) return mismatch("Content-Digest: " + *name + " is not :base64:");
    if (*name == "sha-256") sha256 = std::move(*digest);
  } while (in.member_separator());
  if (!in.done()) return mismatch("Content-Digest: unexpected text");
  if (!sha256) return mismatch("Content-Digest must carry sha-256");
  if (*sha256 != sha256_bytes(body)) return mismatch("the body does not match Content-Digest");
  return {};
}

Result<ReceivedSignature> parse_signature(std::string_view signature_input,
                                          std::string_view signature) {
  if (signature_input.size() > kSignatureHeaderBytesMax ||
      signature.size() > kSignatureHeaderBytesMax)
    return invalid("signature headers are too long");
  auto input = read_signature_input(signature_input);
  if (!input) return std::unexpected(input.error());
  auto sig = read_signature(signature);
  if (!sig) return std::unexpected(sig.error());
  if (input->first != sig->first)
    return invalid("Signature-Input and Signature name different labels");
  return ReceivedSignature{std::move(input->first), std::move(input->second),
                           std::move(sig->second)};
}

std::string serialize_signature_params(const SignatureParams& params) {
  std::string out = "(";
  for (std::size_t i = 0; i < params.components.size(); ++i) {
    if (i > 0) out += ' ';
    out += quoted(params.components[i]);
  }
  out += ')';
  std::vector<std::string> order = params.order;
  if (order.empty()) {
    if (params.created) order.push_back("created");
    if (params.expires) order.push_back("expires");
    for (const char* name : {"keyid", "nonce", "alg", "tag"}) {
      const std::string& value = std::string_view(name) == "keyid"   ? params.keyid
                                 : std::string_view(name) == "nonce" ? params.nonce
                                 : std::string_view(name) == "alg"   ? params.alg
                                                                     : params.tag;
      if (!value.empty()) order.push_back(name);
    }
  }
  for (const auto& name : order) {
    out += ';' + name + '=';
    if (name == "created") out += std::to_string(params.created.value_or(0));
    if (name == "expires") out += std::to_string(params.expires.value_or(0));
    if (name == "keyid") out += quoted(params.keyid);
    if (name == "nonce") out += quoted(params.nonce);
    if (name == "alg") out += quoted(params.alg);
    if (name == "tag") out += quoted(params.tag);
  }
  return out;
}

Result<std::string> signature_base(const SignatureParams& params, const ComponentValue& value) {
  std::string base;
  for (const auto& name : params.components) {
    if (name == "@signature-params") return invalid("@signature-params cannot be covered");
    const bool derived = !name.empty() && name[0] == '@';
    if (derived && name != "@method" && name != "@path" && name != "@query" && name != "@authority")
      return invalid("covered component " + name + " is not supported");
    if (!derived && name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
      return invalid("covered component " + name + " must be lower-case");
    auto component = value(name);
    if (!component) return invalid("covered component " + name + " is not in the request");
    base += quoted(name) + ": " + *component + "\n";
  }
  base += "\"@signature-params\": " + serialize_signature_params(params);
  return base;
}

std::optional<SignatureHeaders> sign_request(const RequestToSign& request,
                                             std::string_view private_key, const std::string& keyid,
                                             std::int64_t created_s, const std::string& nonce) {
  SignatureHeaders out;
  out.content_digest = content_digest(request.body);
  SignatureParams params;
  params.components = {"@method", "@path", "content-digest"};
  if (!request.idempotency_key.empty()) params.components.push_back("idempotency-key");
  params.created = created_s;
  params.keyid = keyid;
  params.nonce = nonce;
  params.alg = "ed25519";
  auto base = signature_base(params, [&](std::string_view name) -> std::optional<std::string> {
    if (name == "@method") return request.method;
    if (name == "@path") return request.path;
    if (name == "content-digest") return out.content_digest;
    return request.idempotency_key;
  });
  if (!base) return std::nullopt;
  auto signature = ed25519_sign(private_key, *base);
  if (!signature) return std::nullopt;
  out.signature_input = "sig1=" + serialize_signature_params(params);
  out.signature = "sig1=:" + base64_encode(*signature) + ":";
  return out;
}

}  // namespace upi::http
