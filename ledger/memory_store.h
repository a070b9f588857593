// The embedded event store: the whole log in memory, thread-safe.
#pragma once

#include <mutex>
#include <unordered_map>

#include "common/clock.h"
#include "ledger/event_store.h"

namespace upi::ledger {

// About 1 KiB an event: tens of GiB at the bound, which a simulation should never reach.
inline constexpr std::size_t kMemoryStoreEventsMax = 20'000'000;

class MemoryStore final : public EventStore {
 public:
  explicit MemoryStore(const Clock& clock) : clock_(clock) {}

  asio::awaitable<Result<AppendResult>> append(std::string stream, std::int64_t expected_version,
                                               std::vector<NewEvent> events) override;
  asio::awaitable<Result<std::vector<RecordedEvent>>> read_stream(std::string stream,
                                                                  std::int64_t from_version,
                                                                  std::size_t limit) override;
  asio::awaitable<Result<std::vector<RecordedEvent>>> read_all(std::int64_t after_position,
                                                               std::size_t limit) override;
  void on_commit(std::function<void(std::int64_t)> wake) override;

  // Synchronous forms of the above, for tools and tests.
  Result<AppendResult> append_now(const std::string& stream, std::int64_t expected_version,
                                  std::vector<NewEvent> events);
  std::vector<RecordedEvent> read_all_now(std::int64_t after_position, std::size_t limit) const;
  std::vector<RecordedEvent> read_stream_now(const std::string& stream, std::int64_t from_version,
                                             std::size_t limit) const;
  std::int64_t head_position() const;
  // For tamper-evidence tests only: rewrites an event's data in place.
  void tamper_for_test(std::int64_t position, json::object data);

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<RecordedEvent> log_;                                     // index = position - 1
  std::unordered_map<std::string, std::vector<std::size_t>> streams_;  // stream -> log indexes
  std::vector<std::function<void(std::int64_t)>> wakers_;
};

}  // namespace upi::ledger
