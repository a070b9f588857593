// Signature-Input, Signature, Content-Digest and Authorization headers as a caller sends them.
#include <fuzzer/FuzzedDataProvider.h>

#include <cassert>

#include "common/base64.h"
#include "common/bearer.h"
#include "common/http_signature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string input = in.ConsumeRandomLengthString(5000);
  const std::string signature = in.ConsumeRandomLengthString(5000);
  const std::string digest = in.ConsumeRandomLengthString(500);
  const std::string rest = in.ConsumeRemainingBytesAsString();
  if (auto received = upi::http::parse_signature(input, signature)) {
    // What parses serialises to a form that parses to the same parameters.
    auto again = upi::http::parse_signature(
        received->label + "=" + upi::http::serialize_signature_params(received->params),
        received->label + "=:" + upi::base64_encode(received->signature) + ":");
    assert(again && again->params.components == received->params.components);
    (void)upi::http::signature_base(
        received->params, [&](std::string_view) { return std::optional<std::string>(rest); });
  } else {
    assert(received.error().code == "SIGNATURE_INVALID");
  }
  if (auto ok = upi::http::check_content_digest(digest, rest); !ok)
    assert(ok.error().code == "DIGEST_MISMATCH");
  if (auto bytes = upi::base64_decode(rest)) assert(upi::base64_encode(*bytes) == rest);
  upi::http::Request request;
  request.set(upi::http::beast_http::field::authorization, digest);
  (void)upi::http::bearer_key(request);
  return 0;
}
