#include "insight/case_committee.h"

#include <sodium.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

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

// Small integer-keyed tallies: a person touches a handful of organisations and services.
struct Tally {
  std::vector<std::pair<std::int32_t, std::int64_t>> items;
  void add(std::int32_t key, std::int64_t v) {
    for (auto& [k, x] : items)
      if (k == key) {
        x += v;
        return;
      }
    items.emplace_back(key, v);
  }
};

struct PersonUse {
  std::string key;  // the person index's id, else the NHS number, else organisation:local id
  std::string locality;
  int age = -1;
  std::int64_t cost = 0;
  Tally by_organisation, by_service, teams;  // teams: team id → events
  std::vector<int> ae_by_month;               // A&E attendances per month of the period
  int ae_year = 0;
  int early = 0, late = 0;  // emergency events and care weeks, first and second half
  int open_referrals = 0;
  bool shared_care_plan = false, key_worker = false;
};

}  // namespace

Result<std::string> case_committee_report(store::Database& db, const CaseCommitteeOptions& o) {
  if (o.format != "json" && o.format != "csv") return Error{"--format must be json or csv"};
  auto first = db.query_text("SELECT MIN(activity_date) FROM activity");
  auto last = db.query_text("SELECT MAX(activity_date) FROM activity");
  if (!first || !last) return Error{"the database holds no activity"};
  Date start = *Date::parse_iso(*first), end = *Date::parse_iso(*last);
  Date middle = Date::from_days(start.days() + (end.days() - start.days()) / 2);
  const std::string middle_iso = middle.iso();
  const int start_year = std::stoi(first->substr(0, 4)), start_month = std::stoi(first->substr(5, 2));
  const int months = (std::stoi(last->substr(0, 4)) - start_year) * 12 + std::stoi(last->substr(5, 2)) - start_month + 1;
  bool linked = db.query_integer("SELECT COUNT(*) FROM local_records WHERE person_id IS NOT NULL").value_or(0) > 0;
  // A person is the linked person where the index has run, else the NHS number, else the record.
  const std::string person_key =
      linked ? "CAST(r.person_id AS TEXT)"
             : "COALESCE(r.nhs_number, CAST(r.organisation_id AS TEXT) || ':' || r.local_id)";
  // One pass over the records: each record's person (a dense index), and where each person lives
  // (their GP record's locality) and their age at the start.
  std::vector<PersonUse> people;
  std::unordered_map<std::string, std::int32_t> index;
  std::vector<std::int32_t> person_of_record;
  auto person = [&](const std::string& key) {
    auto [it, added] = index.emplace(key, static_cast<std::int32_t>(people.size()));
    if (added) {
      people.emplace_back();
      people.back().key = key;
      people.back().ae_by_month.assign(static_cast<std::size_t>(std::max(1, months)), 0);
    }
    return it->second;
  };
  // Small lookups first, so the scan of records needs no joins.
  std::unordered_map<std::string, std::string> locality_of_lsoa;
  db.query("SELECT s.code, l.name FROM lsoas s JOIN wards w ON w.id = s.ward_id JOIN localities l ON l.id = w.locality_id", {},
           [&](const store::Row& r) { locality_of_lsoa[r.text(0)] = r.text(1); });
  std::unordered_set<std::int64_t> gp_practices;
  db.query("SELECT id FROM organisations WHERE kind = 'gp_practice'", {}, [&](const store::Row& r) { gp_practices.insert(r.integer(0)); });
  const std::string record_key = linked ? "CAST(person_id AS TEXT)"
                                        : "COALESCE(nhs_number, CAST(organisation_id AS TEXT) || ':' || local_id)";
  db.query("SELECT id, " + record_key + ", organisation_id, lsoa_code, birth_date FROM local_records", {}, [&](const store::Row& r) {
    auto id = static_cast<std::size_t>(r.integer(0));
    if (person_of_record.size() <= id) person_of_record.resize(id + 1, -1);
    std::int32_t p = person(r.text(1));
    person_of_record[id] = p;
    if (gp_practices.count(r.integer(2)) && !r.is_null(3)) {
      auto it = locality_of_lsoa.find(r.text(3));
      if (it == locality_of_lsoa.end()) return;
      people[static_cast<std::size_t>(p)].locality = it->second;
      if (auto b = Date::parse_iso(r.is_null(4) ? "" : r.text(4))) people[static_cast<std::size_t>(p)].age = start.years_since(*b);
    }
  });
  // One pass over the activity, integer keys only; names are looked up for the agenda alone.
  std::unordered_map<std::string, std::int32_t> service_index;
  std::vector<std::string> services;
  std::vector<char> service_ae, service_emergency, service_care;
  db.query("SELECT local_record_id, organisation_id, service, cost_pence, activity_date, COALESCE(team_id, 0) FROM activity", {},
           [&](const store::Row& r) {
             auto rid = static_cast<std::size_t>(r.integer(0));
             if (rid >= person_of_record.size() || person_of_record[rid] < 0) return;
             PersonUse& p = people[static_cast<std::size_t>(person_of_record[rid])];
             std::string service = r.text(2);
             auto [it, added] = service_index.emplace(service, static_cast<std::int32_t>(services.size()));
             if (added) {
               services.push_back(service);
               service_ae.push_back(service == "ae_attendance");
               service_emergency.push_back(service == "ae_attendance" || service.rfind("emergency_admission", 0) == 0);
               service_care.push_back(service == "home_care" || service == "residential_care" || service == "nursing_care" ||
                                      service == "reablement" || service == "district_nursing_visit");
             }
             auto sv = static_cast<std::size_t>(it->second);
             std::int64_t cost = r.integer(3);
             p.cost += cost;
             p.by_organisation.add(static_cast<std::int32_t>(r.integer(1)), cost);
             p.by_service.add(it->second, cost);
             if (auto team = r.integer(5)) p.teams.add(static_cast<std::int32_t>(team), 1);
             if (service_ae[sv] || service_emergency[sv] || service_care[sv]) {
               std::string date = r.text(4);
               if (service_ae[sv]) {
                 int m = (std::stoi(date.substr(0, 4)) - start_year) * 12 + std::stoi(date.substr(5, 2)) - start_month;
                 if (m >= 0 && m < static_cast<int>(p.ae_by_month.size())) ++p.ae_by_month[static_cast<std::size_t>(m)];
                 ++p.ae_year;
               }
               (date < middle_iso ? p.early : p.late)++;
             }
           });
  auto by_key = [&](const std::string& key) -> PersonUse* {
    auto it = index.find(key);
    return it == index.end() ? nullptr : &people[static_cast<std::size_t>(it->second)];
  };
  db.query("SELECT " + person_key + ", COUNT(*) FROM referrals f JOIN local_records r ON r.id = f.local_record_id "
           "WHERE f.status IN ('sent', 'accepted', 'scheduled') GROUP BY 1",
           {}, [&](const store::Row& r) {
             if (auto* p = by_key(r.text(0))) p->open_referrals = static_cast<int>(r.integer(1));
           });
  if (linked) {
    // The shared care record: an active care plan, and a key worker on an open involvement.
    db.query("SELECT DISTINCT CAST(person_id AS TEXT) FROM care_plans WHERE status = 'active'", {},
             [&](const store::Row& r) {
               if (auto* p = by_key(r.text(0))) p->shared_care_plan = true;
             });
    db.query("SELECT DISTINCT CAST(person_id AS TEXT) FROM involvements WHERE ended_at IS NULL AND key_worker_user_id IS NOT NULL", {},
             [&](const store::Row& r) {
               if (auto* p = by_key(r.text(0))) p->key_worker = true;
             });
  }
  std::unordered_map<std::int64_t, std::string> org_names, team_names;
  db.query("SELECT id, name FROM organisations", {}, [&](const store::Row& r) { org_names[r.integer(0)] = r.text(1); });
  db.query("SELECT id, name FROM teams", {}, [&](const store::Row& r) { team_names[r.integer(0)] = r.text(1); });
  // Concentration of combined cost.
  std::vector<std::int64_t> costs;
  std::int64_t total = 0;
  for (const auto& p : people) {
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
  for (const auto& p : people) {
    if (p.locality.empty()) unplaced += p.cost;
    else if (p.cost > 0) by_locality[p.locality].emplace_back(p.key, &p);
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
      for (int n : p.ae_by_month) max_month = std::max(max_month, n);
      bool high_intensity = max_month > 5 || p.ae_year > 20;
      bool uncoordinated = p.by_organisation.items.size() >= 3 && !p.shared_care_plan;
      bool deteriorating = p.age >= 65 && p.late >= 3 && p.late >= 1.5 * std::max(1, p.early);
      std::string pseudonym = pseudonymise(key, list[i].first);
      ordered_json by_org = ordered_json::object(), by_service = ordered_json::object();
      std::map<std::string, std::int64_t> orgs_named, services_named;
      for (const auto& [org, c] : p.by_organisation.items) orgs_named[org_names[org]] += c;
      for (const auto& [svc, c] : p.by_service.items) services_named[services[static_cast<std::size_t>(svc)]] += c;
      for (const auto& [org, c] : orgs_named) by_org[org] = c;
      for (const auto& [svc, c] : services_named) by_service[svc] = c;
      std::set<std::string> team_list;
      for (const auto& [team, n] : p.teams.items) team_list.insert(team_names[team]);
      agenda.push_back({{"rank", i + 1},
                        {"person", pseudonym},
                        {"age_band", p.age < 0 ? "unknown" : p.age < 65 ? "under 65" : p.age < 85 ? "65-84" : "85+"},
                        {"combined_cost_pence", p.cost},
                        {"combined_cost", Money::pence(p.cost).formatted()},
                        {"cost_by_organisation_pence", by_org},
                        {"cost_by_service_pence", by_service},
                        {"teams", std::vector<std::string>(team_list.begin(), team_list.end())},
                        {"open_referrals", p.open_referrals},
                        {"shared_care_plan", p.shared_care_plan},
                        {"key_worker", p.key_worker},
                        {"flags", {{"uncoordinated", uncoordinated}, {"high_intensity_ae", high_intensity}, {"deteriorating", deteriorating}}}});
      csv += locality + "," + std::to_string(i + 1) + "," + pseudonym + "," + Money::pence(p.cost).decimal() + "," +
             std::to_string(p.by_organisation.items.size()) + "," + std::to_string(team_list.size()) + "," +
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
