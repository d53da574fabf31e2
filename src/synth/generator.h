// The synthetic local area: people drawn from the area's real age structure and deprivation,
// each organisation's own records of the people it serves (with the errors real extracts have),
// a year or more of activity and cost, referrals, care packages funded from pools, and demo staff.
// Deterministic for a seed (staff password hashes aside, which are salted).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/ids.h"
#include "core/organisation.h"
#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace jc::synth {

struct GenerateOptions {
  std::string reference_dir;          // shared/data/reference
  std::string la_code = "E06000049";  // Cheshire East
  long long population = 0;  // 0: the authority's real population (375,457 for Cheshire East)
  std::uint64_t seed = 1;
  Date start = *Date::from_ymd(2025, 4, 1);  // first day of activity
  int months = 12;
  std::string demo_password = "jointcare-demo";
  // Called as work proceeds: a phase name, units done, units in the phase.
  std::function<void(const std::string&, long long, long long)> progress;
};

struct GenerateSummary {
  long long people = 0;
  long long local_records = 0;
  long long activity_rows = 0;
  long long referrals = 0;
  long long care_packages = 0;
  std::int64_t total_cost_pence = 0;
};

// Writes the area into an empty database in one transaction. Fails, writing nothing, if the
// database already holds an area or the reference data cannot be read.
Result<GenerateSummary> generate_area(store::Database& db, const GenerateOptions& options);

// What an export keeps and what it tells of each extract written.
struct ExportOptions {
  // Whether a record (of that person, held by that organisation) goes into the extract; empty:
  // every record.
  std::function<bool(PersonId person, OrganisationId holder)> keep;
  // Called after each organisation's extract is written, with the records it holds and those
  // left out.
  std::function<void(const Organisation& holder, std::int64_t written, std::int64_t left_out)>
      written;
};

// Writes each organisation's person extract as CSV with its profile (TOML), and truth.csv
// (organisation code, local id, true person), from a generated database. Every file is its
// owner's only (0600): they hold personal data.
Status export_extracts(store::Database& db, const std::string& dir,
                       const ExportOptions& options = {});

// The unit costs the generator uses, for documentation and tests.
struct SocialCareUnitCosts {
  std::int64_t home_care_hour_pence;
  std::int64_t residential_week_pence;
  std::int64_t nursing_week_pence;
  std::int64_t funded_nursing_care_week_pence;
  std::int64_t day_care_day_pence;
  std::int64_t reablement_hour_pence;
  std::int64_t gp_consultation_pence;
  std::int64_t children_social_work_visit_pence;
  std::int64_t foster_placement_week_pence;
  std::int64_t befriending_session_pence;
};
const SocialCareUnitCosts& social_care_unit_costs();

}  // namespace jc::synth
