#include "ledger/event_store.h"

#include "ledger/counters.h"

namespace upi::ledger {

Result<void> check_append(const std::string& stream, std::int64_t expected_version,
                          const std::vector<NewEvent>& events) {
  if (stream.empty() || stream.size() > 128) {
    return fail(ErrorKind::kInvalid, "INVALID_APPEND", "stream id must be 1-128 characters");
  }
  if (expected_version < kAnyVersion)
    return fail(ErrorKind::kInvalid, "INVALID_APPEND", "bad expected version");
  if (events.empty() || events.size() > kAppendEventsMax) {
    return fail(ErrorKind::kInvalid, "INVALID_APPEND",
                "an append carries 1-" + std::to_string(kAppendEventsMax) + " events");
  }
  for (const auto& e : events) {
    if (e.type.empty() || e.type.size() > 64) {
      return fail(ErrorKind::kInvalid, "INVALID_APPEND", "event type must be 1-64 characters");
    }
    if (auto charges = check_charges(e.metadata.charges); !charges) return charges;
  }
  return {};
}

asio::awaitable<Result<std::vector<RecordedEvent>>> read_whole_stream(EventStore& store,
                                                                      std::string stream) {
  std::vector<RecordedEvent> all;
  for (;;) {
    const auto from = static_cast<std::int64_t>(all.size()) + 1;
    auto page = co_await store.read_stream(stream, from, kReadLimitMax);
    if (!page) co_return std::unexpected(page.error());
    const bool last = page->size() < kReadLimitMax;
    if (all.empty()) {
      all = std::move(*page);  // the usual case: one page, nothing copied
    } else {
      all.insert(all.end(), std::make_move_iterator(page->begin()),
                 std::make_move_iterator(page->end()));
    }
    if (last) co_return all;
    if (all.size() >= kStreamEventsMax) {
      co_return fail(
          ErrorKind::kInternal, "STREAM_TOO_LONG",
          "stream " + stream + " has more than " + std::to_string(kStreamEventsMax) + " events");
    }
  }
}

asio::awaitable<Result<std::vector<RecordedEvent>>> read_whole_log(EventStore& store) {
  std::vector<RecordedEvent> all;
  for (;;) {
    const auto after = all.empty() ? std::int64_t{0} : all.back().position;
    auto page = co_await store.read_all(after, kReadLimitMax);
    if (!page) co_return std::unexpected(page.error());
    const bool last = page->size() < kReadLimitMax;
    all.insert(all.end(), std::make_move_iterator(page->begin()),
               std::make_move_iterator(page->end()));
    if (last) co_return all;
  }
}

}  // namespace upi::ledger
