#include "ledger/memory_store.h"

#include <cassert>

namespace upi::ledger {

MemoryStore::MemoryStore(const Clock& clock, MemoryStoreLimits limits)
    : clock_(clock),
      limits_(limits),
      events_(limits.events_max),
      streams_(limits.events_max) {         // every stream holds at least one event
  assert(limits.events_max <= UINT32_MAX);  // positions are kept as 32 bits
}

std::size_t MemoryStore::memory_bytes() const {
  return arena_.bytes_allocated() + events_.segment_bytes() + streams_.segment_bytes() +
         position_bytes_;
}

std::optional<MemoryUsage> MemoryStore::memory_usage() const {
  std::lock_guard lock(mutex_);
  return MemoryUsage{memory_bytes(), limits_.bytes_max};
}

Result<void> MemoryStore::check_room(std::size_t events) const {
  if (events_.size() + events > limits_.events_max) {
    return fail(ErrorKind::kBusy, "STORE_FULL",
                "the embedded store holds at most " + std::to_string(limits_.events_max) +
                    " events; use the durable store (--database-url) for more");
  }
  if (memory_bytes() + ByteArena::kChunkBytes > limits_.bytes_max) {  // an append may open a chunk
    return fail(ErrorKind::kBusy, "STORE_FULL",
                "the embedded store holds at most " + std::to_string(limits_.bytes_max >> 20) +
                    " MiB of events; use the durable store (--database-url) for more");
  }
  return {};
}

std::uint32_t MemoryStore::stream_for_append(const std::string& stream) {
  if (const std::uint32_t* id = stream_ids_.find(std::string_view(stream))) return *id;
  const auto id = static_cast<std::uint32_t>(streams_.size());
  const std::string_view name = arena_.store(stream);
  streams_.push_back(Stream{name, {}});
  stream_ids_.emplace(name, id);
  return id;
}

Result<AppendResult> MemoryStore::append_now(const std::string& stream,
                                             std::int64_t expected_version,
                                             std::vector<NewEvent> events) {
  if (auto ok = check_append(stream, expected_version, events); !ok) {
    return std::unexpected(ok.error());
  }
  AppendResult result;
  std::vector<std::function<void(std::int64_t)>> wakers;
  {
    std::lock_guard lock(mutex_);
    if (auto room = check_room(events.size()); !room) return std::unexpected(room.error());
    const std::uint32_t* known = stream_ids_.find(std::string_view(stream));
    const auto current = known ? static_cast<std::int64_t>(streams_[*known].positions.size()) : 0;
    if (expected_version != kAnyVersion && expected_version != current) {
      return fail(ErrorKind::kConflict, "VERSION_CONFLICT",
                  "stream " + stream + " is at version " + std::to_string(current) + ", expected " +
                      std::to_string(expected_version));
    }
    if (auto charged = counters_.charge(events); !charged) return std::unexpected(charged.error());
    const std::uint32_t stream_id = stream_for_append(stream);
    Stream& target = streams_[stream_id];
    const std::int64_t now_ms = clock_.now_ms();
    result.first_position = static_cast<std::int64_t>(events_.size()) + 1;
    result.recorded_at_ms = now_ms;
    for (auto& e : events) {
      RecordedEvent r;
      r.position = static_cast<std::int64_t>(events_.size()) + 1;
      r.stream = stream;
      r.version = static_cast<std::int64_t>(target.positions.size()) + 1;
      r.type = std::move(e.type);
      r.data = std::move(e.data);
      r.metadata = std::move(e.metadata);
      r.recorded_at_ms = now_ms;
      r.prev_hash = head_hash_;
      r.hash = compute_hash(r);
      scratch_.clear();
      codec_.encode(r, stream_id, scratch_);
      events_.push_back(arena_.store(scratch_));
      const std::size_t capacity = target.positions.capacity();
      target.positions.push_back(static_cast<std::uint32_t>(r.position));
      position_bytes_ += (target.positions.capacity() - capacity) * sizeof(std::uint32_t);
      head_hash_ = std::move(r.hash);
    }
    result.last_position = static_cast<std::int64_t>(events_.size());
    result.stream_version = static_cast<std::int64_t>(target.positions.size());
    wakers = wakers_;
  }
  for (auto& wake : wakers) wake(result.last_position);
  return result;
}

std::int64_t MemoryStore::counter_now(std::string_view counter) const {
  std::lock_guard lock(mutex_);
  return counters_.value(counter);
}

RecordedEvent MemoryStore::event_at(std::size_t index) const {
  const std::string_view encoded = events_[index];
  RecordedEvent e = codec_.decode(encoded, streams_[EventCodec::stream_id(encoded)].name);
  e.position = static_cast<std::int64_t>(index) + 1;
  e.prev_hash = index == 0 ? kGenesisHash : EventCodec::hash_hex(events_[index - 1]);
  return e;
}

std::vector<RecordedEvent> MemoryStore::read_all_now(std::int64_t after_position,
                                                     std::size_t limit) const {
  assert(after_position >= 0);
  std::lock_guard lock(mutex_);
  std::vector<RecordedEvent> out;
  limit = std::min(limit, kReadLimitMax);
  const auto first = static_cast<std::size_t>(after_position);
  const std::size_t end = std::min(events_.size(), first + limit);
  if (first < end) out.reserve(end - first);
  for (std::size_t i = first; i < end; ++i) out.push_back(event_at(i));
  return out;
}

std::vector<RecordedEvent> MemoryStore::read_stream_now(const std::string& stream,
                                                        std::int64_t from_version,
                                                        std::size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedEvent> out;
  const std::uint32_t* id = stream_ids_.find(std::string_view(stream));
  if (!id) return out;
  const std::vector<std::uint32_t>& positions = streams_[*id].positions;
  limit = std::min(limit, kReadLimitMax);
  const auto first = static_cast<std::size_t>(std::max<std::int64_t>(from_version, 1) - 1);
  for (std::size_t v = first; v < positions.size() && out.size() < limit; ++v) {
    out.push_back(event_at(positions[v] - 1));
    assert(out.back().version == static_cast<std::int64_t>(v) + 1);
    assert(out.back().stream == stream);
  }
  return out;
}

asio::awaitable<Result<AppendResult>> MemoryStore::append(std::string stream,
                                                          std::int64_t expected_version,
                                                          std::vector<NewEvent> events) {
  co_return append_now(stream, expected_version, std::move(events));
}

asio::awaitable<Result<std::vector<RecordedEvent>>> MemoryStore::read_stream(
    std::string stream, std::int64_t from_version, std::size_t limit) {
  co_return read_stream_now(stream, from_version, limit);
}

asio::awaitable<Result<std::vector<RecordedEvent>>> MemoryStore::read_all(
    std::int64_t after_position, std::size_t limit) {
  if (after_position < 0) co_return fail(ErrorKind::kInvalid, "INVALID_READ", "after must be >= 0");
  co_return read_all_now(after_position, limit);
}

void MemoryStore::on_commit(std::function<void(std::int64_t)> wake) {
  std::lock_guard lock(mutex_);
  wakers_.push_back(std::move(wake));
}

std::int64_t MemoryStore::head_position() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(events_.size());
}

void MemoryStore::tamper_for_test(std::int64_t position, json::object data) {
  std::lock_guard lock(mutex_);
  const auto index = static_cast<std::size_t>(position - 1);
  RecordedEvent e = event_at(index);  // keeps its hash, so the chain check must catch the change
  e.data = std::move(data);
  scratch_.clear();
  codec_.encode(e, EventCodec::stream_id(events_[index]), scratch_);
  events_[index] = arena_.store(scratch_);
}

}  // namespace upi::ledger
