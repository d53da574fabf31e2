#include "insight/case_committee.h"

#include <sodium.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "core/money.h"
#include "core/time.h"

namespace jc::insight {
namespace {

using nlohmann::ordered_json;

std::string pseudonym_key(store::Database& db) {
  if (auto k = db.query_text("SELECT key_hex FROM pseudonym_keys WHERE id = 1")) return *k;
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  db.execute("INSERT INTO pseudonym_keys (id, key_hex, created_at) VALUES (1, ?, ?) ON CONFLICT DO NOTHING",
             {std::string(hex), Timestamp::now().iso()});
  return *db.query_text("SELECT key_hex FROM pseudonym_keys WHERE id = 1");
}

std::string pseudonymise(const std::string& key_hex, const std::string& person_key) {
  unsigned char key[32];
  sodium_hex2bin(key, sizeof key, key_hex.data(), key_hex.size(), nullptr, nullptr, nullptr);
  unsigned char out[8];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(person_key.data()), person_key.size(), key, sizeof key);
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string("P-") + hex;
}

struct PersonUse {
  std::string locality;
  int age = -1;
  std::int64_t cost = 0;
  std::map<std::string, std::int64_t> by_organisation, by_service;
  std::set<std::string> organisations, teams;
  std::map<std::string, int> ae_by_month;
  int ae_year = 0;
  int early = 0, late = 0;  // emergency events and care weeks, first and second half
  int open_referrals = 0;
};

}  // namespace

