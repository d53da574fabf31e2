// Joint Strategic Needs Assessment profiles: counts and rates by locality, ward, LSOA, GP practice,
// age band, sex, client group and deprivation decile, with confidence intervals (Byar for rates, Wilson for proportions), each
// group compared with the whole area, and the NHS Digital disclosure rule applied to every
// published count. Rates and proportions are computed from the rounded figures; suppressed counts
// are null with "suppressed": true beside them. The older 1-5 rule (counts of 1 to 5 suppressed,
// others shown as they are) is an option; under it a cut with exactly one suppressed cell has its
// next smallest cell suppressed too ("secondary_suppression": true), so that no suppressed count
// can be recovered by subtraction from the published total. Client groups are by age: children
// (under 18), working-age adults (18-64), older people (65 and over).
#pragma once

#include <array>
#include <map>
#include <string>

#include "core/result.h"
#include "core/time.h"
#include "insight/engine.h"
#include "store/database.h"

namespace jc::insight {

// Orders "2" before "10" (deciles) and "0-17" before "18-64" (age bands).
struct NaturalLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

// One measure's counts by each cut's labels, and the unrounded total.
struct JsnaTally {
  using Counts = std::map<std::string, std::int64_t, NaturalLess>;
  Counts by_locality, by_ward, by_lsoa, by_practice, by_age, by_sex, by_client_group, by_decile;
  std::int64_t total = 0;
};

// What the engine counts: the population (everyone registered with a GP practice) and the four
// measures, at the reference date (the start of the activity recorded).
struct JsnaCube {
  Date reference;
  JsnaTally population;
  std::array<JsnaTally, 4> measures;  // A&E attendances, emergency admissions, adult social care, children's services
};

std::string client_group_of(const std::string& age_band);
std::string render_jsna(const JsnaCube& cube, DisclosureRule rule);

// Loads an engine from the store and renders the profiles (the CLI's way; the server keeps one).
Result<std::string> jsna_report_json(store::Database& db, DisclosureRule rule = DisclosureRule::NhsDigital);

}  // namespace jc::insight
