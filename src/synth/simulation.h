// A period of use of the shared care record, simulated through the same care services staff use
// (so every action is governed and audited as theirs would be): involvements derived from the
// year's activity and accepted referrals, then, over the days before `now`, referrals sent and
// answered, notes written, assessments shared between agencies, records read, consent choices,
// a few break-glass overrides and seal breaks, and the Caldicott Guardian reviewing some alerts.
// Needs the person index (jointcare link --db) first. Deterministic for a seed, times aside.
#pragma once

#include <cstdint>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace jc::synth {

struct SimulationOptions {
  std::uint64_t seed = 1;
  Timestamp now = Timestamp::now();
  int days = 28;          // the period of use simulated, ending at `now`
  int cases_per_user = 40;  // persons each demo practitioner works with
};

struct SimulationSummary {
  long long involvements = 0, referrals = 0, notes = 0, assessments = 0, reads = 0, break_glass = 0, alerts_reviewed = 0;
};

Result<SimulationSummary> simulate_use(store::Database& db, const SimulationOptions& options);

}  // namespace jc::synth
