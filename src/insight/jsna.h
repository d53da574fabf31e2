// Joint Strategic Needs Assessment profiles: counts and rates by locality, age band and
// deprivation decile, with confidence intervals (Byar for rates, Wilson for proportions), each
// group compared with the whole area, and the NHS Digital disclosure rule applied to every
// published count. Rates and proportions are computed from the rounded figures; suppressed counts
// are null with "suppressed": true beside them.
#pragma once

#include <string>

#include "core/result.h"
#include "store/database.h"

namespace jc::insight {

Result<std::string> jsna_report_json(store::Database& db);

}  // namespace jc::insight
