#include "core/role.h"

#include <array>
#include <string>

namespace jc {
namespace {

struct RoleInfo {
  Role role;
  std::string_view code;
  std::string_view name;
};

constexpr std::array<RoleInfo, 14> kRoles = {{
    {Role::DistrictNurse, "district_nurse", "District nurse"},
    {Role::SocialWorker, "social_worker", "Social worker"},
    {Role::HealthVisitor, "health_visitor", "Health visitor"},
    {Role::GeneralPractitioner, "general_practitioner", "General practitioner"},
    {Role::CareManager, "care_manager", "Care manager"},
    {Role::OccupationalTherapist, "occupational_therapist", "Occupational therapist"},
    {Role::ReablementWorker, "reablement_worker", "Reablement worker"},
    {Role::MentalHealthPractitioner, "mental_health_practitioner", "Mental health practitioner"},
    {Role::HospitalDischargeCoordinator, "hospital_discharge_coordinator", "Hospital discharge coordinator"},
    {Role::TeamManager, "team_manager", "Team manager"},
    {Role::Commissioner, "commissioner", "Commissioner"},
    {Role::CaldicottGuardian, "caldicott_guardian", "Caldicott Guardian"},
    {Role::DataProtectionOfficer, "data_protection_officer", "Data protection officer"},
    {Role::SystemAdministrator, "system_administrator", "System administrator"},
}};

constexpr std::array<Role, 14> kAll = [] {
  std::array<Role, 14> a{};
  for (std::size_t i = 0; i < kRoles.size(); ++i) a[i] = kRoles[i].role;
  return a;
}();

}  // namespace

std::string_view to_code(Role role) {
  for (const auto& r : kRoles)
    if (r.role == role) return r.code;
  return "unknown";
}

std::string_view display_name(Role role) {
  for (const auto& r : kRoles)
    if (r.role == role) return r.name;
  return "Unknown";
}

Result<Role> role_from_code(std::string_view code) {
  for (const auto& r : kRoles)
    if (r.code == code) return r.role;
  return Error{"unknown role \"" + std::string(code) + "\""};
}

std::span<const Role> all_roles() { return kAll; }

}  // namespace jc
