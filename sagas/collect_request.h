// Collect requests beyond their events (ledger/collect_events.h, which folds them, and
// ledger/views.h, which shows them): their ids, request digests and endings. The API and the
// expirer append an ending with the expected version, so only one ending is ever recorded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/async.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/money.h"
#include "common/scheme.h"
#include "common/timer.h"
#include "ledger/collect_events.h"
#include "ledger/event_store.h"
#include "ledger/view_store.h"
#include "sagas/payment_saga.h"

namespace upi::sagas {

using ledger::CollectRequest;
using ledger::kCollectApproved;
using ledger::kCollectDeclined;
using ledger::kCollectExpired;
using ledger::kCollectPending;

// A digest of a collect request's meaning, to tell a replay from another body under one key.
std::string collect_request_hash(const std::string& payee_vpa, const std::string& payer_vpa,
                                 Paise amount, const std::string& note, std::int64_t expires_in_s);

CollectRequest fold_collect(const std::vector<ledger::RecordedEvent>& stream);

// The ending a pending request gets when it is past its expiry.
ledger::events::CollectExpired collect_expired();
// The ending the payer's PSP gives it by declining.
ledger::events::CollectDeclined collect_declined(const std::string& principal_id);

// Collect requests over the ledger: asking, approving (which makes exactly one payment),
// declining, and the pass that expires what was not answered in time and makes any approved
// request's payment that a crash left unmade. Single-threaded: the event loop's thread.
class CollectService {
 public:
  CollectService(PaymentSagaEngine& engine, ledger::EventStore& store, ledger::ViewStore& views,
                 const Scheme& scheme, const Clock& clock, PaymentIdGenerator& payment_ids,
                 std::string node_id);

  // The request as its stream has it (version 0: none). Error codes: of reading a stream.
  asio::awaitable<Result<CollectRequest>> read(const std::string& id);
  // Records a new request (expecting no stream: a retry of its key finds it instead).
  // Error codes: COLLECT_PENDING_LIMIT (the payee has the scheme's most pending), VERSION_CONFLICT
  // (the request exists), STORE_UNAVAILABLE.
  asio::awaitable<Result<CollectRequest>> request(ledger::events::CollectRequested requested);
  // Approves a PENDING request before its expiry and makes its payment (once, however often
  // this is called); an approved one only makes sure its payment exists. Error codes:
  // COLLECT_EXPIRED (recording the expiry if it was not yet), COLLECT_NOT_PENDING (declined),
  // SWITCH_BUSY (approved; the payment follows from the next pass), STORE_UNAVAILABLE.
  asio::awaitable<Result<CollectRequest>> approve(const std::string& id,
                                                  const std::string& principal_id);
  // Declines a PENDING request. Error codes: COLLECT_EXPIRED, COLLECT_NOT_PENDING,
  // STORE_UNAVAILABLE.
  asio::awaitable<Result<CollectRequest>> decline(const std::string& id,
                                                  const std::string& principal_id);
  // One pass: expires the pending requests past their expiry and makes the payments of
  // approved ones that have none, at most kCollectPassMax of each. Returns how many it changed.
  asio::awaitable<std::size_t> pass();
  // Repeats pass() every kPassIntervalMs in group until the group stops.
  void start(TaskGroup& group);
  static constexpr int kPassIntervalMs = 200;

 private:
  // Appends one ending at version 2 (expecting 1); then the request as it is.
  asio::awaitable<Result<CollectRequest>> end(const CollectRequest& pending,
                                              const ledger::events::CollectEvent& ending);
  // Begins the approved request's payment unless it exists.
  asio::awaitable<Result<void>> ensure_payment(const CollectRequest& approved);

  PaymentSagaEngine& engine_;
  ledger::EventStore& store_;
  ledger::ViewStore& views_;
  const Scheme& scheme_;
  const Clock& clock_;
  PaymentIdGenerator& payment_ids_;
  std::string node_id_;
  PeriodicTask periodic_;
};

}  // namespace upi::sagas
