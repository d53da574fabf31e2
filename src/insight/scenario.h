// Costed scenarios (the Costed Model, seed 002 §1.0, §7): what a change would do to spend, per
// funder, per pool and per partner, over three to five years, with each pool's risk share applied.
// The base is a year of recorded activity and cost; each year then applies, in order:
//   1. demographic growth by age band (compounded);
//   2. shifts: a share of one service's spend moves to another at a cost ratio (e.g. 10% of
//      residential placements to home care costing 55% as much);
//   3. reablement shortening packages: home care spend falls by a share;
//   4. assessing once for Continuing Healthcare: one assessment fewer per case, a saving to the NHS.
// The baseline is step 1 alone. A pool's contributions stay at the base year's spend; what it
// spends above (or below) that is shared by its partners in their agreed ratio. Deterministic:
// the same file on the same data gives the same figures. Nothing is written.
#pragma once

#include <string>

#include "core/result.h"
#include "store/database.h"

namespace jc::insight {

// Runs the scenario in `toml_text` (named `source` in errors) and reports as json or table.
Result<std::string> run_scenario(store::Database& db, const std::string& toml_text, const std::string& source,
                                 const std::string& format = "json");

}  // namespace jc::insight
