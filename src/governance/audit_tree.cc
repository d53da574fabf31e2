#include "governance/audit_tree.h"

#include <stdexcept>
#include <unordered_map>

namespace jc::governance {
namespace {

std::int64_t trail_key(AuditTrail trail) { return trail == AuditTrail::Access ? 2 : 1; }

// A tile: the leaves (or stored nodes of one height) under one stored node of the next stored
// height up; what a proof reads at each stored height.
constexpr std::uint64_t kTile = std::uint64_t{1} << kTreeStride;

std::uint64_t stored_leaves(store::Database& db, AuditTrail trail) {
  auto n =
      db.query_integer("SELECT leaves FROM audit_tree_state WHERE trail = ?", {trail_key(trail)});
  return n ? static_cast<std::uint64_t>(*n) : 0;
}

// The trail's nodes: stored subtrees where the tree has them, the rest from the events, read a
// tile (kTile leaves) or a group of kTile stored hashes of one height at a time.
class StoredTree final : public merkle::NodeSource {
 public:
  StoredTree(store::Database& db, AuditTrail trail, std::uint64_t size)
      : db_(db), trail_(trail), size_(size), stored_(stored_leaves(db, trail)) {}

  merkle::Hash complete(int height, std::uint64_t index) override {
    if (height == 0) return leaf(index);
    const std::uint64_t end = (index + 1) << height;
    if (end > size_) throw std::out_of_range("the audit tree has no such subtree");
    if (height % kTreeStride == 0 && end <= stored_) {
      if (auto h = stored(height, index)) return *h;
    }
    return merkle::node_hash(complete(height - 1, 2 * index), complete(height - 1, 2 * index + 1));
  }

  // The event of a leaf.
  AuditEvent event(std::uint64_t index) {
    if (index >= size_) throw std::out_of_range("the audit tree has no such leaf");
    std::optional<AuditEvent> found;
    read_audit_events(db_, trail_, static_cast<std::int64_t>(index + 1),
                      static_cast<std::int64_t>(index + 2),
                      [&](const AuditEvent& e, std::string_view) { found = e; });
    if (!found)
      throw std::runtime_error("audit trail: event " + std::to_string(index + 1) +
                               " is missing (run jointcare audit verify)");
    return *found;
  }

 private:
  static std::uint64_t key(int height, std::uint64_t index) {
    return (static_cast<std::uint64_t>(height) << 56) | index;
  }
  void load_tile(std::uint64_t index) {
    if (index >= size_) throw std::out_of_range("the audit tree has no such leaf");
    if (leaves_.count(index)) return;
    const std::uint64_t first = index & ~(kTile - 1);
    const std::uint64_t last = std::min(first + kTile, size_);
    read_audit_hashes(db_, trail_, static_cast<std::int64_t>(first + 1),
                      static_cast<std::int64_t>(last + 1),
                      [&](std::int64_t id, std::string_view hash) {
                        leaves_[static_cast<std::uint64_t>(id - 1)] = audit_leaf(hash);
                      });
    for (std::uint64_t i = first; i < last; ++i) {
      if (!leaves_.count(i))
        throw std::runtime_error("audit trail: event " + std::to_string(i + 1) +
                                 " is missing (run jointcare audit verify)");
    }
  }
  merkle::Hash leaf(std::uint64_t index) {
    load_tile(index);
    return leaves_.at(index);
  }
  std::optional<merkle::Hash> stored(int height, std::uint64_t index) {
    auto it = nodes_.find(key(height, index));
    if (it != nodes_.end()) return it->second;
    const std::uint64_t first = index & ~(kTile - 1);
    db_.query(
        "SELECT position, hash FROM audit_tree WHERE trail = ? AND height = ? AND position >= ? "
        "AND position < ?",
        {trail_key(trail_), std::int64_t{height}, static_cast<std::int64_t>(first),
         static_cast<std::int64_t>(first + kTile)},
        [&](const store::Row& r) {
          if (auto h = merkle::from_hex(r.text(1)))
            nodes_[key(height, static_cast<std::uint64_t>(r.integer(0)))] = *h;
        });
    it = nodes_.find(key(height, index));
    if (it != nodes_.end()) return it->second;
    return std::nullopt;
  }

