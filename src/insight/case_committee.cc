#include "insight/case_committee.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/money.h"

namespace jc::insight {

AgendaFlags flags_of(const AgendaEntry& p) {
  AgendaFlags f;
  f.uncoordinated = p.cost_by_organisation.size() >= 3 && !p.shared_care_plan;
  f.high_intensity_ae = p.ae_most_in_a_month > 5 || p.ae_in_period > 20;
  f.deteriorating = p.age >= 65 && p.emergency_and_care_late >= 3 &&
                    p.emergency_and_care_late >= 1.5 * std::max(1, p.emergency_and_care_early);
  return f;
}

Result<std::string> render_case_committee(const CaseCommitteeData& d, const std::string& format, const std::string& key) {
  using nlohmann::ordered_json;
  if (format != "json" && format != "csv") return Error{"--format must be json or csv"};
  ordered_json out;
  out["period"] = {{"from", d.from.iso()}, {"to", d.to.iso()}};
  out["persons_linked"] = d.persons_linked;
  out["total_cost_pence"] = d.total_cost_pence;
  out["cost_without_locality_pence"] = d.cost_without_locality_pence;
  out["concentration"] = {{"top_1_percent_share", d.top_1_percent_share}, {"top_5_percent_share", d.top_5_percent_share},
                          {"top_20_percent_share", d.top_20_percent_share}};
  out["deterioration_rule"] = "aged 65 or over; emergency events and care weeks in the second half of the period at least 1.5 times the first half, and at least 3";
  std::string csv = "locality,rank,person,combined_cost,organisations,teams,open_referrals,uncoordinated,high_intensity_ae,deteriorating\n";
  ordered_json localities = ordered_json::array();
  auto yes = [](bool b) { return b ? "yes" : "no"; };
  for (const auto& loc : d.localities) {
    ordered_json agenda = ordered_json::array();
    std::size_t rank = 0;
    for (const auto& p : loc.agenda) {
      ++rank;
      AgendaFlags f = flags_of(p);
      std::string pseudonym = pseudonymise(key, p.person_key);
      agenda.push_back({{"rank", rank},
                        {"person", pseudonym},
                        {"age_band", p.age < 0 ? "unknown" : p.age < 65 ? "under 65" : p.age < 85 ? "65-84" : "85+"},
                        {"combined_cost_pence", p.cost_pence},
                        {"combined_cost", Money::pence(p.cost_pence).formatted()},
                        {"cost_by_organisation_pence", p.cost_by_organisation},
                        {"cost_by_service_pence", p.cost_by_service},
                        {"teams", p.teams},
                        {"open_referrals", p.open_referrals},
                        {"shared_care_plan", p.shared_care_plan},
                        {"key_worker", p.key_worker},
                        {"flags", {{"uncoordinated", f.uncoordinated}, {"high_intensity_ae", f.high_intensity_ae}, {"deteriorating", f.deteriorating}}}});
      csv += loc.locality + "," + std::to_string(rank) + "," + pseudonym + "," + Money::pence(p.cost_pence).decimal() + "," +
             std::to_string(p.cost_by_organisation.size()) + "," + std::to_string(p.teams.size()) + "," +
             std::to_string(p.open_referrals) + "," + yes(f.uncoordinated) + "," + yes(f.high_intensity_ae) + "," +
             yes(f.deteriorating) + "\n";
    }
    localities.push_back({{"locality", loc.locality}, {"people", loc.people}, {"agenda", agenda}});
  }
  out["localities"] = localities;
  if (format == "csv") return csv;
  return out.dump(2) + "\n";
}

Result<std::string> case_committee_report(store::Database& db, const CaseCommitteeOptions& options) {
  if (options.format != "json" && options.format != "csv") return Error{"--format must be json or csv"};
  AnalyticEngine engine;
  if (auto r = engine.refresh(db); !r) return r.error();
  return engine.case_committee(options, pseudonym_key(db));
}

}  // namespace jc::insight
