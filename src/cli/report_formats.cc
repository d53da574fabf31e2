#include "cli/report_formats.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/money.h"
#include "io/csv_writer.h"

namespace jc::cli {
namespace {

using nlohmann::json;

std::string text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v.get<double>());
    return buf;
  }
  return v.dump();
}

std::string pounds(const json& pence) { return pence.is_number() ? Money::pence(pence.get<std::int64_t>()).decimal() : ""; }


}  // namespace

Rows jsna_rows(const json& r) {
  Rows out{{"measure", "cut", "group", "count", "population", "value", "ci95_lower", "ci95_upper", "comparison"}, {}};
  static const char* kCuts[] = {"localities", "wards", "lsoas", "gp_practices", "age_bands", "sexes", "client_groups", "deprivation_deciles"};
  auto row = [&](const std::string& measure, const std::string& cut, const json& g) {
    out.rows.push_back({measure, cut, text(g.value("group", json())), g.value("suppressed", false) ? "*" : text(g["count"]),
                        text(g.value("population_count", json())), text(g.value("value", json())), text(g.value("ci95_lower", json())),
                        text(g.value("ci95_upper", json())), text(g.value("comparison", json()))});
  };
  for (const auto& m : r["measures"]) {
    std::string name = m["measure"];
    row(name, "area", m["area"]);
    for (const char* cut : kCuts)
      for (const auto& g : m[cut]) row(name, cut, g);
  }
  return out;
}

Rows case_committee_rows(const json& r) {
  Rows out{{"locality", "rank", "person", "age_band", "combined_cost", "organisations", "teams", "open_referrals", "shared_care_plan",
            "key_worker", "uncoordinated", "high_intensity_ae", "deteriorating"},
           {}};
  for (const auto& loc : r["localities"])
    for (const auto& p : loc["agenda"])
      out.rows.push_back({loc["locality"], text(p["rank"]), p["person"], p["age_band"], pounds(p["combined_cost_pence"]),
                          std::to_string(p["cost_by_organisation_pence"].size()), std::to_string(p["teams"].size()),
                          text(p["open_referrals"]), text(p["shared_care_plan"]), text(p["key_worker"]),
                          text(p["flags"]["uncoordinated"]), text(p["flags"]["high_intensity_ae"]), text(p["flags"]["deteriorating"])});
  return out;
}

Rows scenario_rows(const json& r) {
  Rows out{{"year", "funder", "baseline", "scenario", "change"}, {}};
  for (const auto& y : r["years"]) {
    out.rows.push_back({text(y["year"]), "all", pounds(y["baseline_pence"]), pounds(y["scenario_pence"]), pounds(y["change_pence"])});
    for (const auto& [funder, f] : y["by_funder"].items())
      out.rows.push_back({text(y["year"]), funder, pounds(f["baseline_pence"]), pounds(f["scenario_pence"]), pounds(f["change_pence"])});
  }
  return out;
}

Rows plan_rows(const json& r) {
  Rows out{{"kind", "item", "target_or_due", "latest", "rag", "trend", "outside_control_limits"}, {}};
  for (const auto& o : r["outputs"])
    out.rows.push_back({"output", text(o["description"]), text(o["due"]), text(o["status"]), text(o["rag"]), "", ""});
  for (const auto& i : r["indicators"])
    out.rows.push_back({"indicator", text(i["description"]), text(i.value("target", json())), text(i.value("latest", json())),
                        text(i.value("rag", json())), text(i.value("trend", json())), text(i.value("outside_control_limits", json()))});
  return out;
}

Rows spend_rows(const json& r) {
  Rows out{{"service", "total", "providers", "hhi", "monthly_trend", "trend"}, {}};
  for (const auto& s : r["services"])
    out.rows.push_back({text(s["service"]), pounds(s["total_pence"]), text(s["providers"]), text(s["hhi"]),
                        pounds(s["monthly_trend_pence"]), text(s["trend"])});
  return out;
}

void print_report(const std::string& json_text, const std::string& format, Rows (*flatten)(const json&)) {
  if (format == "json") {
    std::fputs(json_text.c_str(), stdout);
    return;
  }
  Rows t = flatten(json::parse(json_text));
  if (format == "csv") {
    auto line = [](const std::vector<std::string>& cells) {
      std::string s;
      for (std::size_t i = 0; i < cells.size(); ++i) s += (i ? "," : "") + io::csv_field(cells[i]);
      std::printf("%s\n", s.c_str());
    };
    line(t.header);
    for (const auto& r : t.rows) line(r);
    return;
  }
  std::vector<std::size_t> width(t.header.size(), 0);
  for (std::size_t i = 0; i < t.header.size(); ++i) width[i] = t.header[i].size();
  for (const auto& r : t.rows)
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], std::min<std::size_t>(r[i].size(), 48));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::string c = cells[i].size() > 48 ? cells[i].substr(0, 45) + "..." : cells[i];
      s += c + std::string(i + 1 < cells.size() ? width[i] - c.size() + 2 : 0, ' ');
    }
    std::printf("%s\n", s.c_str());
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
}

}  // namespace jc::cli
