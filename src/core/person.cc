#include "core/person.h"

#include <cctype>
#include <string>

namespace jc {

std::string_view to_code(Sex sex) {
  switch (sex) {
    case Sex::Female: return "female";
    case Sex::Male: return "male";
    case Sex::Other: return "other";
    case Sex::Unknown: break;
  }
  return "unknown";
}

Result<Sex> sex_from_text(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != ' ') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (s == "f" || s == "female" || s == "2" || s == "w" || s == "woman") return Sex::Female;
  if (s == "m" || s == "male" || s == "1" || s == "man") return Sex::Male;
  if (s == "o" || s == "other" || s == "x" || s == "i" || s == "indeterminate") return Sex::Other;
  if (s.empty() || s == "u" || s == "unknown" || s == "0" || s == "9" || s == "not known") {
    return Sex::Unknown;
  }
  return Error{"\"" + std::string(text) + "\" is not a sex code (F, M, O, U, 1, 2, 0, 9)"};
}

}  // namespace jc
