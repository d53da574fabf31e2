// A small, fast, seedable random source (xoshiro256**, seeded by splitmix64) with the draws the
// synthetic area needs. Our own distributions, not <random>'s, so a seed gives the same area on
// every standard library. Not thread-safe; one per thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace jc::synth {

class Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }
  // Poisson draws: inversion for small means, a rounded normal for large ones.
  int poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 40) {
      double n = std::round(mean + std::sqrt(mean) * normal());
      return n < 0 ? 0 : static_cast<int>(n);
    }
    double l = std::exp(-mean), p = uniform();
    int k = 0;
    double term = l, cum = l;
    while (p > cum && k < 1000) {
      ++k;
      term *= mean / k;
      cum += term;
    }
    return k;
  }
  double normal() {
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <class T>
  const T& pick(std::span<const T> items) {
    return items[static_cast<std::size_t>(next() % items.size())];
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Picks indexes with probability proportional to weights, in O(log n).
class WeightedPicker {
 public:
  WeightedPicker() = default;
  explicit WeightedPicker(const std::vector<double>& weights) {
    double sum = 0;
    for (double w : weights) cumulative_.push_back(sum += w);
  }
  std::size_t pick(Random& r) const {
    double x = r.uniform() * cumulative_.back();
    std::size_t lo = 0, hi = cumulative_.size() - 1;
    while (lo < hi) {
      std::size_t mid = (lo + hi) / 2;
      if (cumulative_[mid] > x) hi = mid; else lo = mid + 1;
    }
    return lo;
  }
  bool empty() const { return cumulative_.empty(); }

 private:
  std::vector<double> cumulative_;
};

}  // namespace jc::synth