Result<std::string> case_committee_report(store::Database& db, const CaseCommitteeOptions& o) {
  if (o.format != "json" && o.format != "csv") return Error{"--format must be json or csv"};
  auto first = db.query_text("SELECT MIN(activity_date) FROM activity");
  auto last = db.query_text("SELECT MAX(activity_date) FROM activity");
  if (!first || !last) return Error{"the database holds no activity"};
  Date start = *Date::parse_iso(*first), end = *Date::parse_iso(*last);
  Date middle = Date::from_days(start.days() + (end.days() - start.days()) / 2);
  bool linked = db.query_integer("SELECT COUNT(*) FROM local_records WHERE person_id IS NOT NULL").value_or(0) > 0;
  // A person is the linked person where the index has run, else the NHS number, else the record.
  const std::string person_key =
      linked ? "CAST(r.person_id AS TEXT)"
             : "COALESCE(r.nhs_number, CAST(r.organisation_id AS TEXT) || ':' || r.local_id)";
  std::unordered_map<std::string, PersonUse> people;
  // Where each person lives (their GP record's locality) and their age at the start.
  db.query("SELECT " + person_key + ", l.name, r.birth_date FROM local_records r JOIN organisations o ON o.id = "
           "r.organisation_id JOIN lsoas s ON s.code = r.lsoa_code JOIN wards w ON w.id = s.ward_id JOIN localities l ON "
           "l.id = w.locality_id WHERE o.kind = 'gp_practice'",
           {}, [&](const store::Row& r) {
             PersonUse& p = people[r.text(0)];
             p.locality = r.text(1);
             if (auto b = Date::parse_iso(r.text(2))) p.age = start.years_since(*b);
           });
  db.query("SELECT " + person_key + ", o.name, a.service, a.cost_pence, a.activity_date, COALESCE(t.name, '') FROM activity a "
           "JOIN local_records r ON r.id = a.local_record_id JOIN organisations o ON o.id = a.organisation_id "
           "LEFT JOIN teams t ON t.id = a.team_id",
           {}, [&](const store::Row& r) {
             PersonUse& p = people[r.text(0)];
             std::int64_t cost = r.integer(3);
             std::string service = r.text(2), date = r.text(4);
             p.cost += cost;
             p.by_organisation[r.text(1)] += cost;
             p.by_service[service] += cost;
             p.organisations.insert(r.text(1));
             if (!r.text(5).empty()) p.teams.insert(r.text(5));
             if (service == "ae_attendance") {
               ++p.ae_by_month[date.substr(0, 7)];
               ++p.ae_year;
             }
             bool emergency = service == "ae_attendance" || service.rfind("emergency_admission", 0) == 0;
             bool care = service == "home_care" || service == "residential_care" || service == "nursing_care" ||
                         service == "reablement" || service == "district_nursing_visit";
             if (emergency || care) (date < middle.iso() ? p.early : p.late)++;
           });
  db.query("SELECT " + person_key + ", COUNT(*) FROM referrals f JOIN local_records r ON r.id = f.local_record_id "
           "WHERE f.status IN ('sent', 'accepted', 'scheduled') GROUP BY 1",
           {}, [&](const store::Row& r) {
             auto it = people.find(r.text(0));
             if (it != people.end()) it->second.open_referrals = static_cast<int>(r.integer(1));
           });
  // Concentration of combined cost.
  std::vector<std::int64_t> costs;
  std::int64_t total = 0;
  for (const auto& [k, p] : people) {
    costs.push_back(p.cost);
    total += p.cost;
  }
  std::sort(costs.rbegin(), costs.rend());
  auto share = [&](double top) {
    auto n = static_cast<std::size_t>(std::ceil(top * static_cast<double>(costs.size())));
    std::int64_t s = 0;
    for (std::size_t i = 0; i < n && i < costs.size(); ++i) s += costs[i];
    return total ? static_cast<double>(s) / static_cast<double>(total) : 0.0;
  };
  std::map<std::string, std::vector<std::pair<std::string, const PersonUse*>>> by_locality;
  std::int64_t unplaced = 0;  // cost of people with no GP record, so no locality: shown, not dropped
  for (const auto& [k, p] : people) {
    if (p.locality.empty()) unplaced += p.cost;
    else if (p.cost > 0) by_locality[p.locality].emplace_back(k, &p);
  }
  std::string key = pseudonym_key(db);
  ordered_json out;
  out["period"] = {{"from", start.iso()}, {"to", end.iso()}};
  out["persons_linked"] = linked;
  out["total_cost_pence"] = total;
  out["cost_without_locality_pence"] = unplaced;
  out["concentration"] = {{"top_1_percent_share", share(0.01)}, {"top_5_percent_share", share(0.05)},
                          {"top_20_percent_share", share(0.20)}};
  out["deterioration_rule"] = "aged 65 or over; emergency events and care weeks in the second half of the period at least 1.5 times the first half, and at least 3";
  std::string csv = "locality,rank,person,combined_cost,organisations,teams,open_referrals,uncoordinated,high_intensity_ae,deteriorating\n";
  ordered_json localities = ordered_json::array();
  for (auto& [locality, list] : by_locality) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.second->cost != b.second->cost ? a.second->cost > b.second->cost : a.first < b.first;
    });
    ordered_json agenda = ordered_json::array();
    for (std::size_t i = 0; i < list.size() && i < o.top; ++i) {
      const PersonUse& p = *list[i].second;
      int max_month = 0;
      for (const auto& [m, n] : p.ae_by_month) max_month = std::max(max_month, n);
      bool high_intensity = max_month > 5 || p.ae_year > 20;
      bool uncoordinated = p.organisations.size() >= 3;  // no shared care plans exist yet
      bool deteriorating = p.age >= 65 && p.late >= 3 && p.late >= 1.5 * std::max(1, p.early);
      std::string pseudonym = pseudonymise(key, list[i].first);
      ordered_json by_org = ordered_json::object(), by_service = ordered_json::object();
      for (const auto& [org, c] : p.by_organisation) by_org[org] = c;
      for (const auto& [svc, c] : p.by_service) by_service[svc] = c;
      agenda.push_back({{"rank", i + 1},
                        {"person", pseudonym},
                        {"age_band", p.age < 0 ? "unknown" : p.age < 65 ? "under 65" : p.age < 85 ? "65-84" : "85+"},
                        {"combined_cost_pence", p.cost},
                        {"combined_cost", Money::pence(p.cost).formatted()},
                        {"cost_by_organisation_pence", by_org},
                        {"cost_by_service_pence", by_service},
                        {"teams", std::vector<std::string>(p.teams.begin(), p.teams.end())},
                        {"open_referrals", p.open_referrals},
                        {"shared_care_plan", false},
                        {"key_worker", false},
                        {"flags", {{"uncoordinated", uncoordinated}, {"high_intensity_ae", high_intensity}, {"deteriorating", deteriorating}}}});
      csv += locality + "," + std::to_string(i + 1) + "," + pseudonym + "," + Money::pence(p.cost).decimal() + "," +
             std::to_string(p.organisations.size()) + "," + std::to_string(p.teams.size()) + "," +
             std::to_string(p.open_referrals) + "," + (uncoordinated ? "yes" : "no") + "," + (high_intensity ? "yes" : "no") +
             "," + (deteriorating ? "yes" : "no") + "\n";
    }
    localities.push_back({{"locality", locality}, {"people", list.size()}, {"agenda", agenda}});
  }
  out["localities"] = localities;
  if (o.format == "csv") return csv;
  return out.dump(2) + "\n";
}

}  // namespace jc::insight
