#include "governance/merkle.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <bit>
#include <stdexcept>

namespace jc::governance::merkle {
namespace {

void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

// The largest power of two smaller than n (n > 1).
std::uint64_t split(std::uint64_t n) { return std::bit_floor(n - 1); }

void path(NodeSource& nodes, std::uint64_t m, std::uint64_t begin, std::uint64_t end,
          std::vector<Hash>& out) {
  const std::uint64_t n = end - begin;
  if (n == 1) return;
  const std::uint64_t k = split(n);
  if (m < k) {
    path(nodes, m, begin, begin + k, out);
    out.push_back(subtree(nodes, begin + k, end));
  } else {
    path(nodes, m - k, begin + k, end, out);
    out.push_back(subtree(nodes, begin, begin + k));
  }
}

void subproof(NodeSource& nodes, std::uint64_t m, std::uint64_t begin, std::uint64_t end,
              bool whole, std::vector<Hash>& out) {
  const std::uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(subtree(nodes, begin, end));
    return;
  }
  const std::uint64_t k = split(n);
  if (m <= k) {
    subproof(nodes, m, begin, begin + k, whole, out);
    out.push_back(subtree(nodes, begin + k, end));
  } else {
    subproof(nodes, m - k, begin + k, end, false, out);
    out.push_back(subtree(nodes, begin, begin + k));
  }
}

bool lsb(std::uint64_t v) { return (v & 1) != 0; }

}  // namespace

Hash sha256(std::string_view bytes) {
  Hash h;
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), h.data(), &size, EVP_sha256(), nullptr) != 1 ||
      size != h.size())
    throw std::runtime_error("OpenSSL's SHA-256 failed");
  return h;
}

Hash leaf_hash(std::string_view entry) {
  // 0x00 || entry: on the stack for an entry the size of a hash (every audit leaf's).
  char buffer[1 + 64];
  if (entry.size() < sizeof buffer) {
    buffer[0] = 0x00;
    std::copy(entry.begin(), entry.end(), buffer + 1);
    return sha256(std::string_view(buffer, 1 + entry.size()));
  }
  std::string prefixed(1, '\0');
  prefixed += entry;
  return sha256(prefixed);
}

Hash node_hash(const Hash& left, const Hash& right) {
  char buffer[1 + 64];
  buffer[0] = 0x01;
  std::copy(left.begin(), left.end(), buffer + 1);
  std::copy(right.begin(), right.end(), buffer + 33);
  return sha256(std::string_view(buffer, sizeof buffer));
}

Hash empty_root() { return sha256({}); }

std::string to_hex(const Hash& h) {
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h.data(), h.size());
  return hex;
}

std::optional<Hash> from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Hash h;
  std::size_t len = 0;
  if (sodium_hex2bin(h.data(), h.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != h.size())
    return std::nullopt;
  return h;
}

std::string to_base64(const Hash& h) {
  init();
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(out, sizeof out, h.data(), h.size(), sodium_base64_VARIANT_ORIGINAL);
  return out;
}

std::optional<Hash> from_base64(std::string_view b64) {
  init();
  Hash h;
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(h.data(), h.size(), b64.data(), b64.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != h.size() || end != b64.data() + b64.size())
    return std::nullopt;
  return h;
}

Hash subtree(NodeSource& nodes, std::uint64_t begin, std::uint64_t end) {
  const std::uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    const int height = std::countr_zero(n);
    return nodes.complete(height, begin >> height);
  }
  const std::uint64_t k = split(n);
  return node_hash(subtree(nodes, begin, begin + k), subtree(nodes, begin + k, end));
}

Hash root(NodeSource& nodes, std::uint64_t size) {
  return size == 0 ? empty_root() : subtree(nodes, 0, size);
}

std::vector<Hash> inclusion_proof(NodeSource& nodes, std::uint64_t index, std::uint64_t size) {
  if (index >= size) throw std::out_of_range("inclusion proof: the leaf is not in the tree");
  std::vector<Hash> out;
  path(nodes, index, 0, size, out);
  return out;
}

std::vector<Hash> consistency_proof(NodeSource& nodes, std::uint64_t old_size, std::uint64_t size) {
  if (old_size > size) throw std::out_of_range("consistency proof: the old tree is the larger");
  std::vector<Hash> out;
  if (old_size == 0 || old_size == size) return out;
  subproof(nodes, old_size, 0, size, true, out);
  return out;
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf,
                      const std::vector<Hash>& proof, const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const auto& p : proof) {
    if (sn == 0) return false;
    if (lsb(fn) || fn == sn) {
      r = node_hash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn != 0) fn >>= 1, sn >>= 1;
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1, sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t old_size, std::uint64_t size, const Hash& old_root,
                        const Hash& root, const std::vector<Hash>& proof) {
  if (old_size > size) return false;
  if (old_size == size) return proof.empty() && old_root == root;
  if (old_size == 0) return proof.empty();
  if (proof.empty()) return false;
  std::vector<Hash> path;
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = old_size - 1, sn = size - 1;
  while (lsb(fn)) fn >>= 1, sn >>= 1;
  Hash fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if (lsb(fn) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn != 0) fn >>= 1, sn >>= 1;
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1, sn >>= 1;
  }
  return fr == old_root && sr == root && sn == 0;
}

void TreeBuilder::resume(NodeSource& nodes, std::uint64_t size) {
  parts_.clear();
  size_ = 0;
  for (int h = 63; h >= 0; --h) {
    const std::uint64_t width = std::uint64_t{1} << h;
    if (!(size & width)) continue;
    parts_.push_back({h, nodes.complete(h, size_ >> h)});
    size_ += width;
  }
}

void TreeBuilder::add(const Hash& leaf) {
  parts_.push_back({0, leaf});
  ++size_;
  while (parts_.size() >= 2 && parts_[parts_.size() - 2].height == parts_.back().height) {
    Part right = parts_.back();
    parts_.pop_back();
    Part& left = parts_.back();
    left.hash = node_hash(left.hash, right.hash);
    ++left.height;
    if (completed_ && left.height % report_every_ == 0)
      completed_(left.height, (size_ >> left.height) - 1, left.hash);
  }
}

Hash TreeBuilder::root() const {
  if (parts_.empty()) return empty_root();
  Hash acc = parts_.back().hash;
  for (std::size_t i = parts_.size() - 1; i-- > 0;) acc = node_hash(parts_[i].hash, acc);
  return acc;
}

}  // namespace jc::governance::merkle
