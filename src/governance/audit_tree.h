// Each audit trail is a verifiable log: its events, in order of id, are the leaves of a Merkle
// tree (merkle.h). A leaf's entry is the event's chain hash, the 32 bytes of SHA-256 of its
// canonical encoding (audit_entry), so the tree commits to every field of every event and is
// extended by reading one column. The log keeps the hashes of its complete
// subtrees of 16, 256, 4,096, 65,536 ... leaves (table audit_tree, filled as checkpoints are
// made: one row for every 15 events), so that a proof reads 16 hashes at each of those heights
// and hashes at most 14 more (about a hundred for 10 million events), whatever the size of the
// log. The stored tree only speeds things up: verify_audit recomputes it from the events.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "governance/audit.h"
#include "governance/merkle.h"
#include "store/database.h"

namespace jc::governance {

// The leaf of an event: leaf_hash of its chain hash's 32 bytes (of the text as stored, should that
// not be 64 hex digits).
merkle::Hash audit_leaf(std::string_view chain_hash);

// Heights of the stored subtrees: multiples of this.
constexpr int kTreeStride = 4;

// Extends the stored tree over every complete subtree of 16 events now in the trail, in one
// transaction on `db`; returns the trail's size (its newest id).
std::uint64_t extend_audit_tree(store::Database& db, AuditTrail trail);

struct TreeHead {
  AuditTrail trail = AuditTrail::Record;
  std::uint64_t size = 0;
  merkle::Hash root{};
};
// The tree over the trail's events now (extending the stored tree first).
TreeHead audit_tree_head(store::Database& db, AuditTrail trail);
// The root of the tree of the trail's first `size` events.
merkle::Hash audit_root(store::Database& db, AuditTrail trail, std::uint64_t size);

// An event's inclusion proof in the tree of the trail's first `size` events.
struct InclusionProof {
  AuditEvent event;
  std::string entry;    // audit_entry(event): SHA-256 of it is the chain hash, the leaf's entry
  std::uint64_t index;  // the leaf: event id - 1
  std::uint64_t size;
  std::vector<merkle::Hash> path;
};
// Throws std::out_of_range when the event is not among the first `size`.
InclusionProof prove_inclusion(store::Database& db, AuditTrail trail, std::int64_t event_id,
                               std::uint64_t size);
std::vector<merkle::Hash> prove_consistency(store::Database& db, AuditTrail trail,
                                            std::uint64_t old_size, std::uint64_t size);

// The stored subtrees of a trail: (height, index) to hash (verify_audit checks them).
std::map<std::pair<int, std::uint64_t>, merkle::Hash> stored_audit_tree(store::Database& db,
                                                                        AuditTrail trail);

}  // namespace jc::governance
