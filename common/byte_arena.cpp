#include "common/byte_arena.h"

#include <cstring>

namespace upi {

std::string_view ByteArena::store(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (bytes.size() > kChunkBytes / 4) {  // a large piece gets its own allocation
    chunks_.push_back(std::make_unique<char[]>(bytes.size()));
    bytes_allocated_ += bytes.size();
    std::memcpy(chunks_.back().get(), bytes.data(), bytes.size());
    return {chunks_.back().get(), bytes.size()};
  }
  if (bytes.size() > free_bytes_) {
    chunks_.push_back(std::make_unique<char[]>(kChunkBytes));
    bytes_allocated_ += kChunkBytes;
    free_ = chunks_.back().get();
    free_bytes_ = kChunkBytes;
  }
  std::memcpy(free_, bytes.data(), bytes.size());
  const std::string_view stored(free_, bytes.size());
  free_ += bytes.size();
  free_bytes_ -= bytes.size();
  return stored;
}

}  // namespace upi
