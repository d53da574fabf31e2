#include "insight/scenario.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/money.h"
#include "core/organisation.h"
#include "core/time.h"
#include "insight/statistics.h"
#include "io/toml_file.h"

namespace jc::insight {
namespace {

using nlohmann::ordered_json;

const std::vector<std::string> kBands = {"0-17", "18-64", "65-74", "75-84", "85+"};

struct Shift {
  std::string from, to;
  double share = 0, cost_ratio = 1;
};

struct Scenario {
  std::string name;
  int years = 5;
  std::map<std::string, double> growth;
  std::vector<Shift> shifts;
  double home_care_reduction = 0;
  bool chc_assess_once = false;
  std::int64_t chc_assessment_cost_pence = 0;
  std::int64_t chc_cases_per_year = 0;
};

// Spend of one cell: a service, an age band and who pays (a pool, or the NHS or the council).
struct Cell {
  std::string service, band, funder;
};
bool operator<(const Cell& a, const Cell& b) {
  return std::tie(a.service, a.band, a.funder) < std::tie(b.service, b.band, b.funder);
}

Result<Scenario> parse(const std::string& text, const std::string& source,
                       const std::set<std::string>& services) {
  auto doc = io::parse_toml(text, source);
  if (!doc) return doc.error();
  Scenario s;
  auto where = [&](const toml::node& n) {
    return source + ":" + std::to_string(n.source().begin.line);
  };
  for (const auto& [key, node] : *doc) {
    std::string k(key.str());
    if (k != "name" && k != "years" && k != "growth" && k != "shift" && k != "reablement" &&
        k != "chc")
      return Error{where(node) + ": unknown key \"" + k +
                   "\" (name, years, growth, shift, reablement, chc)"};
  }
  auto name = (*doc)["name"].value<std::string>();
  if (!name || name->empty()) return Error{source + ": name: a scenario needs a name"};
  s.name = *name;
  if (auto y = (*doc)["years"]; y) {
    auto v = y.value<std::int64_t>();
    if (!v || *v < 3 || *v > 5) return Error{where(*y.node()) + ": years: 3, 4 or 5"};
    s.years = static_cast<int>(*v);
  }
  if (auto g = (*doc)["growth"].as_table()) {
    for (const auto& [band, node] : *g) {
      std::string b(band.str());
      if (std::find(kBands.begin(), kBands.end(), b) == kBands.end())
        return Error{where(node) + ": growth: no age band \"" + b +
                     "\" (0-17, 18-64, 65-74, 75-84, 85+)"};
      auto v = node.value<double>();
      if (!v || *v < -0.5 || *v > 0.5)
        return Error{where(node) + ": growth." + b + ": a yearly fraction between -0.5 and 0.5"};
      s.growth[b] = *v;
    }
  }
  if (auto shifts = (*doc)["shift"].as_array()) {
    for (const auto& node : *shifts) {
      const auto* t = node.as_table();
      if (!t) return Error{where(node) + ": shift: a table with from, to, share and cost_ratio"};
      Shift sh;
      auto from = (*t)["from"].value<std::string>(), to = (*t)["to"].value<std::string>();
      auto share = (*t)["share"].value<double>(), ratio = (*t)["cost_ratio"].value<double>();
      if (!from || !services.count(*from))
        return Error{where(node) + ": shift.from: not a service in the data (" +
                     from.value_or("missing") + ")"};
      if (!to || !services.count(*to))
        return Error{where(node) + ": shift.to: not a service in the data (" +
                     to.value_or("missing") + ")"};
      if (*from == *to) return Error{where(node) + ": shift: from and to are the same service"};
      if (!share || *share < 0 || *share > 1)
        return Error{where(node) + ": shift.share: a fraction from 0 to 1"};
      if (!ratio || *ratio < 0 || *ratio > 10)
        return Error{where(node) + ": shift.cost_ratio: from 0 to 10"};
      s.shifts.push_back({*from, *to, *share, *ratio});
    }
  } else if ((*doc)["shift"]) {
    return Error{where(*(*doc)["shift"].node()) + ": shift: write [[shift]] tables"};
  }
  if (auto r = (*doc)["reablement"].as_table()) {
    auto v = (*r)["home_care_reduction"].value<double>();
    if (!v || *v < 0 || *v > 1)
      return Error{where(*r) + ": reablement.home_care_reduction: a fraction from 0 to 1"};
    s.home_care_reduction = *v;
  }
  if (auto c = (*doc)["chc"].as_table()) {
    s.chc_assess_once = (*c)["assess_once"].value_or(false);
    auto cost = (*c)["assessment_cost_pence"].value<std::int64_t>();
    auto cases = (*c)["cases_per_year"].value<std::int64_t>();
    if (s.chc_assess_once && (!cost || *cost < 0 || !cases || *cases < 0))
      return Error{where(*c) +
                   ": chc: assessment_cost_pence and cases_per_year, whole numbers, are needed"};
    s.chc_assessment_cost_pence = cost.value_or(0);
    s.chc_cases_per_year = cases.value_or(0);
  }
  return s;
}

}  // namespace

Result<std::string> run_scenario(store::Database& db, const std::string& text,
                                 const std::string& source, const std::string& format) {
  if (format != "json" && format != "table") return Error{"format: json or table"};
  auto first = db.query_text("SELECT MIN(activity_date) FROM activity");
  if (!first) return Error{"no activity to cost"};
  Date base_start = *Date::parse_iso(*first);
  Date base_end = base_start.plus_days(364);
  // The base year: spend by service, age band and funder.
  std::map<Cell, double> base;
  std::set<std::string> services;
  std::map<std::string, std::int64_t> pool_ids;
  db.query(
      "SELECT a.service, lr.birth_date, p.name, o.kind, SUM(a.cost_pence), a.pool_id FROM activity "
      "a "
      "JOIN local_records lr ON lr.id = a.local_record_id JOIN organisations o ON o.id = "
      "a.organisation_id "
      "LEFT JOIN pools p ON p.id = a.pool_id WHERE a.activity_date <= ? GROUP BY 1, 2, 3, 4, 6",
      {base_end.iso()}, [&](const store::Row& r) {
        int age = 40;
        if (!r.is_null(1))
          if (auto b = Date::parse_iso(r.text(1))) age = (base_start.days() - b->days()) / 365;
        std::string funder;
        if (!r.is_null(2)) {
          funder = "pool: " + r.text(2);
          pool_ids[funder] = r.integer(5);
        } else {
          auto kind = organisation_kind_from_code(r.text(3));
          funder = kind && is_council(*kind) ? "council" : "nhs";
        }
        services.insert(r.text(0));
        base[{r.text(0), age_band(age), funder}] += static_cast<double>(r.integer(4));
      });
  auto scenario = parse(text, source, services);
  if (!scenario) return scenario.error();
  const Scenario& sc = *scenario;
  // Pools' partners and their shares of any overspend.
  // An aligned budget has no risk share: its activity is its host's, who keeps any over- or
  // underspend.
  std::map<std::string, std::vector<std::pair<std::string, int>>> partners;
  std::set<std::string> aligned;
  for (const auto& entry : pool_ids) {
    const std::string& funder =
        entry.first;  // a plain reference: clang 14 cannot capture a structured binding
    const auto& id = entry.second;
    if (db.query_text("SELECT kind FROM pools WHERE id = ?", {id}).value_or("") == "aligned") {
      aligned.insert(funder);
      db.query(
          "SELECT o.name FROM pools p JOIN organisations o ON o.id = p.host_organisation_id WHERE "
          "p.id = ?",
          {id}, [&](const store::Row& r) { partners[funder].emplace_back(r.text(0), 10'000); });
      continue;
    }
    db.query(
        "SELECT o.name, pp.share_basis_points FROM pool_partners pp JOIN organisations o ON o.id = "
        "pp.organisation_id "
        "WHERE pp.pool_id = ? ORDER BY o.name",
        {id}, [&](const store::Row& r) {
          partners[funder].emplace_back(r.text(0), static_cast<int>(r.integer(1)));
        });
  }
  std::map<std::string, double> base_by_funder;
  double base_total = 0;
  for (const auto& [c, v] : base) base_by_funder[c.funder] += v, base_total += v;

  ordered_json years = ordered_json::array();
  std::ostringstream table;
  table << sc.name << ": base year from " << base_start.iso() << ", "
        << Money::pence(std::llround(base_total)).formatted() << "\n";
  for (int y = 1; y <= sc.years; ++y) {
    std::map<Cell, double> baseline, cells;
    for (const auto& [c, v] : base) {
      auto g = sc.growth.find(c.band);
      double grown = v * std::pow(1.0 + (g == sc.growth.end() ? 0.0 : g->second), y);
      baseline[c] = grown;
      cells[c] = grown;
    }
    for (const auto& sh : sc.shifts) {
      std::map<Cell, double> add;
      for (auto& [c, v] : cells) {
        if (c.service != sh.from) continue;
        double moved = v * sh.share;
        v -= moved;
        add[{sh.to, c.band, c.funder}] += moved * sh.cost_ratio;
      }
      for (const auto& [c, v] : add) cells[c] += v;
    }
    if (sc.home_care_reduction > 0)
      for (auto& [c, v] : cells)
        if (c.service == "home_care") v *= 1.0 - sc.home_care_reduction;
    double chc_saving =
        sc.chc_assess_once
            ? static_cast<double>(sc.chc_assessment_cost_pence * sc.chc_cases_per_year)
            : 0.0;
    std::map<std::string, double> by_funder, baseline_by_funder;
    double total = -chc_saving, baseline_total = 0;
    for (const auto& [c, v] : cells) by_funder[c.funder] += v, total += v;
    for (const auto& [c, v] : baseline) baseline_by_funder[c.funder] += v, baseline_total += v;
    if (chc_saving > 0) by_funder["nhs"] -= chc_saving;
    ordered_json funders = ordered_json::object();
    for (const auto& [f, v] : by_funder)
      funders[f] = {{"scenario_pence", std::llround(v)},
                    {"baseline_pence", std::llround(baseline_by_funder[f])},
                    {"change_pence", std::llround(v - baseline_by_funder[f])}};
    ordered_json pools = ordered_json::array();
    std::map<std::string, double> by_partner;
    for (const auto& [funder, list] : partners) {
      double contributions = base_by_funder[funder], spent = by_funder[funder];
      double over = spent - contributions;
      ordered_json shares = ordered_json::object();
      for (const auto& [name, bp] : list) {
        double part = over * bp / 10'000.0;
        shares[name] = std::llround(part);
        by_partner[name] += part;
      }
      pools.push_back({{"pool", funder.substr(6)},
                       {"contributions_pence", std::llround(contributions)},
                       {"spend_pence", std::llround(spent)},
                       {"overspend_pence", std::llround(over)},
                       {"risk_share_pence", shares},
                       {"aligned", aligned.count(funder) > 0}});
    }
    ordered_json partner_json = ordered_json::object();
    for (const auto& [n, v] : by_partner) partner_json[n] = std::llround(v);
    years.push_back({{"year", y},
                     {"baseline_pence", std::llround(baseline_total)},
                     {"scenario_pence", std::llround(total)},
                     {"change_pence", std::llround(total - baseline_total)},
                     {"by_funder", funders},
                     {"pools", pools},
                     {"risk_share_by_partner_pence", partner_json}});
    table << "  year " << y << ": baseline "
          << Money::pence(std::llround(baseline_total)).formatted() << ", scenario "
          << Money::pence(std::llround(total)).formatted() << ", change "
          << Money::pence(std::llround(total - baseline_total)).formatted() << "\n";
  }
  if (format == "table") return table.str();
  ordered_json out{{"scenario", sc.name},
                   {"base_year_from", base_start.iso()},
                   {"base_year_pence", std::llround(base_total)},
                   {"years", years}};
  return out.dump(2) + "\n";
}

}  // namespace jc::insight
