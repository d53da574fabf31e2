#include "identity/string_metrics.h"

#include <gtest/gtest.h>

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
