#include "settlement/merkle.h"

#include <cassert>
#include <span>

#include "common/sha256.h"

namespace upi::settlement {
namespace {

using Hashes = std::span<const std::string>;

std::string node_hash(std::string_view left, std::string_view right) {
  std::string bytes(1, '\x01');
  bytes.append(left);
  bytes.append(right);
  return sha256_bytes(bytes);
}

// The largest power of two below n (n > 1).
std::size_t split_of(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

std::string subtree_root(Hashes leaves) {
  assert(!leaves.empty());
  if (leaves.size() == 1) return leaves[0];
  const std::size_t k = split_of(leaves.size());
  return node_hash(subtree_root(leaves.first(k)), subtree_root(leaves.subspan(k)));
}

void audit_path(Hashes leaves, std::size_t index, std::vector<std::string>& path) {
  if (leaves.size() <= 1) return;
  const std::size_t k = split_of(leaves.size());
  if (index < k) {
    audit_path(leaves.first(k), index, path);
    path.push_back(subtree_root(leaves.subspan(k)));
  } else {
    audit_path(leaves.subspan(k), index - k, path);
    path.push_back(subtree_root(leaves.first(k)));
  }
}

}  // namespace

std::string merkle_leaf_hash(std::string_view leaf) {
  std::string bytes(1, '\x00');
  bytes.append(leaf);
  return sha256_bytes(bytes);
}

std::string merkle_root(const std::vector<std::string>& leaf_hashes) {
  assert(leaf_hashes.size() <= kMerkleLeavesMax);
  if (leaf_hashes.empty()) return sha256_bytes("");
  return subtree_root(leaf_hashes);
}

std::vector<std::string> merkle_proof(const std::vector<std::string>& leaf_hashes,
                                      std::size_t index) {
  assert(index < leaf_hashes.size());
  std::vector<std::string> path;
  audit_path(leaf_hashes, index, path);
  return path;
}

// RFC 9162, 2.1.3.2: walk up from the leaf, the bits of its index and of the last index saying
// on which side each sibling stands.
bool merkle_verify(std::string_view leaf_hash, std::size_t index, std::size_t size,
                   const std::vector<std::string>& proof, std::string_view root) {
  if (index >= size) return false;
  std::size_t fn = index, sn = size - 1;
  std::string r(leaf_hash);
  for (const auto& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = node_hash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

}  // namespace upi::settlement
