// POST /v1/payments: the body, the Idempotency-Key and the Prefer header, as a client sends them;
// the same bytes as a refund's body and a collect request's.
#include <fuzzer/FuzzedDataProvider.h>

#include <cassert>

#include "common/money.h"
#include "switch/payment_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const upi::Scheme scheme = upi::parse_scheme(upi::builtin_scheme_json()).value();
  FuzzedDataProvider in(data, size);
  const std::string key = in.ConsumeRandomLengthString(300);
  const std::string prefer = in.ConsumeRandomLengthString(64);
  const std::string body = in.ConsumeRemainingBytesAsString();
  (void)upi::api::check_idempotency_key(key, in.ConsumeBool());
  if (auto wait = upi::api::prefer_wait_seconds(prefer)) assert(*wait >= 0 && *wait <= 60);
  auto request = upi::api::parse_payment_request(body, scheme);
  if (request) {
    // What is accepted is a payment the switch can carry: a positive amount within the rails.
    assert(request->amount > 0);
    assert(request->payer_vpa != request->payee_vpa);
    assert(upi::parse_money(upi::format_money(request->amount)) == request->amount);
  } else {
    assert(!request.error().code.empty() && !request.error().message.empty());
  }
  if (auto refund = upi::api::parse_refund_body(body, scheme)) {
    assert(refund->amount > 0 && refund->amount <= scheme.amount_max());
  }
  if (auto collect = upi::api::parse_collect_body(body, scheme)) {
    assert(collect->amount > 0 && collect->amount <= scheme.collect.amount_max);
    assert(collect->payer_vpa != collect->payee_vpa);
    assert(collect->expires_in_s >= 1 && collect->expires_in_s <= scheme.collect.expiry_max_s);
  }
  return 0;
}
