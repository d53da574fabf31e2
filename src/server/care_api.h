// The care record's REST routes (persons, referrals, notes, assessments, CHC, plans, budgets,
// consent, break-glass, alerts, audit): JSON in and out, failures in the stable error shape.
// A thin face over src/care: every rule and every audit record lives there.
#pragma once

#include <optional>
#include <string>

#include "care/context.h"
#include "governance/checkpoint.h"
#include "server/http_types.h"

namespace jc::server {

// Answers the request if it is a care-record route; nullopt otherwise. Sets `label` to the
// route's pattern (never the raw path, which carries identifiers). With `dispatch` false it only
// finds the route: it sets `label` and returns nullopt (or answers a malformed path at once)
// without touching the record, so a change can be run later on the worker pool.
std::optional<HttpResponse> route_care(const HttpRequest& request, std::string& label,
                                       const care::CareContext& ctx, bool dispatch = true,
                                       const governance::CheckpointLog* checkpoints = nullptr);

// URL query helpers shared with the other routes.
std::string query_value(const std::string& query, std::string_view name);  // "" when absent

}  // namespace jc::server
