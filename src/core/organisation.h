// Organisations of the local health and care system, their teams and kinds.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/result.h"

namespace jc {

enum class OrganisationKind {
  CouncilAdultSocialCare,
  CouncilChildrenAndFamilies,
  NhsCommissioner,
  CommunityHealthProvider,
  AcuteTrust,
  MentalHealthTrust,
  GpPractice,
  VoluntarySectorProvider,
};

// Stable codes used in the database, the API and files: "council_adult_social_care", ...
std::string_view to_code(OrganisationKind kind);
Result<OrganisationKind> organisation_kind_from_code(std::string_view code);
std::span<const OrganisationKind> all_organisation_kinds();
// Council-run (social care) rather than NHS.
bool is_council(OrganisationKind kind);

struct Organisation {
  OrganisationId id;
  std::string ods_code;  // ODS-style code, unique: "RBT", "00EQ", "N81001"
  std::string name;
  OrganisationKind kind = OrganisationKind::NhsCommissioner;
  std::optional<LocalityId> locality;  // set for locality-based organisations (GP practices)
};

struct Team {
  TeamId id;
  OrganisationId organisation;
  std::string name;
  std::string service;  // what the team does: "district_nursing", "social_work", ...
  std::optional<LocalityId> locality;
};

struct Locality {
  LocalityId id;
  std::string name;
  std::string local_authority_code;  // "E06000049"
};

struct Ward {
  WardId id;
  std::string name;
  LocalityId locality;
};

struct Lsoa {
  std::string code;  // "E01018386"
  std::string name;
  WardId ward;
  int imd_decile = 0;  // 1 = most deprived tenth of England
  int imd_rank = 0;
  int population = 0;
  std::string postcode_sector;  // synthetic area: the sector its addresses use
};

struct GpPracticeInfo {
  OrganisationId organisation;
  std::string lsoa_code;
  int list_size = 0;
};

}  // namespace jc
