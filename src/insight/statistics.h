// Public health statistics for published figures (Public Health England methods; NHS Digital
// disclosure control). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace jc::insight {

inline constexpr double kZ95 = 1.959964;
inline constexpr double kZ998 = 3.090232;

struct Interval {
  double lower = 0, upper = 0;
};

// Wilson score interval for a proportion k/n.
Interval wilson(std::int64_t k, std::int64_t n, double z = kZ95);
// Confidence interval for a count: exact Poisson under 10, Byar's approximation from 10.
Interval byar(std::int64_t count, double z = kZ95);

// NHS Digital rule for sub-national counts: 0 stays 0, 1-7 suppressed (nullopt), others rounded
// to the nearest 5.
std::optional<std::int64_t> disclose(std::int64_t count);

// The age bands every commissioning report uses: 0-17, 18-64, 65-74, 75-84, 85+.
std::string age_band(int age);

}  // namespace jc::insight
