#include "ledger/event_store.h"

namespace upi::ledger {

asio::awaitable<Result<std::vector<RecordedEvent>>> read_whole_stream(EventStore& store,
                                                                      std::string stream) {
  std::vector<RecordedEvent> all;
  for (;;) {
    const auto from = static_cast<std::int64_t>(all.size()) + 1;
    auto page = co_await store.read_stream(stream, from, kReadLimitMax);
    if (!page) co_return std::unexpected(page.error());
    all.insert(all.end(), page->begin(), page->end());
    if (page->size() < kReadLimitMax) co_return all;
    if (all.size() >= kStreamEventsMax) {
      co_return fail("STREAM_TOO_LONG", "stream " + stream + " has more than " +
                                            std::to_string(kStreamEventsMax) + " events");
    }
  }
}

}  // namespace upi::ledger
