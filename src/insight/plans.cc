#include "insight/plans.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/money.h"
#include "core/time.h"
#include "insight/spend.h"
#include "io/toml_file.h"

namespace jc::insight {
namespace {

using nlohmann::ordered_json;

// Monthly values of an indicator, oldest first (months with no data are absent).
std::map<std::string, double> measure(store::Database& db, const std::string& code) {
  std::map<std::string, double> out;
  double population = static_cast<double>(db.query_integer("SELECT COALESCE(SUM(population), 0) FROM lsoas").value_or(0));
  auto per_1000 = [&](const char* service) {
    db.query("SELECT substr(activity_date, 1, 7), COUNT(*) FROM activity WHERE service = ? GROUP BY 1", {std::string(service)},
             [&](const store::Row& r) { out[r.text(0)] = population > 0 ? 1000.0 * static_cast<double>(r.integer(1)) / population : 0; });
  };
  auto spend = [&](const char* service) {
    db.query("SELECT substr(activity_date, 1, 7), SUM(cost_pence) FROM activity WHERE service = ? GROUP BY 1", {std::string(service)},
             [&](const store::Row& r) { out[r.text(0)] = static_cast<double>(r.integer(1)) / 100.0; });
  };
  if (code == "ae_attendances_per_1000") per_1000("ae_attendance");
  else if (code == "emergency_admissions_per_1000") {
    db.query("SELECT substr(activity_date, 1, 7), COUNT(*) FROM activity WHERE service LIKE 'emergency_admission%' GROUP BY 1", {},
             [&](const store::Row& r) { out[r.text(0)] = population > 0 ? 1000.0 * static_cast<double>(r.integer(1)) / population : 0; });
  } else if (code == "home_care_spend_pounds") spend("home_care");
  else if (code == "residential_care_spend_pounds") spend("residential_care");
  else if (code == "referral_acceptance_rate") {
    db.query("SELECT substr(sent_at, 1, 7), AVG(CASE WHEN status IN ('accepted', 'scheduled', 'completed') THEN 1.0 ELSE 0.0 END) "
             "FROM referrals WHERE status <> 'sent' GROUP BY 1",
             {}, [&](const store::Row& r) { out[r.text(0)] = r.real(1); });
  } else if (code == "referral_response_hours") {
    std::map<std::string, std::pair<double, int>> acc;
    db.query("SELECT substr(sent_at, 1, 7), sent_at, responded_at FROM referrals WHERE responded_at IS NOT NULL", {},
             [&](const store::Row& r) {
               auto a = Timestamp::parse_iso(r.text(1)), b = Timestamp::parse_iso(r.text(2));
               if (!a || !b) return;
               auto& x = acc[r.text(0)];
               x.first += static_cast<double>(b->seconds() - a->seconds()) / 3600.0;
               ++x.second;
             });
    for (const auto& [m, x] : acc) out[m] = x.first / x.second;
  }
  return out;
}

}  // namespace

const std::vector<IndicatorDefinition>& plan_indicators() {
  static const std::vector<IndicatorDefinition> kAll = {
      {"ae_attendances_per_1000", "A&E attendances per 1,000 residents a month", "per 1,000"},
      {"emergency_admissions_per_1000", "Emergency admissions per 1,000 residents a month", "per 1,000"},
      {"home_care_spend_pounds", "Spend on home care a month", "£"},
      {"residential_care_spend_pounds", "Spend on residential care a month", "£"},
      {"referral_acceptance_rate", "Share of answered referrals accepted", "fraction"},
      {"referral_response_hours", "Mean hours from referral to response", "hours"},
  };
  return kAll;
}

Result<std::string> evaluate_plan(store::Database& db, const std::string& text, const std::string& source, const std::string& format,
                                  const std::string& as_of_text) {
  if (format != "json" && format != "table") return Error{"format: json or table"};
  auto doc = io::parse_toml(text, source);
  if (!doc) return doc.error();
  auto line = [&](const toml::node& n) { return source + ":" + std::to_string(n.source().begin.line); };
  auto name = (*doc)["name"].value<std::string>();
  if (!name || name->empty()) return Error{source + ": name: a plan needs a name"};
  Date as_of = Date::from_days(0);
  if (!as_of_text.empty()) {
    auto d = Date::parse_iso(as_of_text);
    if (!d) return Error{"as of: " + d.error().message};
    as_of = *d;
  } else {
    auto last = db.query_text("SELECT MAX(activity_date) FROM activity");
    as_of = last ? *Date::parse_iso(*last) : Date::from_days(0);
  }
  ordered_json out{{"plan", *name}, {"as_of", as_of.iso()}};
  std::ostringstream table;
  table << *name << " (as of " << as_of.iso() << ")\n";
  std::int64_t money = 0;
  if (auto m = (*doc)["budget_pence"]) {
    auto v = m.value<std::int64_t>();
    if (!v || *v < 0) return Error{line(*m.node()) + ": budget_pence: whole pence"};
    money = *v;
  }
  out["budget_pence"] = money;
  ordered_json outputs = ordered_json::array();
  if (auto arr = (*doc)["output"].as_array()) {
    for (const auto& node : *arr) {
      const auto* t = node.as_table();
      auto what = t ? (*t)["description"].value<std::string>() : std::nullopt;
      auto due = t ? (*t)["due"].value<std::string>() : std::nullopt;
      bool done = t ? (*t)["done"].value_or(false) : false;
      if (!what || !due || !Date::parse_iso(*due)) return Error{line(node) + ": output: description and due (YYYY-MM-DD) are needed"};
      std::string status = done ? "done" : *Date::parse_iso(*due) < as_of ? "overdue" : "on track";
      std::string rag = done ? "green" : status == "overdue" ? "red" : "amber";
      outputs.push_back({{"description", *what}, {"due", *due}, {"status", status}, {"rag", rag}});
      table << "  output: " << *what << " (due " << *due << "): " << status << "\n";
    }
  }
  out["outputs"] = outputs;
  ordered_json indicators = ordered_json::array();
  auto* arr = (*doc)["indicator"].as_array();
  if (!arr || arr->empty()) return Error{source + ": indicator: a plan needs at least one [[indicator]]"};
  for (const auto& node : *arr) {
    const auto* t = node.as_table();
    if (!t) return Error{line(node) + ": indicator: a table"};
    auto code = (*t)["measure"].value<std::string>();
    const auto& defs = plan_indicators();
    auto def = std::find_if(defs.begin(), defs.end(), [&](const auto& d) { return code && d.code == *code; });
    if (def == defs.end()) {
      std::string known;
      for (const auto& d : defs) known += (known.empty() ? "" : ", ") + d.code;
      return Error{line(node) + ": indicator.measure: one of " + known};
    }
    auto target = (*t)["target"].value<double>();
    if (!target) return Error{line(node) + ": indicator.target: a number"};
    std::string better = (*t)["better"].value_or(std::string("lower"));
    if (better != "lower" && better != "higher") return Error{line(node) + ": indicator.better: lower or higher"};
    double tolerance = (*t)["tolerance"].value_or(0.05);
    if (tolerance < 0 || tolerance > 1) return Error{line(node) + ": indicator.tolerance: a fraction from 0 to 1"};
    auto series_map = measure(db, *code);
    std::vector<std::string> months;
    std::vector<double> values;
    for (const auto& [m, v] : series_map) {
      if (m > as_of.iso().substr(0, 7)) continue;
      months.push_back(m);
      values.push_back(v);
    }
    ordered_json ind{{"measure", *code}, {"description", def->description}, {"unit", def->unit}, {"target", *target}, {"better", better}};
    if (values.empty()) {
      ind["rag"] = "grey";
      ind["note"] = "no data yet";
    } else {
      double latest = values.back();
      bool met = better == "lower" ? latest <= *target : latest >= *target;
      double gap = better == "lower" ? latest - *target : *target - latest;
      std::string rag = met ? "green" : gap <= std::abs(*target) * tolerance ? "amber" : "red";
      Trend tr = fit_trend(values);
      std::string direction = std::abs(tr.slope) < 1e-9 ? "flat" : (tr.slope < 0) == (better == "lower") ? "improving" : "worsening";
      // XmR control limits from the months before the latest.
      bool outside = false;
      double centre = 0, upper = 0, lower = 0;
      if (values.size() >= 4) {
        std::size_t n = values.size() - 1;
        double sum = 0, mr = 0;
        for (std::size_t i = 0; i < n; ++i) sum += values[i];
        for (std::size_t i = 1; i < n; ++i) mr += std::abs(values[i] - values[i - 1]);
        centre = sum / static_cast<double>(n);
        mr /= static_cast<double>(n - 1);
        upper = centre + 2.66 * mr;
        lower = centre - 2.66 * mr;
        outside = latest > upper || latest < lower;
        ind["control_limits"] = {{"centre", centre}, {"lower", lower}, {"upper", upper}};
      }
      ind["latest_month"] = months.back();
      ind["latest"] = latest;
      ind["rag"] = rag;
      ind["trend"] = direction;
      ind["monthly_change"] = tr.slope;
      ind["outside_control_limits"] = outside;
      ordered_json series = ordered_json::array();
      for (std::size_t i = 0; i < months.size(); ++i) series.push_back({{"month", months[i]}, {"value", values[i]}});
      ind["series"] = series;
      table << "  " << def->description << ": " << latest << " (target " << *target << ") " << rag << ", " << direction
            << (outside ? ", OUTSIDE CONTROL LIMITS" : "") << "\n";
    }
    indicators.push_back(ind);
  }
  out["indicators"] = indicators;
  if (format == "table") {
    if (money) table << "  money: " << Money::pence(money).formatted() << "\n";
    return table.str();
  }
  return out.dump(2) + "\n";
}

}  // namespace jc::insight
