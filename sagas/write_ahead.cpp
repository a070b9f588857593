#include "sagas/write_ahead.h"

#include <spdlog/spdlog.h>

#include <cassert>

#include "ledger/payment_events.h"

namespace upi::sagas {

void WriteAheadBuffer::open(const std::string& payment_id, std::int64_t saved_version) {
  pending_[payment_id] = Pending{{}, saved_version, nullptr};
}

void WriteAheadBuffer::open_new(const std::string& payment_id, std::shared_ptr<FirstAppend> first) {
  pending_[payment_id] = Pending{{}, ledger::kNoStream, std::move(first)};
}

void WriteAheadBuffer::stage(const std::string& payment_id, ledger::NewEvent event) {
  auto it = pending_.find(payment_id);
  assert(it != pending_.end() && "a payment is opened before its events are staged");
  it->second.events.push_back(std::move(event));
}

bool WriteAheadBuffer::has_staged(const std::string& payment_id) const {
  auto it = pending_.find(payment_id);
  return it != pending_.end() && !it->second.events.empty();
}

asio::awaitable<FlushOutcome> WriteAheadBuffer::flush(ledger::EventStore& store,
                                                      const std::string& payment_id,
                                                      std::int64_t expect_version,
                                                      ledger::AppendResult* appended_out) {
  if (!has_staged(payment_id)) co_return FlushOutcome::kWritten;
  std::vector<ledger::NewEvent> events = std::move(pending_[payment_id].events);
  pending_[payment_id].events.clear();
  const std::int64_t saved_version = pending_[payment_id].saved_version;
  auto appended =
      co_await store.append(ledger::events::saga_stream(payment_id), saved_version, events);
  Pending& after = pending_[payment_id];  // the map may have changed while we waited
  FlushOutcome outcome = FlushOutcome::kWritten;
  if (appended) {
    assert(expect_version == appended->stream_version);
    after.saved_version = appended->stream_version;
    if (appended_out != nullptr) *appended_out = *appended;
  } else if (appended.error().code == "LIMIT_EXCEEDED") {
    // Kept for the saga to write again without what was refused; the first append is still to
    // come, so whoever waits for it goes on waiting.
    after.events.insert(after.events.begin(), std::make_move_iterator(events.begin()),
                        std::make_move_iterator(events.end()));
    co_return FlushOutcome::kLimitExceeded;
  } else if (appended.error().kind == ErrorKind::kConflict) {
    spdlog::warn("payment {}: another driver moved the saga on; stopping here", payment_id);
    outcome = FlushOutcome::kConflict;
  } else {
    spdlog::error("payment {}: append failed: {}", payment_id, appended.error().message);
    outcome = saved_version == ledger::kNoStream ? FlushOutcome::kNotStored : FlushOutcome::kFailed;
  }
  if (after.first) {
    after.first->result =
        appended ? Result<void>{} : Result<void>(std::unexpected(appended.error()));
    after.first->done.set();
    after.first.reset();
  }
  co_return outcome;
}

void WriteAheadBuffer::drop_last(const std::string& payment_id, std::size_t count) {
  auto it = pending_.find(payment_id);
  assert(it != pending_.end() && it->second.events.size() >= count);
  it->second.events.resize(it->second.events.size() - count);
}

void WriteAheadBuffer::close(const std::string& payment_id) {
  auto it = pending_.find(payment_id);
  if (it == pending_.end()) return;
  if (it->second.first && !it->second.first->done.is_set()) {
    it->second.first->result =
        fail(ErrorKind::kUnavailable, "STORE_UNAVAILABLE", "the saga stopped early");
    it->second.first->done.set();
  }
  pending_.erase(it);
}

}  // namespace upi::sagas
