// The embedded event store: the whole log in memory, compact and thread-safe. Events are kept
// encoded (ledger/event_codec.h) in a byte arena, indexed by fixed-size segments, so an append
// never moves what is stored and no operation costs time in proportion to the log's size.
#pragma once

#include <mutex>

#include "common/byte_arena.h"
#include "common/clock.h"
#include "common/segmented_vector.h"
#include "common/split_hash_map.h"
#include "ledger/counters.h"
#include "ledger/event_codec.h"
#include "ledger/event_store.h"

namespace upi::ledger {

// Bounds of the embedded store; appends beyond them fail with STORE_FULL.
struct MemoryStoreLimits {
  std::size_t events_max = 20'000'000;
  std::size_t bytes_max = std::size_t{4} << 30;  // encoded events and their indexes
};

class MemoryStore final : public EventStore {
 public:
  explicit MemoryStore(const Clock& clock, MemoryStoreLimits limits = {});

  asio::awaitable<Result<AppendResult>> append(std::string stream, std::int64_t expected_version,
                                               std::vector<NewEvent> events) override;
  asio::awaitable<Result<std::vector<RecordedEvent>>> read_stream(std::string stream,
                                                                  std::int64_t from_version,
                                                                  std::size_t limit) override;
  asio::awaitable<Result<std::vector<RecordedEvent>>> read_all(std::int64_t after_position,
                                                               std::size_t limit) override;
  void on_commit(std::function<void(std::int64_t)> wake) override;
  std::optional<MemoryUsage> memory_usage() const override;

  // Synchronous forms of the above, for tools and tests.
  Result<AppendResult> append_now(const std::string& stream, std::int64_t expected_version,
                                  std::vector<NewEvent> events);
  std::vector<RecordedEvent> read_all_now(std::int64_t after_position, std::size_t limit) const;
  std::vector<RecordedEvent> read_stream_now(const std::string& stream, std::int64_t from_version,
                                             std::size_t limit) const;
  std::int64_t head_position() const;
  // A counter's value (ledger/counters.h).
  std::int64_t counter_now(std::string_view counter) const;
  // For tamper-evidence tests only: rewrites an event's data in place.
  void tamper_for_test(std::int64_t position, json::object data);

 private:
  struct Stream {
    std::string_view name;                 // in arena_
    std::vector<std::uint32_t> positions;  // of its events, in version order
  };
  static constexpr std::size_t kEventsPerSegment = 4096;
  static constexpr std::size_t kStreamsPerSegment = 1024;

  Result<void> check_room(std::size_t events) const;
  std::size_t memory_bytes() const;                 // the encodings, the index and the streams
  RecordedEvent event_at(std::size_t index) const;  // index = position - 1
  std::uint32_t stream_for_append(const std::string& stream);

  const Clock& clock_;
  const MemoryStoreLimits limits_;
  mutable std::mutex mutex_;
  EventCodec codec_;
  ByteArena arena_;
  SegmentedVector<std::string_view, kEventsPerSegment> events_;  // position - 1 -> encoding
  SegmentedVector<Stream, kStreamsPerSegment> streams_;          // stream id -> stream
  SplitHashMap<std::string_view, std::uint32_t> stream_ids_;     // name -> stream id
  std::size_t position_bytes_ = 0;                               // held by Stream::positions
  std::string head_hash_ = kGenesisHash;
  Counters counters_;
  std::string scratch_;  // one event's encoding, reused
  std::vector<std::function<void(std::int64_t)>> wakers_;
};

}  // namespace upi::ledger
