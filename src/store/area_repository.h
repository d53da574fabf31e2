// Reading the local area's reference data: localities, organisations, teams, and a summary.
#pragma once

#include <cstdint>
#include <vector>

#include "core/organisation.h"
#include "store/database.h"

namespace jc::store {

std::vector<Locality> load_localities(Database& db);
std::vector<Organisation> load_organisations(Database& db);
std::vector<Team> load_teams(Database& db);
std::optional<Organisation> find_organisation_by_code(Database& db, std::string_view ods_code);

struct AreaSummary {
  std::int64_t lsoas = 0;
  std::int64_t population = 0;
  std::int64_t localities = 0;
  std::int64_t organisations = 0;
  std::int64_t gp_practices = 0;
  std::int64_t teams = 0;
  std::int64_t staff_users = 0;
  std::int64_t local_records = 0;
  std::int64_t activity_rows = 0;
  std::int64_t activity_cost_pence = 0;
  std::int64_t referrals = 0;
  std::int64_t care_packages = 0;
};
AreaSummary summarise_area(Database& db);

}  // namespace jc::store
