// Bytes stored once and never moved or freed before the arena: each store() returns a view
// that stays valid for the arena's life. Memory comes in chunks, so storing is a copy, not an
// allocation, and nothing ever reallocates what is stored.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace upi {

class ByteArena {
 public:
  static constexpr std::size_t kChunkBytes = 1 << 20;

  // Copies bytes into the arena; the view stays valid until the arena is destroyed.
  std::string_view store(std::string_view bytes);
  // Bytes allocated, counting the unused ends of chunks.
  std::size_t bytes_allocated() const { return bytes_allocated_; }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* free_ = nullptr;
  std::size_t free_bytes_ = 0;
  std::size_t bytes_allocated_ = 0;
};

}  // namespace upi
