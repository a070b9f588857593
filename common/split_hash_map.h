// A hash map in kParts parts chosen by the key's hash: a rehash moves one part's entries, never
// all of them, so an insert costs at most size()/kParts moves (a std::unordered_map's rehash
// moves everything at once, a stall as long as the map).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>

namespace upi {

template <typename Key, typename Value, typename Hash = std::hash<Key>, std::size_t kParts = 256>
class SplitHashMap {
 public:
  using Part = std::unordered_map<Key, Value, Hash>;

  // The value under key, or null.
  template <typename K>
  Value* find(const K& key) {
    Part& p = part(key);
    auto it = p.find(key);
    return it == p.end() ? nullptr : &it->second;
  }
  template <typename K>
  const Value* find(const K& key) const {
    return const_cast<SplitHashMap*>(this)->find(key);
  }
  // Inserts when key is absent; the value under key and whether it was inserted.
  std::pair<Value*, bool> emplace(Key key, Value value) {
    Part& p = part(key);
    auto [it, inserted] = p.emplace(std::move(key), std::move(value));
    size_ += inserted ? 1 : 0;
    return {&it->second, inserted};
  }
  template <typename K>
  bool erase(const K& key) {
    const bool erased = part(key).erase(key) == 1;
    size_ -= erased ? 1 : 0;
    return erased;
  }
  std::size_t size() const { return size_; }

 private:
  template <typename K>
  Part& part(const K& key) {
    // Mixed so that the part does not correlate with the bucket inside it.
    const std::uint64_t mixed = static_cast<std::uint64_t>(Hash{}(key)) * 0x9E3779B97F4A7C15ull;
    return parts_[(mixed >> 32) % kParts];
  }

  std::array<Part, kParts> parts_;
  std::size_t size_ = 0;
};

}  // namespace upi