  store::Database& db_;
  AuditTrail trail_;
  std::uint64_t size_, stored_;
  std::unordered_map<std::uint64_t, merkle::Hash> leaves_, nodes_;
};

}  // namespace

merkle::Hash audit_leaf(std::string_view chain_hash) {
  if (auto raw = merkle::from_hex(chain_hash))
    return merkle::leaf_hash(
        std::string_view(reinterpret_cast<const char*>(raw->data()), raw->size()));
  return merkle::leaf_hash(chain_hash);
}

std::uint64_t extend_audit_tree(store::Database& db, AuditTrail trail) {
  // The subtrees are computed outside any transaction (SQLite's would hold the write lock while
  // the events are read), then written in a short one, unless another extender came first.
  const auto size = static_cast<std::uint64_t>(audit_head(db, trail));
  const std::uint64_t from = stored_leaves(db, trail);
  const std::uint64_t to = size & ~(kTile - 1);
  if (to <= from) return size;
  std::vector<std::tuple<int, std::uint64_t, merkle::Hash>> made;
  merkle::TreeBuilder builder([&](int height, std::uint64_t index,
                                  const merkle::Hash& h) { made.emplace_back(height, index, h); },
                              kTreeStride);
  {
    StoredTree tree(db, trail, from);
    builder.resume(tree, from);
  }
  constexpr std::uint64_t kWindow = 65'536;
  for (std::uint64_t at = from; at < to; at += kWindow) {
    const std::uint64_t end = std::min(to, at + kWindow);
    std::uint64_t expected = at + 1;
    read_audit_hashes(
        db, trail, static_cast<std::int64_t>(at + 1), static_cast<std::int64_t>(end + 1),
        [&](std::int64_t id, std::string_view hash) {
          if (static_cast<std::uint64_t>(id) != expected)
            throw std::runtime_error("audit trail: event " + std::to_string(expected) +
                                     " is missing (run jointcare audit verify)");
          ++expected;
          builder.add(audit_leaf(hash));
        });
    if (expected != end + 1)
      throw std::runtime_error("audit trail: event " + std::to_string(expected) +
                               " is missing (run jointcare audit verify)");
  }
  store::Transaction tx(db);
  if (db.dialect() == store::Dialect::Postgres)  // one extender at a time
    db.execute_script("SELECT pg_advisory_xact_lock(7300003)");
  if (stored_leaves(db, trail) != from) return size;  // extended meanwhile
  auto writer = db.bulk_insert("audit_tree", {"trail", "height", "position", "hash"});
  for (const auto& [height, index, h] : made)
    writer->add({trail_key(trail), std::int64_t{height}, static_cast<std::int64_t>(index),
                 merkle::to_hex(h)});
  writer->finish();
  db.execute("DELETE FROM audit_tree_state WHERE trail = ?", {trail_key(trail)});
  db.execute("INSERT INTO audit_tree_state (trail, leaves) VALUES (?, ?)",
             {trail_key(trail), static_cast<std::int64_t>(to)});
  tx.commit();
  return size;
}

merkle::Hash audit_root(store::Database& db, AuditTrail trail, std::uint64_t size) {
  StoredTree tree(db, trail, size);
  return merkle::root(tree, size);
}

TreeHead audit_tree_head(store::Database& db, AuditTrail trail) {
  TreeHead head;
  head.trail = trail;
  head.size = extend_audit_tree(db, trail);
  head.root = audit_root(db, trail, head.size);
  return head;
}

InclusionProof prove_inclusion(store::Database& db, AuditTrail trail, std::int64_t event_id,
                               std::uint64_t size) {
  if (event_id < 1 || static_cast<std::uint64_t>(event_id) > size)
    throw std::out_of_range("event " + std::to_string(event_id) + " is not among the first " +
                            std::to_string(size) + " of the " + trail_name(trail) + " trail");
  StoredTree tree(db, trail, size);
  InclusionProof p;
  p.index = static_cast<std::uint64_t>(event_id - 1);
  p.size = size;
  p.event = tree.event(p.index);
  p.entry = audit_entry(p.event);
  p.path = merkle::inclusion_proof(tree, p.index, size);
  return p;
}

std::vector<merkle::Hash> prove_consistency(store::Database& db, AuditTrail trail,
                                            std::uint64_t old_size, std::uint64_t size) {
  StoredTree tree(db, trail, size);
  return merkle::consistency_proof(tree, old_size, size);
}

std::map<std::pair<int, std::uint64_t>, merkle::Hash> stored_audit_tree(store::Database& db,
                                                                        AuditTrail trail) {
  std::map<std::pair<int, std::uint64_t>, merkle::Hash> out;
  db.query("SELECT height, position, hash FROM audit_tree WHERE trail = ?", {trail_key(trail)},
           [&](const store::Row& r) {
             merkle::Hash h{};
             if (auto parsed = merkle::from_hex(r.text(2))) h = *parsed;
             out[{static_cast<int>(r.integer(0)), static_cast<std::uint64_t>(r.integer(1))}] = h;
           });
  return out;
}

}  // namespace jc::governance
