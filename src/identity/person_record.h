// A person record normalised for linkage: names without case, punctuation or diacritics,
// phonetic codes, dates as digits, UK postcodes split into sector and district.
#pragma once

#include <climits>
#include <string>
#include <vector>

#include "core/result.h"
#include "interop/extract_profile.h"

namespace jc::identity {

struct PersonRecord {
  std::string id;
  long line = 0;
  std::string given, given_canonical, family, given_sx, family_sx;
  std::string dob;  // "YYYYMMDD" as written (digits only), possibly not a real date
  int dob_days = INT_MIN;
  int birth_year = 0;
  char sex = 0;  // 'f', 'm', 'o' or 0
  std::string postcode, pc_sector, pc_district;
  std::string address, town, identifier, email;
};

// Lower case ASCII letters, digits and single spaces: "O'Neil-Smith, José" → "oneil smith jose".
std::string normalise_text(std::string_view text);
// The formal name for a known nickname ("bill" → "william"), else the name itself.
std::string canonical_given_name(const std::string& normalised);

// Reads an extract through its profile into normalised records. Unreadable dates and malformed
// NHS numbers are not used; each is reported in `problems` with file, line and field.
Result<std::vector<PersonRecord>> load_person_records(const std::string& csv_path, const interop::ExtractProfile& profile,
                                                      std::vector<std::string>& problems);

}  // namespace jc::identity
