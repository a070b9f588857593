// The events of collect requests, each in its stream "collect-<id>" (specs/events.md, "Collect
// events"): a payee asks a payer for money, and the request ends once, approved (which names the
// payment it makes), declined or expired. Every ending appends at version 2 with the expected
// version 1, so when an approval and the expiry race, exactly one of them is recorded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/money.h"
#include "ledger/event.h"
#include "ledger/payment_events.h"

namespace upi::ledger::events {

struct CollectRequested {
  static constexpr std::string_view kType = "CollectRequested";
  std::string collect_id, payee_vpa, payer_vpa;
  Paise amount = 0;
  std::string note;
  std::int64_t expires_at_ms = 0;  // Unix ms; not answered by then, it expires
  std::string request_hash, requested_by;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("collect_id", e.collect_id);
    v("payee_vpa", e.payee_vpa);
    v("payer_vpa", e.payer_vpa);
    v.money("amount", e.amount);
    v("note", e.note);
    v("expires_at_ms", e.expires_at_ms);
    v("request_hash", e.request_hash);
    v("requested_by", e.requested_by);
  }
};

// The payer's PSP approved: the payment payment_id carries the money (created with it).
struct CollectApproved {
  static constexpr std::string_view kType = "CollectApproved";
  std::string payment_id, approved_by;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("payment_id", e.payment_id);
    v("approved_by", e.approved_by);
  }
};

// The payer's PSP declined (UPI code ZA); nothing moves.
struct CollectDeclined {
  static constexpr std::string_view kType = "CollectDeclined";
  std::string declined_by;
  Reason reason;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v("declined_by", e.declined_by);
    v.inline_fields(e.reason);
  }
};

// Not answered before expires_at_ms (UPI code U69); nothing moves, and it can no longer be
// approved.
struct CollectExpired {
  static constexpr std::string_view kType = "CollectExpired";
  Reason reason;
  template <class S, class V>
  static void fields(S& e, V& v) {
    v.inline_fields(e.reason);
  }
};

using CollectEvent =
    std::variant<CollectRequested, CollectApproved, CollectDeclined, CollectExpired>;

inline constexpr std::string_view kCollectStreamPrefix = "collect-";
inline std::string collect_stream(std::string_view collect_id) {
  return std::string(kCollectStreamPrefix) + std::string(collect_id);
}
// The collect id of a "collect-<id>" stream, or "" for any other stream.
std::string collect_id_of_stream(std::string_view stream);

// The ledger counter of a payee's pending collect requests: CollectRequested +1 (with the
// scheme's max), each ending -1.
inline std::string collect_pending_counter(std::string_view payee_vpa) {
  return "collect_pending/" + std::string(payee_vpa);
}

// Reads a collect event back strictly. Error code: INVALID_EVENT.
Result<CollectEvent> decode_collect(const RecordedEvent& event);
json::object encode(const CollectEvent& event);
std::string_view type_of(const CollectEvent& event);
// The event to append, with its charge on the payee's pending counter (pending_max: the
// scheme's bound, for a CollectRequested).
NewEvent to_new_event(const CollectEvent& event, const std::string& collect_id,
                      const std::string& payee_vpa, std::int64_t pending_max,
                      const std::string& node_id);
// The collect event types and the data fields of each, for the catalogue check.
std::vector<std::string_view> collect_types();
std::vector<std::string> collect_field_names(std::string_view type);

}  // namespace upi::ledger::events

namespace upi::ledger {

inline constexpr std::string_view kCollectPending = "PENDING";
inline constexpr std::string_view kCollectApproved = "APPROVED";
inline constexpr std::string_view kCollectDeclined = "DECLINED";
inline constexpr std::string_view kCollectExpired = "EXPIRED";

// A collect request: the fold of its stream (the state the API decides from, and a view row).
struct CollectRequest {
  std::string id;
  std::int64_t version = 0;  // 0: no such request
  std::string status{kCollectPending};
  std::string payee_vpa, payer_vpa, note, request_hash, requested_by;
  Paise amount = 0;
  std::int64_t expires_at_ms = 0;
  std::string payment_id;        // once approved
  std::string answered_by;       // the principal that approved or declined
  std::optional<Reason> reason;  // declined or expired
  std::int64_t created_at_ms = 0, updated_at_ms = 0, position = 0;
  std::int64_t first_position = 0;  // of its CollectRequested: lists go by it (ids are digests)

  bool pending() const { return status == kCollectPending; }
};

// Folds one event of the request's stream into it, in version order.
void fold_collect_event(CollectRequest& request, const RecordedEvent& event);

}  // namespace upi::ledger
