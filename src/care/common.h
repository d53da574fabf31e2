// Helpers the care services share; not part of their interface.
#pragma once

#include <string>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care::detail {

std::string trimmed(std::string s);
bool person_exists(store::Database& db, PersonId person);
// The failure a refusal of the gate answers (the gate has audited it): not found when the entry
// must stay invisible (`what` names it), else forbidden with `message` (default: why).
Failure refused(const governance::AccessDecision& decision, const std::string& what,
                std::string message = "");
// How well a record of the person serves to show their demographics to this user: -1 when the
// user may not see it, else higher for the user's own organisation's record, then for a verified
// NHS number.
int display_rank(governance::Gate& gate, PersonId person, OrganisationId record_organisation,
                 const std::string& nhs_status);

}  // namespace jc::care::detail
