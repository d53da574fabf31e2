// The Case Committee agenda (seed 000 §10.3): per locality, the people who use most of the whole
// system's resources, with their cost by organisation and service, the teams involved, open
// referrals, and flags: uncoordinated (three or more organisations and no shared care plan), high
// intensity user of A&E (NHS England: more than 5 attendances in a month or more than 20 in a year),
// and deterioration (65 or over, with emergency activity and care weeks in the second half of the
// period at least 1.5 times the first half and at least 3 such events). People appear under a
// pseudonym (a keyed BLAKE2b hash of the person key); the concentration curve shows what share of
// combined cost the top 1%, 5% and 20% of people account for.
#pragma once

#include <string>

#include "core/result.h"
#include "store/database.h"

namespace jc::insight {

struct CaseCommitteeOptions {
  std::size_t top = 20;
  std::string format = "json";  // json or csv
};

Result<std::string> case_committee_report(store::Database& db, const CaseCommitteeOptions& options);

}  // namespace jc::insight
