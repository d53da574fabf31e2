// NHS Continuing Healthcare (National Framework), assessed once, jointly: checklist (screening) →
// Decision Support Tool by a multidisciplinary team of health and social care → recommendation →
// funding decision. Fast Track skips to the decision for rapid deterioration.
//
// The recommendation follows the Framework's indicators: a priority level in any domain, or two
// or more severe levels, indicate a primary health need ("eligible"); one severe level with needs
// in other domains, or four or more high levels, call for the team's judgement ("consider");
// otherwise "not eligible". The decision is the commissioner's and is recorded as such.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care {

struct ChcDomain {
  std::string_view code, name;
  std::string_view highest;  // "high", "severe" or "priority"
  bool has_severe;           // priority domains may skip severe (altered states of consciousness)
};
std::span<const ChcDomain> chc_domains();
// "eligible", "consider" or "not_eligible" for a complete set of domain levels.
std::string chc_recommendation(const std::map<std::string, std::string>& levels);

struct ChcCase {
  std::int64_t id = 0;
  PersonId person;
  OrganisationId organisation;  // holds the case: the organisation of whoever opened it
  bool fast_track = false;
  std::string status, opened_at;
  std::optional<std::string> checklist_outcome, dst_at, recommendation, decision, decision_at;
  std::map<std::string, std::string> levels;
  std::vector<std::string> mdt;  // "name (role, organisation)"
};

Outcome<ChcCase> open_chc(const CareContext& ctx, PersonId person, bool fast_track);
Outcome<ChcCase> record_checklist(const CareContext& ctx, std::int64_t id, bool positive);
Outcome<ChcCase> record_dst(const CareContext& ctx, std::int64_t id,
                            const std::map<std::string, std::string>& levels,
                            const std::vector<StaffUserId>& mdt);
// decision: nhs_chc, joint_package, funded_nursing_care, social_care, not_eligible
Outcome<ChcCase> record_chc_decision(const CareContext& ctx, std::int64_t id,
                                     const std::string& decision);
Outcome<ChcCase> get_chc(const CareContext& ctx, std::int64_t id);

}  // namespace jc::care
