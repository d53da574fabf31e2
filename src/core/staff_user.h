// A member of staff who signs in to JointCare.
#pragma once

#include <optional>
#include <string>

#include "core/ids.h"
#include "core/role.h"
#include "core/time.h"

namespace jc {

struct StaffUser {
  StaffUserId id;
  std::string username;
  std::string display_name;
  Role role = Role::SocialWorker;
  OrganisationId organisation;
  std::optional<TeamId> team;
  bool active = true;
  int failed_logins = 0;
  std::optional<Timestamp> locked_until;
};

}  // namespace jc
