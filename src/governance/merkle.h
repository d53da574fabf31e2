// The Merkle tree of a verifiable log (RFC 9162, Certificate Transparency v2, section 2.1): leaf
// hash SHA-256(0x00 || entry), interior node SHA-256(0x01 || left || right), the tree over n
// leaves split at the largest power of two smaller than n. Inclusion proofs (audit paths) show a
// leaf is in a tree of a given root; consistency proofs show a tree is an extension of an earlier
// one. Pure: the nodes come from a NodeSource, which may keep them anywhere.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jc::governance::merkle {

using Hash = std::array<unsigned char, 32>;

// SHA-256 of the bytes: OpenSSL's, which uses the processor's SHA instructions where it has them
// (a third of the time of a portable implementation on the 2-core machine of docs/benchmarks.md).
Hash sha256(std::string_view bytes);

Hash leaf_hash(std::string_view entry);
Hash node_hash(const Hash& left, const Hash& right);
// The root of the empty tree: SHA-256 of nothing.
Hash empty_root();

std::string to_hex(const Hash& h);
std::optional<Hash> from_hex(std::string_view hex);
std::string to_base64(const Hash& h);  // standard alphabet, padded
std::optional<Hash> from_base64(std::string_view b64);

// The hash of the complete subtree of height `height` (2^height leaves) at `index` (its first
// leaf is index << height); a tree's node source answers it for every complete subtree of the tree.
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  virtual Hash complete(int height, std::uint64_t index) = 0;
};

// MTH(D[begin:end]) for a range that starts at a multiple of the largest power of two not above
// its length (every range the proofs of RFC 9162 use); end > begin.
Hash subtree(NodeSource& nodes, std::uint64_t begin, std::uint64_t end);
// The root of the tree of the first `size` leaves.
Hash root(NodeSource& nodes, std::uint64_t size);

// PATH(index, D[size]) and PROOF(old_size, D[size]) of RFC 9162 (2.1.3.1, 2.1.4.1).
std::vector<Hash> inclusion_proof(NodeSource& nodes, std::uint64_t index, std::uint64_t size);
std::vector<Hash> consistency_proof(NodeSource& nodes, std::uint64_t old_size, std::uint64_t size);

// The verification algorithms of RFC 9162 (2.1.3.2, 2.1.4.2).
bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf,
                      const std::vector<Hash>& proof, const Hash& root);
bool verify_consistency(std::uint64_t old_size, std::uint64_t size, const Hash& old_root,
                        const Hash& root, const std::vector<Hash>& proof);

// Leaves added in order, keeping only the roots of the complete subtrees that make up the tree so
// far (a compact range: at most one per height). `completed` hears of every complete subtree whose
// height is a positive multiple of `report_every` as it forms (the nodes a log keeps).
class TreeBuilder {
 public:
  using Completed = std::function<void(int height, std::uint64_t index, const Hash& hash)>;
  TreeBuilder() = default;
  explicit TreeBuilder(Completed completed, int report_every = 8)
      : completed_(std::move(completed)), report_every_(report_every) {}
  // Starts at `size` leaves, the complete subtrees read from `nodes`.
  void resume(NodeSource& nodes, std::uint64_t size);
  void add(const Hash& leaf);
  std::uint64_t size() const { return size_; }
  Hash root() const;

 private:
  struct Part {
    int height;
    Hash hash;
  };
  std::vector<Part> parts_;  // heights strictly decreasing
  std::uint64_t size_ = 0;
  Completed completed_;
  int report_every_ = 8;
};

}  // namespace jc::governance::merkle
