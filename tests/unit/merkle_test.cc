// The Merkle tree of RFC 9162 against the published Certificate Transparency test vectors, and its
// proofs: every inclusion and consistency proof of small trees verifies, and none verifies once
// a hash or the index in it is changed.
#include "governance/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace jc::governance::merkle {
namespace {

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// Leaves in memory: complete subtrees computed from them by the RFC's definition.
class Leaves final : public NodeSource {
 public:
  explicit Leaves(std::vector<std::string> entries) : entries_(std::move(entries)) {}
  Hash complete(int height, std::uint64_t index) override {
    if (height == 0) return leaf_hash(entries_.at(index));
    return node_hash(complete(height - 1, 2 * index), complete(height - 1, 2 * index + 1));
  }

 private:
  std::vector<std::string> entries_;
};

// The eight leaves of the CT test vectors (certificate-transparency, merkle_tree_test) and the
// roots of their first n, also computed with Python's hashlib from RFC 9162's definition.
const std::vector<std::string> kLeaves = {"",
                                          unhex("00"),
                                          unhex("10"),
                                          unhex("2021"),
                                          unhex("3031"),
                                          unhex("40414243"),
                                          unhex("5051525354555657"),
                                          unhex("606162636465666768696a6b6c6d6e6f")};
const char* const kRoots[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                              "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                              "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                              "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                              "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                              "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                              "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

TEST(Merkle, RootsMatchThePublishedVectors) {
  EXPECT_EQ(to_hex(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (std::size_t n = 1; n <= kLeaves.size(); ++n) {
    Leaves tree({kLeaves.begin(), kLeaves.begin() + static_cast<long>(n)});
    EXPECT_EQ(to_hex(root(tree, n)), kRoots[n - 1]) << n << " leaves";
    TreeBuilder built;
    for (std::size_t i = 0; i < n; ++i) built.add(leaf_hash(kLeaves[i]));
    EXPECT_EQ(to_hex(built.root()), kRoots[n - 1]) << n << " leaves, built";
  }
}

std::vector<std::string> numbered(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back("event " + std::to_string(i));
  return out;
}

TEST(Merkle, EveryInclusionProofVerifiesAndNoAlteredOneDoes) {
  for (std::uint64_t n = 1; n <= 37; ++n) {
    Leaves tree(numbered(n));
    const Hash r = root(tree, n);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto proof = inclusion_proof(tree, i, n);
      const Hash leaf = leaf_hash("event " + std::to_string(i));
      ASSERT_TRUE(verify_inclusion(i, n, leaf, proof, r)) << i << " of " << n;
      EXPECT_FALSE(verify_inclusion(i, n, leaf_hash("forged"), proof, r));
      if (n > 1) {
        EXPECT_FALSE(verify_inclusion((i + 1) % n, n, leaf, proof, r)) << i << "/" << n;
      }
      // (The size is bound by the signed checkpoint: a path can have the same shape in a tree
      // one larger, so RFC 9162's algorithm alone does not tell those sizes apart.)
      EXPECT_FALSE(verify_inclusion(i, i, leaf, proof, r));
      for (std::size_t k = 0; k < proof.size(); ++k) {
        auto bad = proof;
        bad[k][0] ^= 1;
        EXPECT_FALSE(verify_inclusion(i, n, leaf, bad, r));
      }
    }
  }
}

TEST(Merkle, EveryConsistencyProofVerifiesAndNoAlteredOneDoes) {
  Leaves tree(numbered(40));
  for (std::uint64_t n = 1; n <= 40; ++n) {
    const Hash r = root(tree, n);
    for (std::uint64_t m = 1; m <= n; ++m) {
      const Hash old = root(tree, m);
      auto proof = consistency_proof(tree, m, n);
      ASSERT_TRUE(verify_consistency(m, n, old, r, proof)) << m << " to " << n;
      if (m < n) {
        Hash wrong = old;
        wrong[5] ^= 0x40;
        EXPECT_FALSE(verify_consistency(m, n, wrong, r, proof)) << m << " to " << n;
        for (std::size_t k = 0; k < proof.size(); ++k) {
          auto bad = proof;
          bad[k][31] ^= 1;
          EXPECT_FALSE(verify_consistency(m, n, old, r, bad)) << m << " to " << n;
        }
      }
    }
  }
  // A tree that is not an extension: the same size, another history.
  Leaves other([] {
    auto v = numbered(40);
    v[3] = "rewritten";
    return v;
  }());
  EXPECT_FALSE(
      verify_consistency(8, 40, root(other, 8), root(tree, 40), consistency_proof(tree, 8, 40)));
}

TEST(Merkle, ABuilderResumedFromStoredSubtreesReportsTheSameNodes) {
  Leaves tree(numbered(3000));
  std::vector<std::tuple<int, std::uint64_t, Hash>> all, resumed;
  TreeBuilder whole([&](int h, std::uint64_t i, const Hash& x) { all.emplace_back(h, i, x); }, 8);
  for (int i = 0; i < 3000; ++i) whole.add(leaf_hash("event " + std::to_string(i)));
  TreeBuilder later([&](int h, std::uint64_t i, const Hash& x) { resumed.emplace_back(h, i, x); },
                    8);
  later.resume(tree, 1024);
  for (int i = 1024; i < 3000; ++i) later.add(leaf_hash("event " + std::to_string(i)));
  EXPECT_EQ(later.root(), whole.root());
  EXPECT_EQ(to_hex(whole.root()), to_hex(root(tree, 3000)));
  ASSERT_EQ(all.size(), 11u);     // the 11 complete subtrees of 256 in 3,000 leaves
  EXPECT_EQ(resumed.size(), 7u);  // those after the first 1,024
  EXPECT_EQ(std::get<2>(resumed.back()), std::get<2>(all.back()));
}

TEST(Merkle, HexAndBase64RoundTripAndRejectMalformedText) {
  const Hash h = leaf_hash("x");
  EXPECT_EQ(from_hex(to_hex(h)), h);
  EXPECT_EQ(from_base64(to_base64(h)), h);
  EXPECT_FALSE(from_hex(to_hex(h).substr(2)));
  EXPECT_FALSE(from_hex(std::string(64, 'g')));
  EXPECT_FALSE(from_base64("not base64!"));
  EXPECT_FALSE(from_base64(to_base64(h) + "AAAA"));
}

}  // namespace
}  // namespace jc::governance::merkle
