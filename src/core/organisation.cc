#include "core/organisation.h"

#include <array>

namespace jc {
namespace {

struct KindCode {
  OrganisationKind kind;
  std::string_view code;
};

constexpr std::array<KindCode, 8> kKinds = {{
    {OrganisationKind::CouncilAdultSocialCare, "council_adult_social_care"},
    {OrganisationKind::CouncilChildrenAndFamilies, "council_children_and_families"},
    {OrganisationKind::NhsCommissioner, "nhs_commissioner"},
    {OrganisationKind::CommunityHealthProvider, "community_health_provider"},
    {OrganisationKind::AcuteTrust, "acute_trust"},
    {OrganisationKind::MentalHealthTrust, "mental_health_trust"},
    {OrganisationKind::GpPractice, "gp_practice"},
    {OrganisationKind::VoluntarySectorProvider, "voluntary_sector_provider"},
}};

constexpr std::array<OrganisationKind, 8> kAll = {
    OrganisationKind::CouncilAdultSocialCare,  OrganisationKind::CouncilChildrenAndFamilies,
    OrganisationKind::NhsCommissioner,         OrganisationKind::CommunityHealthProvider,
    OrganisationKind::AcuteTrust,              OrganisationKind::MentalHealthTrust,
    OrganisationKind::GpPractice,              OrganisationKind::VoluntarySectorProvider};

}  // namespace

std::string_view to_code(OrganisationKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.code;
  return "unknown";
}

Result<OrganisationKind> organisation_kind_from_code(std::string_view code) {
  for (const auto& k : kKinds)
    if (k.code == code) return k.kind;
  return Error{"unknown organisation kind \"" + std::string(code) + "\""};
}

std::span<const OrganisationKind> all_organisation_kinds() { return kAll; }

bool is_council(OrganisationKind kind) {
  return kind == OrganisationKind::CouncilAdultSocialCare ||
         kind == OrganisationKind::CouncilChildrenAndFamilies;
}

}  // namespace jc
