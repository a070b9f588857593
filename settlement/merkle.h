// A Merkle tree over a list of leaves, as RFC 9162 (Certificate Transparency 2.0) section 2.1
// defines it: a leaf hashes as SHA-256(0x00 || leaf), an inner node as SHA-256(0x01 || left ||
// right), and a list of n > 1 splits at the largest power of two below n. An inclusion proof is
// the list of sibling hashes from the leaf up; anyone holding the root checks one leaf with it,
// without the rest of the list. Hashes are 32 raw bytes here; hex at the edges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace upi::settlement {

inline constexpr std::size_t kMerkleLeavesMax = 10'000'000;

std::string merkle_leaf_hash(std::string_view leaf);
// The root of leaves given as their leaf hashes; the hash of the empty string for none.
std::string merkle_root(const std::vector<std::string>& leaf_hashes);
// The audit path of leaf index (index < leaf_hashes.size()), from the leaf's sibling up.
std::vector<std::string> merkle_proof(const std::vector<std::string>& leaf_hashes,
                                      std::size_t index);
// Whether proof shows that leaf_hash is leaf index of a tree of size leaves with this root.
bool merkle_verify(std::string_view leaf_hash, std::size_t index, std::size_t size,
                   const std::vector<std::string>& proof, std::string_view root);

}  // namespace upi::settlement
