// The Case Committee agenda (seed 000 §10.3): per locality, the people who use most of the whole
// system's resources, with their cost by organisation and service, the teams involved, open
// referrals, and flags: uncoordinated (three or more organisations and no shared care plan), high
// intensity user of A&E (NHS England: more than 5 attendances in a month or more than 20 in a year),
// and deterioration (65 or over, with emergency activity and care weeks in the second half of the
// period at least 1.5 times the first half and at least 3 such events). People appear under a
// pseudonym (a keyed BLAKE2b hash of the person key); the concentration curve shows what share of
// combined cost the top 1%, 5% and 20% of people account for.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "insight/engine.h"
#include "store/database.h"

namespace jc::insight {

// One person on a locality's agenda, as the engine found them.
struct AgendaEntry {
  std::string person_key;  // pseudonymised before it is published
  int age = -1;            // at the start of the period; -1 unknown
  std::int64_t cost_pence = 0;
  std::map<std::string, std::int64_t> cost_by_organisation, cost_by_service;
  std::vector<std::string> teams;  // sorted, distinct
  int ae_most_in_a_month = 0, ae_in_period = 0;
  int emergency_and_care_early = 0, emergency_and_care_late = 0;  // first and second half of the period
  int open_referrals = 0;
  bool shared_care_plan = false, key_worker = false;
};

struct LocalityAgenda {
  std::string locality;
  std::size_t people = 0;  // people in the locality with any cost
  std::vector<AgendaEntry> agenda;
};

struct CaseCommitteeData {
  Date from, to;
  bool persons_linked = false;
  std::int64_t total_cost_pence = 0, cost_without_locality_pence = 0;
  double top_1_percent_share = 0, top_5_percent_share = 0, top_20_percent_share = 0;
  std::vector<LocalityAgenda> localities;  // by name
};

struct AgendaFlags {
  bool uncoordinated = false, high_intensity_ae = false, deteriorating = false;
};
AgendaFlags flags_of(const AgendaEntry& entry);

Result<std::string> render_case_committee(const CaseCommitteeData& data, const std::string& format, const std::string& pseudonym_key_hex);

// Loads an engine from the store and renders the agenda (the CLI's way; the server keeps one).
Result<std::string> case_committee_report(store::Database& db, const CaseCommitteeOptions& options);

}  // namespace jc::insight
