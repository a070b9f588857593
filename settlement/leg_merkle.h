// The Merkle tree (settlement/merkle.h) over one bank's legs in a settlement cycle, sorted by
// leg id. A leaf is the text "<leg_id>\n<kind>\n<account>\n<amount>" (amount as a decimal
// string, e.g. "1500.00"): what a bank's own record of the leg says, so that the bank can
// recompute it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/views.h"

namespace upi::settlement {

std::string leg_leaf(const ledger::SettledLeg& leg);
// The root over legs (sorted by leg id), as lower-case hex.
std::string leg_root_hex(const std::vector<ledger::SettledLeg>& legs);

struct LegProof {
  ledger::SettledLeg leg;
  std::size_t index = 0;          // in leg id order
  std::size_t size = 0;           // legs in the tree
  std::string leaf_hash;          // hex
  std::vector<std::string> path;  // hex, from the leaf's sibling up
  std::string root;               // hex
};
// The inclusion proof of leg_id among legs (sorted by leg id); nothing when it is not there.
std::optional<LegProof> leg_proof(const std::vector<ledger::SettledLeg>& legs,
                                  const std::string& leg_id);
// Whether proof holds: its leg hashes to its leaf, and the path leads to root (hex).
bool verify_leg_proof(const LegProof& proof, const std::string& root_hex);

}  // namespace upi::settlement
