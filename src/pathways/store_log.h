// Event logs from JointCare's own data for a named pathway. A case is a person as the records
// know them: the NHS number where a record holds one, otherwise the organisation's own record
// (the person index, once linked, will join those). Groups are organisations, resources teams.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "pathways/event_log.h"
#include "store/database.h"

namespace jc::pathways {

// "referrals": every referral sent and answered; "hospital-discharge": admissions, discharge
// referrals and the social care that followed; "children": referrals to and within children's
// services; "urgent-care": A&E attendances, admissions and the referrals after them.
const std::vector<std::string>& named_pathways();
Result<EventLog> read_store_log(store::Database& db, const std::string& pathway);

}  // namespace jc::pathways
