#include "insight/jsna.h"

#include <climits>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>

#include "core/time.h"
#include "insight/statistics.h"

namespace jc::insight {
namespace {

using nlohmann::ordered_json;


struct Groups {
  std::string locality, ward, lsoa, practice, age, sex, client_group, decile;
};

std::string client_group_of(const std::string& band) {
  if (band == "0-17") return "children";
  if (band == "18-64") return "working-age adults";
  if (band == "unknown") return "unknown";
  return "older people";
}

// Orders "2" before "10" (deciles) and "0-17" before "18-64" (age bands).
struct NaturalLess {
  bool operator()(const std::string& a, const std::string& b) const {
    auto lead = [](const std::string& s) {
      std::size_t n = 0;
      while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
      return n;
    };
    std::size_t la = lead(a), lb = lead(b);
    if (la && lb && la != lb) return la < lb;
    return a < b;
  }
};

// Tallies of one measure by each grouping's value.
struct Tally {
  using Counts = std::map<std::string, std::int64_t, NaturalLess>;
  Counts by_locality, by_ward, by_lsoa, by_practice, by_age, by_sex, by_client_group, by_decile;
  std::int64_t total = 0;
  void add(const Groups& g, std::int64_t n = 1) {
    by_locality[g.locality] += n;
    by_ward[g.ward] += n;
    by_lsoa[g.lsoa] += n;
    if (!g.practice.empty()) by_practice[g.practice] += n;
    by_age[g.age] += n;
    by_sex[g.sex] += n;
    by_client_group[g.client_group] += n;
    by_decile[g.decile] += n;
    total += n;
  }
};

// The published form of a count under the report's rule.
std::optional<std::int64_t> shown(std::int64_t raw, DisclosureRule rule) {
  if (rule == DisclosureRule::NhsDigital) return disclose(raw);
  if (raw >= 1 && raw <= 5) return std::nullopt;
  return raw;
}

void put_count(ordered_json& j, const char* name, std::int64_t raw, DisclosureRule rule) {
  auto published = shown(raw, rule);
  if (published) {
    j[name] = *published;
  } else {
    j[name] = nullptr;
    j[std::string(name) == "count" ? "suppressed" : std::string(name) + "_suppressed"] = true;
  }
}

// One group's figures: the count, its denominator, and a rate per 1,000 (events) or a percentage
// (people), from the rounded figures, with the interval and the comparison with the area.
ordered_json group_figures(const std::string& label, std::int64_t count, std::int64_t population, bool people,
                           double area_value, DisclosureRule rule, bool secondary = false) {
  ordered_json j;
  j["group"] = label;
  put_count(j, "count", count, rule);
  if (secondary && j.contains("count") && !j["count"].is_null()) {
    j["count"] = nullptr;
    j["suppressed"] = true;
    j["secondary_suppression"] = true;
  }
  if (!j.contains("suppressed")) j["suppressed"] = false;
  put_count(j, "population_count", population, rule);
  auto c = secondary ? std::nullopt : shown(count, rule);
  auto p = shown(population, rule);
  if (!c || !p || *p == 0) {
    j["value"] = nullptr;
    j["comparison"] = "not published";
    return j;
  }
  double value, lower, upper;
  if (people) {
    Interval w = wilson(*c, *p);
    value = 100.0 * static_cast<double>(*c) / static_cast<double>(*p);
    lower = 100.0 * w.lower;
    upper = 100.0 * w.upper;
  } else {
    Interval b = byar(*c);
    double scale = 1000.0 / static_cast<double>(*p);
    value = static_cast<double>(*c) * scale;
    lower = b.lower * scale;
    upper = b.upper * scale;
  }
  j["value"] = value;
  j["ci95_lower"] = lower;
  j["ci95_upper"] = upper;
  j["comparison"] = lower > area_value ? "significantly higher" : upper < area_value ? "significantly lower" : "similar";
  return j;
}

}  // namespace

Result<std::string> jsna_report_json(store::Database& db, DisclosureRule rule) {
  // The reference date: the start of the activity recorded.
  Date reference = Timestamp::now().date();
  if (auto first = db.query_text("SELECT MIN(activity_date) FROM activity")) {
    if (auto d = Date::parse_iso(*first)) reference = *d;
  }
  std::map<std::int64_t, std::string> locality_name;
  db.query("SELECT id, name FROM localities", {}, [&](const store::Row& r) { locality_name[r.integer(0)] = r.text(1); });
  if (locality_name.empty()) return Error{"the database holds no local area"};
  // Each row: birth date, sex, LSOA, IMD decile, ward, locality id, GP practice name.
  auto groups_of = [&](const store::Row& r) {
    Groups g;
    auto birth = r.is_null(0) ? Result<Date>(Error{""}) : Date::parse_iso(r.text(0));
    g.age = birth ? age_band(reference.years_since(*birth)) : "unknown";
    g.sex = r.text(1);
    g.lsoa = r.text(2);
    g.decile = std::to_string(r.integer(3));
    g.ward = r.text(4);
    g.locality = locality_name[r.integer(5)];
    g.practice = r.is_null(6) ? std::string() : r.text(6);
    g.client_group = client_group_of(g.age);
    return g;
  };
  const std::string columns = "r.birth_date, r.sex, s.code, s.imd_decile, w.name, w.locality_id, gp.name";
  const std::string geography =
      " JOIN lsoas s ON s.code = r.lsoa_code JOIN wards w ON w.id = s.ward_id LEFT JOIN organisations gp ON gp.id = r.gp_practice_id ";
  // Denominators: everyone registered with a GP practice.
  Tally population;
  db.query("SELECT " + columns + " FROM local_records r JOIN organisations o ON o.id = r.organisation_id" + geography +
               "WHERE o.kind = 'gp_practice'",
           {}, [&](const store::Row& r) { population.add(groups_of(r)); });
  struct Measure {
    const char* name;
    const char* description;
    bool people;
    Tally tally;
  };
  std::vector<Measure> measures = {
      {"ae_attendances", "A&E attendances per 1,000 people", false, {}},
      {"emergency_admissions", "emergency admissions per 1,000 people", false, {}},
      {"people_receiving_adult_social_care", "people receiving adult social care, % of people", true, {}},
      {"children_in_need_or_looked_after", "children known to children's services, % of people", true, {}},
  };
  std::set<std::int64_t> asc_seen, cf_seen;
  db.query("SELECT " + columns + ", a.service, o.kind, r.id FROM activity a JOIN local_records r "
           "ON r.id = a.local_record_id JOIN organisations o ON o.id = a.organisation_id" + geography +
           "WHERE a.service IN ('ae_attendance', 'emergency_admission_short_stay', 'emergency_admission_long_stay') "
           "OR o.kind IN ('council_adult_social_care', 'council_children_and_families')",
           {}, [&](const store::Row& r) {
             std::string service = r.text(7), kind = r.text(8);
             Groups g = groups_of(r);
             if (service == "ae_attendance") measures[0].tally.add(g);
             else if (service.rfind("emergency_admission", 0) == 0) measures[1].tally.add(g);
             else if (kind == "council_adult_social_care" && asc_seen.insert(r.integer(9)).second) measures[2].tally.add(g);
             else if (kind == "council_children_and_families" && cf_seen.insert(r.integer(9)).second) measures[3].tally.add(g);
           });
  ordered_json out;
  out["reference_date"] = reference.iso();
  out["disclosure_rule"] = rule == DisclosureRule::NhsDigital
                              ? "NHS Digital: 0 stays 0, 1-7 suppressed, others rounded to the nearest 5"
                              : "1-5 rule: counts of 1 to 5 suppressed, with secondary suppression; others as they are";
  put_count(out, "population_count", population.total, rule);
  ordered_json list = ordered_json::array();
  for (const Measure& m : measures) {
    ordered_json mj;
    mj["measure"] = m.name;
    mj["description"] = m.description;
    // The area's own figure: totals from unrounded values, then rounded.
    ordered_json area = group_figures("area", m.tally.total, population.total, m.people, -1, rule);
    area.erase("comparison");
    double area_value = area["value"].is_number() ? area["value"].get<double>() : -1;
    mj["area"] = area;
    for (auto [key, field] : {std::pair{&Tally::by_locality, "localities"}, {&Tally::by_ward, "wards"}, {&Tally::by_lsoa, "lsoas"},
                              {&Tally::by_practice, "gp_practices"}, {&Tally::by_age, "age_bands"}, {&Tally::by_sex, "sexes"},
                              {&Tally::by_client_group, "client_groups"}, {&Tally::by_decile, "deprivation_deciles"}}) {
      // Secondary suppression (1-5 rule): one suppressed cell in a cut would be recoverable from
      // the total, so the next smallest published cell goes too.
      std::string secondary;
      if (rule == DisclosureRule::OneToFive) {
        int primary = 0;
        std::int64_t smallest = INT64_MAX;
        for (const auto& [label, pop] : population.*key) {
          auto it = (m.tally.*key).find(label);
          std::int64_t n = it == (m.tally.*key).end() ? 0 : it->second;
          if (!shown(n, rule)) ++primary;
          else if (n > 0 && n < smallest) smallest = n, secondary = label;
        }
        if (primary != 1) secondary.clear();
      }
      ordered_json groups = ordered_json::array();
      for (const auto& [label, pop] : population.*key) {
        auto it = (m.tally.*key).find(label);
        std::int64_t n = it == (m.tally.*key).end() ? 0 : it->second;
        groups.push_back(group_figures(label, n, pop, m.people, area_value, rule, !secondary.empty() && label == secondary));
      }
      mj[field] = groups;
    }
    list.push_back(mj);
  }
  out["measures"] = list;
  return out.dump(2) + "\n";
}

}  // namespace jc::insight
