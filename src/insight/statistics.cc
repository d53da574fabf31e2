#include "insight/statistics.h"

#include <cmath>

namespace jc::insight {
namespace {

// P(X <= k) for X ~ Poisson(mean).
double poisson_cdf(std::int64_t k, double mean) {
  double term = std::exp(-mean), sum = term;
  for (std::int64_t i = 1; i <= k; ++i) {
    term *= mean / static_cast<double>(i);
    sum += term;
  }
  return sum;
}

// The mean at which P(X <= k) equals target (decreasing in the mean), by bisection.
double solve_mean(std::int64_t k, double target) {
  double lo = 0, hi = 10.0 + 10.0 * static_cast<double>(k);
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    if (poisson_cdf(k, mid) > target) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

double normal_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

Interval wilson(std::int64_t k, std::int64_t n, double z) {
  if (n <= 0) return {};
  double p = static_cast<double>(k) / static_cast<double>(n), nn = static_cast<double>(n);
  double centre = p + z * z / (2 * nn);
  double spread = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
  double denominator = 1 + z * z / nn;
  return {(centre - spread) / denominator, (centre + spread) / denominator};
}

Interval byar(std::int64_t count, double z) {
  double o = static_cast<double>(count);
  if (count < 10) {
    double alpha_half = normal_tail(z);
    double lower = count == 0 ? 0.0 : solve_mean(count - 1, 1 - alpha_half);
    double upper = solve_mean(count, alpha_half);
    return {lower, upper};
  }
  double lower = o * std::pow(1 - 1 / (9 * o) - z / (3 * std::sqrt(o)), 3);
  double o1 = o + 1;
  double upper = o1 * std::pow(1 - 1 / (9 * o1) + z / (3 * std::sqrt(o1)), 3);
  return {lower, upper};
}

std::optional<std::int64_t> disclose(std::int64_t count) {
  if (count == 0) return 0;
  if (count >= 1 && count <= 7) return std::nullopt;
  return (count + 2) / 5 * 5;
}

std::string age_band(int age) {
  if (age < 18) return "0-17";
  if (age < 65) return "18-64";
  if (age < 75) return "65-74";
  if (age < 85) return "75-84";
  return "85+";
}

}  // namespace jc::insight
