// A person across organisations: finding a person (by NHS number or demographics, with a match
// confidence), the person's summary and the "known to" panel (which organisations and teams know
// them, open referrals, current services, key workers), consent to share, and break-glass.
// Every call decides access through governance and writes its audit event.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care {

struct PersonQuery {
  std::string nhs_number;  // exact (validated); or the demographics below with a birth date
  std::string given_name, family_name, birth_date, postcode;
  std::size_t limit = 10;
};

struct PersonMatch {
  PersonId person;
  std::string nhs_number, given_name, family_name, birth_date, sex, postcode;
  double confidence = 0;   // probability that this is the person sought
  std::string matched_on;  // "nhs_number" or "demographics"
};
// Tracing: minimal demographics of the best matches, audited as a search.
Outcome<std::vector<PersonMatch>> find_persons(const CareContext& ctx, const PersonQuery& query);

struct TeamInvolvement {
  std::int64_t involvement_id = 0;
  TeamId team;
  std::string team_name, service;
  std::string started_at;
  std::optional<std::string> ended_at;
  std::optional<std::string> key_worker;
};

struct KnownToOrganisation {
  OrganisationId organisation;
  std::string name, kind, local_id;
  std::string
      match;  // how the organisation's record joined the person: "nhs_number" or "demographics"
  double confidence = 1;  // the record's agreement with the person's other records
  std::vector<TeamInvolvement> teams;
  int open_referrals = 0;
  std::vector<std::string> current_services;
};

struct KnownTo {
  std::vector<KnownToOrganisation> organisations;
  int withheld = 0;  // organisations not shown because the person's consent does not allow it
};

struct ReferralBrief {
  ReferralId id;
  std::string from_team, to_team, status, sent_at;
  std::optional<std::string> service_requested;
};

struct PersonSummary {
  PersonId id;
  std::string nhs_number, given_name, family_name, birth_date, sex, address, postcode;
  std::string relationship;  // the user's team's relationship: none, referred, active, ended
  bool by_override = false;
  KnownTo known_to;
  std::vector<ReferralBrief> referrals;  // open referrals, all teams (as consent allows)
};

Outcome<PersonSummary> person_summary(const CareContext& ctx, PersonId person);
Outcome<KnownTo> known_to(const CareContext& ctx, PersonId person);

// The person's journey across organisations, newest first: activity (contacts, visits,
// attendances, admissions), referrals, appointments, case notes (their existence and category) and
// assessments, each as the user may see it (mental health contacts count as sensitive).
struct TimelineEntry {
  std::string at, kind, organisation, description;
  std::optional<std::string> team;
};
Outcome<std::vector<TimelineEntry>> timeline(const CareContext& ctx, PersonId person,
                                             std::size_t limit = 200);

struct BreakGlassGrant {
  std::int64_t id = 0;
  std::string expires_at;
  std::int64_t alert_id = 0;
};
// Records an override of the absence of a legitimate relationship, for `hours`, with a reason;
// raises an alert for the Caldicott Guardian.
Outcome<BreakGlassGrant> break_glass(const CareContext& ctx, PersonId person,
                                     const std::string& reason, int hours = 4);

struct ConsentChoice {
  std::int64_t id = 0;
  OrganisationId organisation;
  std::string organisation_name, direction, recorded_at;
  bool allowed = true;
};
Outcome<ConsentChoice> record_consent(const CareContext& ctx, PersonId person,
                                      OrganisationId organisation, const std::string& direction,
                                      bool allowed);
Outcome<std::vector<ConsentChoice>> consents(const CareContext& ctx, PersonId person);

// The clerical review of record linkage, by staff whose role grants manage_person_index: a review
// accepted (the two records are one person: their persons merge) or rejected, and a merge undone.
// Each passes the gate; the change and its audit event commit together.
Outcome<Done> decide_link_review(const CareContext& ctx, std::int64_t review_id, bool accept);
Outcome<Done> undo_person_merge(const CareContext& ctx, std::int64_t merge_id);

// Raises an override alert (inside the caller's transaction).
std::int64_t raise_alert(store::Database& db, Timestamp now, const std::string& kind,
                         StaffUserId user, std::optional<PersonId> person,
                         const std::string& record_type, const std::string& record_id,
                         const std::string& reason);

}  // namespace jc::care
