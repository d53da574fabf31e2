// The care record's REST routes (persons, referrals, notes, assessments, CHC, plans, budgets,
// consent, break-glass, alerts, audit): their handlers and their part of the route table
// (care_routes(), server/routes.h). JSON in and out, failures in the stable error shape. A thin
// face over src/care: every rule and every audit record lives there.
#pragma once

#include <string>
#include <string_view>

#include "server/routes.h"

namespace jc::server {

// URL query helpers shared with the other routes.
std::string query_value(const std::string& query, std::string_view name);  // "" when absent

}  // namespace jc::server
