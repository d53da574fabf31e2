// Helpers the care services share; not part of their interface.
#pragma once

#include <string>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care::detail {

std::string trimmed(std::string s);
bool person_exists(store::Database& db, PersonId person);
// Writes a refused attempt to the audit trail in its own transaction and returns the failure: not
// found when the entry must stay invisible, else forbidden with `message` (default: why).
Failure refuse(const CareContext& ctx, const governance::PersonAccess& access, const std::string& action,
               const std::string& record_type, const std::string& record_id, const governance::AccessDecision& decision,
               std::string message = "");
// How well a record of the person serves to show their demographics to this user: -1 when the
// user may not see it, else higher for the user's own organisation's record, then for a verified
// NHS number.
int display_rank(const governance::PersonAccess& access, OrganisationId record_organisation, const std::string& nhs_status);
// A decision refused for the role alone.
governance::AccessDecision role_denied();

}  // namespace jc::care::detail
