// A vector in fixed-size segments with a size bound: push_back never moves an element, so an
// append never copies what came before (a std::vector's growth copies everything, a stall as
// long as the vector). The segment table is reserved for the bound up front.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <vector>

namespace upi {

template <typename T, std::size_t kSegmentSize>
class SegmentedVector {
 public:
  explicit SegmentedVector(std::size_t size_max) : size_max_(size_max) {
    segments_.reserve((size_max + kSegmentSize - 1) / kSegmentSize);
  }

  std::size_t size() const { return size_; }
  std::size_t size_max() const { return size_max_; }
  bool empty() const { return size_ == 0; }

  // Requires size() < size_max().
  T& push_back(T value) {
    assert(size_ < size_max_);
    if (size_ % kSegmentSize == 0) {
      assert(segments_.size() < segments_.capacity());  // reserved: the table never moves
      segments_.push_back(std::make_unique<T[]>(kSegmentSize));
    }
    T& slot = segments_.back()[size_ % kSegmentSize];
    slot = std::move(value);
    ++size_;
    return slot;
  }

  T& operator[](std::size_t i) {
    assert(i < size_);
    return segments_[i / kSegmentSize][i % kSegmentSize];
  }
  const T& operator[](std::size_t i) const {
    assert(i < size_);
    return segments_[i / kSegmentSize][i % kSegmentSize];
  }
  T& back() { return (*this)[size_ - 1]; }

  // Bytes held by the segments (elements' own heap memory not counted).
  std::size_t segment_bytes() const { return segments_.size() * kSegmentSize * sizeof(T); }

 private:
  std::size_t size_max_;
  std::size_t size_ = 0;
  std::vector<std::unique_ptr<T[]>> segments_;
};

}  // namespace upi
