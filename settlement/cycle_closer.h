// Cuts off and closes settlement cycles (ledger/settlement_events.h): first SettlementCutOff,
// which ends the cycle in the ledger's order; then, once the read views have folded it,
// SettlementCycleClosed with the cycle's totals as the views hold them. Every node may try at
// once (schedule, admins, a node finishing what a dead one began): the settlement stream's
// expected versions let exactly one write each event, and the others find it written.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "ledger/event_store.h"
#include "ledger/projector.h"
#include "ledger/view_store.h"

namespace upi::settlement {

namespace asio = boost::asio;

inline constexpr std::string_view kCauseSchedule = "SCHEDULE";
inline constexpr std::string_view kCauseAdmin = "ADMIN";

struct CloseRequest {
  std::string_view cause = kCauseAdmin;
  std::string requested_by;       // the admin's principal id (empty for the schedule)
  std::int64_t cutoff_at_ms = 0;  // the scheduled cut-off it serves, or when the admin asked
  std::int64_t cycle = 0;         // close this cycle if it is still open; 0: the open one
};

struct CloseOutcome {
  std::int64_t cycle = 0;
  bool cut_off_here = false;  // false: it was cut off already (a retry, another node, or a
                              // scheduled cut-off that a later one already served)
  std::int64_t position = 0;  // of the last event this request appended (0: none), for a
                              // read of the views that includes it
};

class CycleCloser {
 public:
  CycleCloser(ledger::EventStore& store, ledger::ViewStore& views, ledger::Projector& projector,
              std::string node_id);

  // Closes the open cycle (or request.cycle, when still open; when already cut off, answers
  // that cycle again). A scheduled request is served already when a cut-off at or after its
  // time is in the ledger. Error codes: CYCLE_NOT_OPEN (request.cycle is later than the open
  // one), VIEWS_BEHIND, STORE_UNAVAILABLE.
  asio::awaitable<Result<CloseOutcome>> close(CloseRequest request);
  // Closes a cycle whose cut-off is in the ledger and whose close is not (its closer stopped
  // between the two appends). Error codes: VIEWS_BEHIND, STORE_UNAVAILABLE.
  asio::awaitable<Result<void>> finish_cut_off();

 private:
  struct Tail;
  asio::awaitable<Result<Tail>> read_tail();
  // Returns the position of the close it appended (0: another node's close was first).
  asio::awaitable<Result<std::int64_t>> finish(std::int64_t cycle, std::int64_t cutoff_position);

  ledger::EventStore& store_;
  ledger::ViewStore& views_;
  ledger::Projector& projector_;
  std::string node_id_;
};

}  // namespace upi::settlement
