#include "identity/string_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "identity/person_record.h"

namespace jc::identity {
namespace {

// Values from Winkler's papers and the usual test tables.
TEST(JaroWinkler, KnownValues) {
  EXPECT_NEAR(jaro_winkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(jaro_winkler("dwayne", "duane"), 0.84, 1e-4);
  EXPECT_NEAR(jaro_winkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_EQ(jaro_winkler("same", "same"), 1.0);
  EXPECT_EQ(jaro_winkler("", "abc"), 0.0);
  EXPECT_EQ(jaro_winkler("abc", "xyz"), 0.0);
}

TEST(DamerauLevenshtein, CountsTranspositionsAsOneEdit) {
  EXPECT_EQ(damerau_levenshtein("9434765919", "9434765919"), 0);
  EXPECT_EQ(damerau_levenshtein("9434765919", "9434756919"), 1);  // adjacent digits swapped
  EXPECT_EQ(damerau_levenshtein("smith", "smyth"), 1);
  EXPECT_EQ(damerau_levenshtein("kitten", "sitting"), 3);
  EXPECT_EQ(damerau_levenshtein("a", "abcdefghijkl", 3), 4);  // stops past the limit
}

TEST(Soundex, KnownCodes) {
  EXPECT_EQ(soundex("Robert"), "R163");
  EXPECT_EQ(soundex("Rupert"), "R163");
  EXPECT_EQ(soundex("Ashcraft"), "A261");
  EXPECT_EQ(soundex("Tymczak"), "T522");
  EXPECT_EQ(soundex("Pfister"), "P236");
  EXPECT_EQ(soundex("Lee"), "L000");
  EXPECT_EQ(soundex("123"), "");
}

TEST(Normalise, CaseDiacriticsPunctuationAndDoubleBarrels) {
  EXPECT_EQ(normalise_text("O'Neil-Smith, Jr."), "oneil smith jr");
  EXPECT_EQ(normalise_text("  Jos\xC3\xA9   \xC3\x89lodie "), "jose elodie");
  EXPECT_EQ(canonical_given_name("bill"), "william");
  EXPECT_EQ(canonical_given_name("peggy"), "margaret");
  EXPECT_EQ(canonical_given_name("zebedee"), "zebedee");
}

}  // namespace
}  // namespace jc::identity

namespace jc::identity {
namespace {

// Reference implementations, written the slow and obvious way, to check the fast paths against:
// the full optimal-string-alignment table, and Jaro-Winkler scanning each window.
int reference_osa(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

double reference_jaro_winkler(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size()), window = std::max(0, std::max(la, lb) / 2 - 1), m = 0;
  std::vector<bool> am(a.size()), bm(b.size());
  for (int i = 0; i < la; ++i)
    for (int j = std::max(0, i - window); j <= std::min(lb - 1, i + window); ++j)
      if (!bm[j] && a[i] == b[j]) {
        am[i] = bm[j] = true;
        ++m;
        break;
      }
  if (m == 0) return 0.0;
  int t = 0;
  for (int i = 0, j = 0; i < la; ++i)
    if (am[i]) {
      while (!bm[j]) ++j;
      if (a[i] != b[j]) ++t;
      ++j;
    }
  double jaro = (static_cast<double>(m) / la + static_cast<double>(m) / lb + (m - t / 2.0) / m) / 3.0;
  int p = 0;
  while (p < 4 && p < la && p < lb && a[p] == b[p]) ++p;
  return jaro + p * 0.1 * (1.0 - jaro);
}

TEST(StringMetrics, FastPathsAgreeWithTheReferenceOnRandomStrings) {
  std::mt19937 rng(7);
  auto random_string = [&](std::size_t max_len) {
    std::string s(rng() % (max_len + 1), 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 4);  // a small alphabet: many near-misses
    return s;
  };
  for (int k = 0; k < 20000; ++k) {
    std::string a = random_string(k % 2 ? 8 : 70), b = k % 3 ? random_string(k % 2 ? 8 : 70) : a;
    if (k % 3 == 0 && !b.empty()) b[rng() % b.size()] = 'z';  // one edit away
    EXPECT_EQ(damerau_levenshtein(a, b, 1), std::min(reference_osa(a, b), 2)) << a << " / " << b;
    EXPECT_DOUBLE_EQ(jaro_winkler(a, b), reference_jaro_winkler(a, b)) << a << " / " << b;
  }
}

}  // namespace
}  // namespace jc::identity
