#include "settlement/leg_merkle.h"

#include <algorithm>
#include <cassert>

#include "common/sha256.h"
#include "settlement/merkle.h"

namespace upi::settlement {
namespace {

std::vector<std::string> leaf_hashes(const std::vector<ledger::SettledLeg>& legs) {
  assert(std::is_sorted(legs.begin(), legs.end(),
                        [](const auto& a, const auto& b) { return a.leg_id < b.leg_id; }));
  std::vector<std::string> hashes;
  hashes.reserve(legs.size());
  for (const auto& leg : legs) hashes.push_back(merkle_leaf_hash(leg_leaf(leg)));
  return hashes;
}

}  // namespace

std::string leg_leaf(const ledger::SettledLeg& leg) {
  return leg.leg_id + "\n" + leg.kind + "\n" + leg.account + "\n" + format_money(leg.amount);
}

std::string leg_root_hex(const std::vector<ledger::SettledLeg>& legs) {
  return hex_from_bytes(merkle_root(leaf_hashes(legs)));
}

std::optional<LegProof> leg_proof(const std::vector<ledger::SettledLeg>& legs,
                                  const std::string& leg_id) {
  auto it =
      std::lower_bound(legs.begin(), legs.end(), leg_id,
                       [](const auto& leg, const std::string& id) { return leg.leg_id < id; });
  if (it == legs.end() || it->leg_id != leg_id) return std::nullopt;
  const auto hashes = leaf_hashes(legs);
  LegProof proof;
  proof.leg = *it;
  proof.index = static_cast<std::size_t>(it - legs.begin());
  proof.size = legs.size();
  proof.leaf_hash = hex_from_bytes(hashes[proof.index]);
  for (const auto& h : merkle_proof(hashes, proof.index)) proof.path.push_back(hex_from_bytes(h));
  proof.root = hex_from_bytes(merkle_root(hashes));
  return proof;
}

bool verify_leg_proof(const LegProof& proof, const std::string& root_hex) {
  std::vector<std::string> path;
  for (const auto& h : proof.path) {
    auto bytes = bytes_from_hex(h);
    if (!bytes || bytes->size() != 32) return false;
    path.push_back(std::move(*bytes));
  }
  auto root = bytes_from_hex(root_hex);
  if (!root) return false;
  return merkle_verify(merkle_leaf_hash(leg_leaf(proof.leg)), proof.index, proof.size, path, *root);
}

}  // namespace upi::settlement
