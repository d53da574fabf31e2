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

#include <string>

#include "core/result.h"
#include "store/database.h"

namespace jc::insight {

enum class DisclosureRule { NhsDigital, OneToFive };
Result<std::string> jsna_report_json(store::Database& db, DisclosureRule rule = DisclosureRule::NhsDigital);

}  // namespace jc::insight
