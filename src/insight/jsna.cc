#include "insight/jsna.h"

#include <climits>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "insight/statistics.h"

namespace jc::insight {

using nlohmann::ordered_json;

bool NaturalLess::operator()(const std::string& a, const std::string& b) const {
  auto lead = [](const std::string& s) {
    std::size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
    return n;
  };
  std::size_t la = lead(a), lb = lead(b);
  if (la && lb && la != lb) return la < lb;
  return a < b;
}

std::string client_group_of(const std::string& band) {
  if (band == "0-17") return "children";
  if (band == "18-64") return "working-age adults";
  if (band == "unknown") return "unknown";
  return "older people";
}

namespace {

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

std::string render_jsna(const JsnaCube& cube, DisclosureRule rule) {
  struct Measure {
    const char* name;
    const char* description;
    bool people;
    const JsnaTally& tally;
  };
  const Measure measures[] = {
      {"ae_attendances", "A&E attendances per 1,000 people", false, cube.measures[0]},
      {"emergency_admissions", "emergency admissions per 1,000 people", false, cube.measures[1]},
      {"people_receiving_adult_social_care", "people receiving adult social care, % of people", true, cube.measures[2]},
      {"children_in_need_or_looked_after", "children known to children's services, % of people", true, cube.measures[3]},
  };
  const JsnaTally& population = cube.population;
  const Date reference = cube.reference;
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
    for (auto [key, field] : {std::pair{&JsnaTally::by_locality, "localities"}, {&JsnaTally::by_ward, "wards"}, {&JsnaTally::by_lsoa, "lsoas"},
                              {&JsnaTally::by_practice, "gp_practices"}, {&JsnaTally::by_age, "age_bands"}, {&JsnaTally::by_sex, "sexes"},
                              {&JsnaTally::by_client_group, "client_groups"}, {&JsnaTally::by_decile, "deprivation_deciles"}}) {
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

Result<std::string> jsna_report_json(store::Database& db, DisclosureRule rule) {
  AnalyticEngine engine;
  if (auto r = engine.refresh(db); !r) return r.error();
  return engine.jsna(rule);
}

}  // namespace jc::insight
