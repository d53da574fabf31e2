#include "identity/string_metrics.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace jc::identity {

double jaro_winkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  thread_local std::vector<char> match_a, match_b;
  match_a.assign(static_cast<std::size_t>(la), 0);
  match_b.assign(static_cast<std::size_t>(lb), 0);
  char* am = match_a.data();
  char* bm = match_b.data();
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    int lo = std::max(0, i - window), hi = std::min(lb - 1, i + window);
    for (int j = lo; j <= hi; ++j) {
      if (!bm[j] && a[static_cast<std::size_t>(i)] == b[static_cast<std::size_t>(j)]) {
        am[i] = bm[j] = 1;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  int t = 0;
  for (int i = 0, j = 0; i < la; ++i) {
    if (!am[i]) continue;
    while (!bm[j]) ++j;
    if (a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(j)]) ++t;
    ++j;
  }
  double m = matches;
  double jaro = (m / la + m / lb + (m - t / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[static_cast<std::size_t>(prefix)] == b[static_cast<std::size_t>(prefix)]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

int damerau_levenshtein(std::string_view a, std::string_view b, int limit) {
  const std::size_t n = a.size(), m = b.size();
  if (static_cast<int>(n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    int best = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      best = std::min(best, cur[j]);
    }
    if (best > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], limit + 1);
}

std::string soundex(std::string_view s) {
  static constexpr char kCode[26] = {'0', '1', '2', '3', '0', '1', '2', '0', '0', '2', '2', '4', '5',
                                     '5', '0', '1', '2', '6', '2', '3', '0', '1', '0', '2', '0', '2'};
  std::string out;
  char last = 0;
  for (char raw : s) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    if (c < 'a' || c > 'z') continue;
    char code = kCode[c - 'a'];
    if (out.empty()) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      last = code;
      continue;
    }
    if (c == 'h' || c == 'w') continue;  // do not separate equal codes
    if (code != '0' && code != last) out += code;
    last = code;
    if (out.size() == 4) break;
  }
  if (!out.empty()) out.resize(4, '0');
  return out;
}

}  // namespace jc::identity
