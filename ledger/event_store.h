// The event store: append with optimistic concurrency, read a stream, read the global log,
// and a wake-up hint after each commit. Asynchronous so that a networked store fits.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "ledger/event.h"

namespace upi::ledger {

namespace asio = boost::asio;

inline constexpr std::int64_t kNoStream = 0;     // expected version: the stream must not exist
inline constexpr std::int64_t kAnyVersion = -1;  // expected version: no check
inline constexpr std::size_t kAppendEventsMax = 64;
inline constexpr std::size_t kReadLimitMax = 10'000;

// What a store that keeps the log in this process holds, and its bound.
struct MemoryUsage {
  std::size_t bytes = 0;
  std::size_t bytes_max = 0;
};

struct AppendResult {
  std::int64_t first_position = 0;
  std::int64_t last_position = 0;
  std::int64_t stream_version = 0;  // the version of the last event appended
  std::int64_t recorded_at_ms = 0;  // when they were recorded (one time for all of them)
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends 1..kAppendEventsMax events atomically when the stream's current version equals
  // expected_version and every counter charge holds (ledger/counters.h), counters moving with
  // the events. Error codes: VERSION_CONFLICT (message names the actual version),
  // LIMIT_EXCEEDED (a charge would pass its counter's max), INVALID_APPEND, STORE_UNAVAILABLE.
  virtual asio::awaitable<Result<AppendResult>> append(std::string stream,
                                                       std::int64_t expected_version,
                                                       std::vector<NewEvent> events) = 0;

  // Events of one stream with version >= from_version, in version order, at most limit.
  virtual asio::awaitable<Result<std::vector<RecordedEvent>>> read_stream(std::string stream,
                                                                          std::int64_t from_version,
                                                                          std::size_t limit) = 0;

  // Events with position > after_position, in position order, at most limit. A reader never
  // sees position N+1 before N.
  virtual asio::awaitable<Result<std::vector<RecordedEvent>>> read_all(std::int64_t after_position,
                                                                       std::size_t limit) = 0;

  // Calls wake(last_position) after every commit: a hint to re-read from a checkpoint, not a
  // delivery. May be called on any thread.
  virtual void on_commit(std::function<void(std::int64_t)> wake) = 0;

  // Stops the store's background work after what is in flight; later appends are refused
  // (STORE_UNAVAILABLE). join() returns once that work has ended. A store without background
  // work (memory) has nothing to do.
  virtual void close() {}
  // The store's memory, when it keeps the log in this process; nothing otherwise.
  virtual std::optional<MemoryUsage> memory_usage() const { return std::nullopt; }
  virtual asio::awaitable<void> join() { co_return; }
};

// Checks an append's arguments (shared by every store). Error code: INVALID_APPEND.
Result<void> check_append(const std::string& stream, std::int64_t expected_version,
                          const std::vector<NewEvent>& events);

// Every event of a stream, read page by page (a stream can outgrow one read's limit).
// Error codes: those of read_stream, and STREAM_TOO_LONG beyond kStreamEventsMax.
inline constexpr std::size_t kStreamEventsMax = 1'000'000;
asio::awaitable<Result<std::vector<RecordedEvent>>> read_whole_stream(EventStore& store,
                                                                      std::string stream);

// The whole global log, page by page (for verification and tests; it can be large).
asio::awaitable<Result<std::vector<RecordedEvent>>> read_whole_log(EventStore& store);

}  // namespace upi::ledger
