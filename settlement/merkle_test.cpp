#include "settlement/merkle.h"

#include <gtest/gtest.h>

#include "common/sha256.h"

namespace upi::settlement {
namespace {

std::vector<std::string> leaves(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(merkle_leaf_hash("leg-" + std::to_string(i)));
  return out;
}

TEST(Merkle, MatchesTheDefinitionForSmallTrees) {
  const auto l = leaves(3);
  const auto node = [](const std::string& a, const std::string& b) {
    return sha256_bytes(std::string(1, '\x01') + a + b);
  };
  EXPECT_EQ(merkle_root({}), sha256_bytes(""));
  EXPECT_EQ(merkle_root({l[0]}), l[0]);
  EXPECT_EQ(merkle_root({l[0], l[1]}), node(l[0], l[1]));
  EXPECT_EQ(merkle_root(l), node(node(l[0], l[1]), l[2]));  // 3 splits at 2
  EXPECT_EQ(merkle_leaf_hash("x"), sha256_bytes(std::string(1, '\x00') + "x"));
}

TEST(Merkle, EveryLeafOfEveryTreeSizeProvesAndNothingElseDoes) {
  for (std::size_t n = 1; n <= 33; ++n) {
    const auto l = leaves(n);
    const std::string root = merkle_root(l);
    for (std::size_t i = 0; i < n; ++i) {
      const auto proof = merkle_proof(l, i);
      EXPECT_TRUE(merkle_verify(l[i], i, n, proof, root)) << n << " " << i;
      // A forged leaf, another index or a cut proof does not verify. (The size is not bound by
      // the proof alone: it is published with the root, as RFC 9162's tree heads do.)
      EXPECT_FALSE(merkle_verify(merkle_leaf_hash("forged"), i, n, proof, root)) << n << " " << i;
      if (n > 1) {
        EXPECT_FALSE(merkle_verify(l[i], (i + 1) % n, n, proof, root)) << n << " " << i;
      }
      if (!proof.empty()) {
        auto cut = proof;
        cut.pop_back();
        EXPECT_FALSE(merkle_verify(l[i], i, n, cut, root)) << n << " " << i;
      }
    }
  }
}

}  // namespace
}  // namespace upi::settlement
