// String similarity for record linkage: Jaro-Winkler, optimal-string-alignment
// Damerau-Levenshtein, Soundex. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace jc::identity {

double jaro_winkler(std::string_view a, std::string_view b);
// Edits (insert, delete, substitute, swap adjacent) to turn a into b, stopping at limit + 1.
int damerau_levenshtein(std::string_view a, std::string_view b, int limit = 8);
// American Soundex of the letters of s ("robert" → "R163"); "" when s has no letters.
std::string soundex(std::string_view s);

}  // namespace jc::identity
