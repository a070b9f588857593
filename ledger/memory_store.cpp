#include "ledger/memory_store.h"

#include <cassert>

namespace upi::ledger {

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
    if (log_.size() + events.size() > kMemoryStoreEventsMax) {
      return fail(
          ErrorKind::kBusy, "STORE_FULL",
          "the embedded store holds at most " + std::to_string(kMemoryStoreEventsMax) + " events");
    }
    auto& indexes = streams_[stream];
    const auto current = static_cast<std::int64_t>(indexes.size());
    if (expected_version != kAnyVersion && expected_version != current) {
      if (indexes.empty()) streams_.erase(stream);
      return fail(ErrorKind::kConflict, "VERSION_CONFLICT",
                  "stream " + stream + " is at version " + std::to_string(current) + ", expected " +
                      std::to_string(expected_version));
    }
    const std::int64_t now_ms = clock_.now_ms();
    result.first_position = static_cast<std::int64_t>(log_.size()) + 1;
    for (auto& e : events) {
      RecordedEvent r;
      r.position = static_cast<std::int64_t>(log_.size()) + 1;
      r.stream = stream;
      r.version = static_cast<std::int64_t>(indexes.size()) + 1;
      r.type = std::move(e.type);
      r.data = std::move(e.data);
      r.metadata = std::move(e.metadata);
      r.recorded_at_ms = now_ms;
      r.prev_hash = log_.empty() ? kGenesisHash : log_.back().hash;
      r.hash = compute_hash(r);
      indexes.push_back(log_.size());
      log_.push_back(std::move(r));
    }
    result.last_position = static_cast<std::int64_t>(log_.size());
    result.stream_version = static_cast<std::int64_t>(indexes.size());
    wakers = wakers_;
  }
  for (auto& wake : wakers) wake(result.last_position);
  return result;
}

std::vector<RecordedEvent> MemoryStore::read_all_now(std::int64_t after_position,
                                                     std::size_t limit) const {
  assert(after_position >= 0);
  std::lock_guard lock(mutex_);
  std::vector<RecordedEvent> out;
  limit = std::min(limit, kReadLimitMax);
  for (auto i = static_cast<std::size_t>(after_position); i < log_.size() && out.size() < limit;
       ++i) {
    assert(log_[i].position == static_cast<std::int64_t>(i) + 1);
    out.push_back(log_[i]);
  }
  return out;
}

std::vector<RecordedEvent> MemoryStore::read_stream_now(const std::string& stream,
                                                        std::int64_t from_version,
                                                        std::size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedEvent> out;
  auto it = streams_.find(stream);
  if (it == streams_.end()) return out;
  limit = std::min(limit, kReadLimitMax);
  const auto first = static_cast<std::size_t>(std::max<std::int64_t>(from_version, 1) - 1);
  for (std::size_t v = first; v < it->second.size() && out.size() < limit; ++v) {
    out.push_back(log_[it->second[v]]);
    assert(out.back().version == static_cast<std::int64_t>(v) + 1);
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
  return static_cast<std::int64_t>(log_.size());
}

void MemoryStore::tamper_for_test(std::int64_t position, json::object data) {
  std::lock_guard lock(mutex_);
  log_.at(static_cast<std::size_t>(position - 1)).data = std::move(data);
}

}  // namespace upi::ledger
