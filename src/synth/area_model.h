// The synthetic local area's structure: geography (localities, wards, LSOAs with postcode
// sectors), organisations, teams, pools and demo staff, built deterministically from the
// reference data. No people here: see generator.h.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/organisation.h"
#include "core/role.h"
#include "synth/random.h"
#include "synth/reference_data.h"

namespace jc::synth {

struct AreaLsoa {
  LsoaReference ref;
  std::size_t ward = 0;      // index into AreaModel::wards
  std::size_t locality = 0;  // index into AreaModel::localities
  std::string sector;        // postcode sector, "CW1 3"
  std::vector<std::string> postcodes;  // the postcode units its addresses use
  std::vector<std::string> streets;
  std::array<int, 3> people{};  // people to make aged 0-15, 16-59, 60+ (scaled)
};

struct AreaLocality {
  std::string name;
  std::string town;
  std::vector<std::size_t> practices;  // indexes into AreaModel::organisations
  // Teams serving the locality (ids).
  TeamId social_work, district_nursing, health_visiting, family_support, mental_health, gp_liaison;
  std::size_t acute = 0;  // index into organisations: the acute trust that serves it
};

struct AreaPool {
  PoolId id;
  std::string name;
  std::string kind;  // "pooled" or "aligned"
  OrganisationId host;
};

struct DemoUser {
  std::string username;
  std::string display_name;
  Role role;
  OrganisationId organisation;
  std::optional<TeamId> team;
};

struct AreaModel {
  std::string la_code;
  std::string la_name;
  std::vector<AreaLocality> localities;
  std::vector<std::pair<std::string, std::size_t>> wards;  // name, locality index
  std::vector<AreaLsoa> lsoas;
  std::vector<Organisation> organisations;  // id = index + 1
  std::vector<GpPracticeInfo> practices;
  std::vector<Team> teams;  // id = index + 1
  std::vector<AreaPool> pools;
  std::vector<DemoUser> demo_users;
  long long target_population = 0;

  // Key organisations (indexes into organisations).
  std::size_t adult_social_care = 0, children_families = 0, commissioner = 0, community = 0, mental_health = 0;
  std::vector<std::size_t> acute_trusts, voluntary;
  // Key teams that are not per locality.
  TeamId reablement, hospital_discharge_asc, safeguarding, children_spa, emergency_department,
      acute_discharge_a, acute_discharge_b, chc_team, crisis_team, carers_support, home_care_provider;
  PoolId better_care_fund, learning_disability_pool, chc_pool, mental_health_pool;

  const Organisation& organisation(OrganisationId id) const { return organisations[static_cast<std::size_t>(id.value - 1)]; }
  const Team& team(TeamId id) const { return teams[static_cast<std::size_t>(id.value - 1)]; }
};

struct AreaOptions {
  std::string la_code = "E06000049";
  long long population = 0;  // 0: the real population from the reference data
};

// Builds the area. Deterministic for (reference, options, seed).
Result<AreaModel> build_area(const LocalAuthorityReference& reference, const AreaOptions& options, Random& random);

}  // namespace jc::synth
