#include "core/postcode.h"

#include <cctype>

namespace jc {
namespace {

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

Result<Postcode> Postcode::parse(std::string_view text) {
  std::string s;
  s.reserve(8);
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    if (!is_alpha(c) && !is_digit(c)) return Error{"a postcode has only letters, digits and spaces"};
    s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (s.size() > 7) return Error{"a postcode has at most seven letters and digits"};
  }
  if (s.size() < 5) return Error{"a postcode has at least five letters and digits"};
  // Inward code: digit, letter, letter.
  std::size_t out_len = s.size() - 3;
  if (!is_digit(s[out_len]) || !is_alpha(s[out_len + 1]) || !is_alpha(s[out_len + 2])) {
    return Error{"a postcode's inward code is a digit and two letters, as in \"1AA\""};
  }
  std::string_view out(s.data(), out_len);
  if (out == "GIR") return Postcode("GIR " + s.substr(out_len), 3, 3);
  // Outward code: area of one or two letters, then a district number of one or two digits,
  // or one digit and a letter (A9A, AA9A).
  std::size_t area_len = 0;
  while (area_len < out.size() && is_alpha(out[area_len])) ++area_len;
  if (area_len < 1 || area_len > 2) return Error{"a postcode area is one or two letters"};
  std::string_view rest = out.substr(area_len);
  bool ok = (rest.size() == 1 && is_digit(rest[0])) ||
            (rest.size() == 2 && is_digit(rest[0]) && (is_digit(rest[1]) || is_alpha(rest[1])));
  if (!ok) return Error{"a postcode district is the area and one or two digits, or a digit and a letter"};
  return Postcode(std::string(out) + " " + s.substr(out_len), area_len, out_len);
}

}  // namespace jc
