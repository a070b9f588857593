// The saga's write-ahead buffer: per payment, the events already folded into its state but not
// yet in the ledger, and the stream version the ledger has. flush() appends them all in one
// append that expects that version, so a second driver of the same payment loses the race.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/async.h"
#include "common/error.h"
#include "ledger/event_store.h"

namespace upi::sagas {

namespace asio = boost::asio;

// How a flush ended.
enum class FlushOutcome {
  kWritten,        // every staged event is in the ledger (or nothing was staged)
  kConflict,       // another driver moved the stream on: stop driving this payment
  kNotStored,      // the store refused; the payment's first append never happened: it ends here
  kFailed,         // the store refused; the events are lost from the buffer, the ledger is intact
  kLimitExceeded,  // a charge passed its counter's max: nothing written, the events kept
};

// The result of a new payment's first append, for the request that started it.
struct FirstAppend {
  explicit FirstAppend(asio::any_io_executor executor) : done(std::move(executor)) {}
  Result<void> result;
  OneShotEvent done;
};

class WriteAheadBuffer {
 public:
  // A payment whose stream has saved_version events in the ledger.
  void open(const std::string& payment_id, std::int64_t saved_version);
  // A new payment: nothing in the ledger yet; first is told how its first flush ended.
  void open_new(const std::string& payment_id, std::shared_ptr<FirstAppend> first);
  // Keeps an event (already folded into the state) for the next flush.
  void stage(const std::string& payment_id, ledger::NewEvent event);
  bool has_staged(const std::string& payment_id) const;
  // Appends everything staged for the payment in one append; expect_version is the state's
  // version after folding them (asserted against the store's answer). When it was written and
  // appended_out is given, the store's answer goes there.
  asio::awaitable<FlushOutcome> flush(ledger::EventStore& store, const std::string& payment_id,
                                      std::int64_t expect_version,
                                      ledger::AppendResult* appended_out = nullptr);
  // Drops the last count staged events (those a refused charge came with).
  void drop_last(const std::string& payment_id, std::size_t count);
  // Forgets the payment; a first append still waiting is told why it will not happen.
  void close(const std::string& payment_id);

 private:
  struct Pending {
    std::vector<ledger::NewEvent> events;
    std::int64_t saved_version = 0;
    std::shared_ptr<FirstAppend> first;
  };
  std::map<std::string, Pending> pending_;
};

}  // namespace upi::sagas
