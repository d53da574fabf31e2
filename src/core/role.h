// Staff roles. What each role may do is governance's business (a table in configuration); core
// only names them.
#pragma once

#include <span>
#include <string_view>

#include "core/result.h"

namespace jc {

enum class Role {
  DistrictNurse,
  SocialWorker,
  HealthVisitor,
  GeneralPractitioner,
  CareManager,
  OccupationalTherapist,
  ReablementWorker,
  MentalHealthPractitioner,
  HospitalDischargeCoordinator,
  TeamManager,
  Commissioner,
  CaldicottGuardian,
  DataProtectionOfficer,
  SystemAdministrator,
};

std::string_view to_code(Role role);  // "district_nurse", ...
std::string_view display_name(Role role);  // "District nurse", ...
Result<Role> role_from_code(std::string_view code);
std::span<const Role> all_roles();

}  // namespace jc
