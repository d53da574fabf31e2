#include "identity/string_metrics.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

namespace jc::identity {

namespace {

double winkler(std::string_view a, std::string_view b, int matches, int transpositions) {
  double m = matches;
  double jaro = (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) + (m - transpositions / 2.0) / m) / 3.0;
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

// Strings of up to 64 bytes (names, dates, postcodes, most addresses): matched positions as bit
// masks, and for each byte the positions of b holding it, so each character of a finds its
// match in one step instead of scanning the window.
double jaro_winkler_short(std::string_view a, std::string_view b) {
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  std::uint64_t positions[256];
  for (char c : a) positions[static_cast<unsigned char>(c)] = 0;
  for (char c : b) positions[static_cast<unsigned char>(c)] = 0;
  for (int j = 0; j < lb; ++j) positions[static_cast<unsigned char>(b[static_cast<std::size_t>(j)])] |= std::uint64_t{1} << j;
  std::uint64_t matched_a = 0, matched_b = 0;
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    int lo = std::max(0, i - window), hi = std::min(lb - 1, i + window);
    if (lo > hi) continue;
    std::uint64_t in_window = (hi - lo + 1 == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << (hi - lo + 1)) - 1)) << lo;
    std::uint64_t free = positions[static_cast<unsigned char>(a[static_cast<std::size_t>(i)])] & ~matched_b & in_window;
    if (!free) continue;
    matched_b |= free & (~free + 1);  // the lowest
    matched_a |= std::uint64_t{1} << i;
    ++matches;
  }
  if (matches == 0) return 0.0;
  int t = 0;
  std::uint64_t bs = matched_b;
  for (std::uint64_t as = matched_a; as; as &= as - 1) {
    int i = __builtin_ctzll(as), j = __builtin_ctzll(bs);
    bs &= bs - 1;
    if (a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(j)]) ++t;
  }
  return winkler(a, b, matches, t);
}

}  // namespace

double jaro_winkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() <= 64 && b.size() <= 64) return jaro_winkler_short(a, b);
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
  return winkler(a, b, matches, t);
}

namespace {

// Distance 0, 1 or "more" (2) without the table: the common case of the comparisons' limit of one.
int within_one_edit(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  if (a.size() < b.size()) std::swap(a, b);
  const std::size_t n = a.size(), m = b.size();
  if (n - m > 1) return 2;
  std::size_t i = 0;
  while (i < m && a[i] == b[i]) ++i;
  if (n == m) {
    if (a.substr(i + 1) == b.substr(i + 1)) return 1;  // one substitution
    if (i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2)) return 1;  // adjacent swap
    return 2;
  }
  return a.substr(i + 1) == b.substr(i) ? 1 : 2;  // one deletion from the longer
}

}  // namespace

int damerau_levenshtein(std::string_view a, std::string_view b, int limit) {
  const std::size_t n = a.size(), m = b.size();
  if (static_cast<int>(n > m ? n - m : m - n) > limit) return limit + 1;
  if (limit == 1) return within_one_edit(a, b);
  // Three rows of the table; on the stack for the short strings names and dates are.
  constexpr std::size_t kStack = 64;
  int stack[3 * (kStack + 1)];
  std::vector<int> heap;
  int* rows = stack;
  if (m > kStack) {
    heap.resize(3 * (m + 1));
    rows = heap.data();
  }
  int* prev2 = rows;
  int* prev = rows + (m + 1);
  int* cur = rows + 2 * (m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j), prev2[j] = 0;
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
    int* recycled = prev2;
    prev2 = prev;
    prev = cur;
    cur = recycled;
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
