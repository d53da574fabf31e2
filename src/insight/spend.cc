#include "insight/spend.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/time.h"
#include "io/csv_writer.h"

namespace jc::insight {
namespace {

using nlohmann::ordered_json;

bool mental_health_service(const std::string& s) { return s.find("mental_health") != std::string::npos; }
bool children_service(const std::string& s) {
  return s == "foster_placement" || s == "family_support_visit" || s == "health_visiting_contact" || s == "children_social_work_visit";
}

std::string client_group(int age, const std::string& service) {
  if (age < 18 || children_service(service)) return "children and families";
  if (mental_health_service(service)) return "mental health";
  if (age >= 65) return "older people";
  return "working-age adults";
}


}  // namespace

double Trend::half_width(double x) const {
  if (n < 3 || sxx <= 0) return 0;
  return 1.96 * residual_se * std::sqrt(1.0 + 1.0 / static_cast<double>(n) + (x - mean_x) * (x - mean_x) / sxx);
}

Trend fit_trend(const std::vector<double>& y) {
  Trend t;
  t.n = y.size();
  if (y.empty()) return t;
  double sy = 0;
  for (std::size_t i = 0; i < y.size(); ++i) t.mean_x += static_cast<double>(i), sy += y[i];
  t.mean_x /= static_cast<double>(y.size());
  double mean_y = sy / static_cast<double>(y.size());
  double sxy = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    double dx = static_cast<double>(i) - t.mean_x;
    t.sxx += dx * dx;
    sxy += dx * (y[i] - mean_y);
  }
  t.slope = t.sxx > 0 ? sxy / t.sxx : 0;
  t.intercept = mean_y - t.slope * t.mean_x;
  if (y.size() > 2) {
    double ss = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      double r = y[i] - t.at(static_cast<double>(i));
      ss += r * r;
    }
    t.residual_se = std::sqrt(ss / static_cast<double>(y.size() - 2));
  }
  return t;
}

double hhi(const std::vector<std::int64_t>& amounts) {
  double total = 0;
  for (auto a : amounts) total += static_cast<double>(a);
  if (total <= 0) return 0;
  double h = 0;
  for (auto a : amounts) {
    double share = 100.0 * static_cast<double>(a) / total;
    h += share * share;
  }
  return h;
}

Result<std::string> spend_report(store::Database& db, const SpendOptions& o) {
  if (o.format != "json" && o.format != "csv") return Error{"format: json or csv"};
  if (o.projection_months < 1 || o.projection_months > 60) return Error{"projection: 1 to 60 months"};
  auto start = db.query_text("SELECT MIN(activity_date) FROM activity");
  if (!start) return Error{"no activity to report"};
  Date from = *Date::parse_iso(*start);
  std::map<std::string, std::map<std::string, std::int64_t>> by_service_month;  // service → month → pence
  std::map<std::string, std::map<std::string, std::int64_t>> by_service_provider;
  std::map<std::string, std::int64_t> by_service, by_provider, by_group, by_month;
  std::int64_t total = 0;
  db.query("SELECT a.service, o.name, substr(a.activity_date, 1, 7), lr.birth_date, SUM(a.cost_pence) FROM activity a "
           "JOIN organisations o ON o.id = a.organisation_id JOIN local_records lr ON lr.id = a.local_record_id "
           "GROUP BY a.service, o.name, substr(a.activity_date, 1, 7), lr.birth_date",
           {}, [&](const store::Row& r) {
             std::string service = r.text(0), provider = r.text(1), month = r.text(2);
             std::int64_t pence = r.integer(4);
             int age = 40;
             if (auto b = Date::parse_iso(r.is_null(3) ? "" : r.text(3))) age = (from.days() - b->days()) / 365;
             by_service_month[service][month] += pence;
             by_service_provider[service][provider] += pence;
             by_service[service] += pence;
             by_provider[provider] += pence;
             by_group[client_group(age, service)] += pence;
             by_month[month] += pence;
             total += pence;
           });
  std::vector<std::string> months;
  for (const auto& [m, p] : by_month) months.push_back(m);

  ordered_json j;
  j["from"] = months.empty() ? "" : months.front();
  j["to"] = months.empty() ? "" : months.back();
  j["total_pence"] = total;
  j["client_group_rule"] = "under 18 or a children's service: children and families; a mental health service: mental health; "
                           "65 and over: older people; else working-age adults (age at the period's start)";
  auto pence_map = [](const std::map<std::string, std::int64_t>& m) {
    ordered_json x = ordered_json::object();
    std::vector<std::pair<std::string, std::int64_t>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [k, p] : v) x[k] = p;
    return x;
  };
  j["by_service_pence"] = pence_map(by_service);
  j["by_provider_pence"] = pence_map(by_provider);
  j["by_client_group_pence"] = pence_map(by_group);
  j["by_month_pence"] = pence_map(by_month);
  ordered_json services = ordered_json::array();
  std::ostringstream csv;
  csv << "service,month,kind,pence,lower_pence,upper_pence\n";
  for (const auto& [service, series] : by_service_month) {
    std::vector<double> y;
    for (const auto& m : months) {
      auto it = series.find(m);
      y.push_back(it == series.end() ? 0.0 : static_cast<double>(it->second));
    }
    Trend t = fit_trend(y);
    std::vector<std::int64_t> shares;
    for (const auto& [p, pence] : by_service_provider[service]) shares.push_back(pence);
    ordered_json s{{"service", service},
                   {"total_pence", by_service[service]},
                   {"providers", by_service_provider[service].size()},
                   {"hhi", std::round(hhi(shares))},
                   {"monthly_trend_pence", std::llround(t.slope)},
                   {"trend", t.slope > 0.02 * (t.intercept > 0 ? t.intercept : 1) ? "rising"
                             : t.slope < -0.02 * (t.intercept > 0 ? t.intercept : 1) ? "falling"
                                                                                     : "flat"}};
    ordered_json proj = ordered_json::array();
    for (int k = 0; k < o.projection_months; ++k) {
      double x = static_cast<double>(y.size() + static_cast<std::size_t>(k));
      double v = std::max(0.0, t.at(x)), h = t.half_width(x);
      proj.push_back({{"month_ahead", k + 1}, {"pence", std::llround(v)}, {"lower_pence", std::llround(std::max(0.0, v - h))},
                      {"upper_pence", std::llround(v + h)}});
      csv << io::csv_field(service) << ",+" << (k + 1) << ",projection," << std::llround(v) << "," << std::llround(std::max(0.0, v - h)) << ","
          << std::llround(v + h) << "\n";
    }
    for (std::size_t i = 0; i < months.size(); ++i) csv << io::csv_field(service) << "," << months[i] << ",actual," << std::llround(y[i]) << ",,\n";
    s["projection"] = proj;
    services.push_back(s);
  }
  j["services"] = services;
  // What people buy with personal budgets: the ledger's spend by description.
  ordered_json pb = ordered_json::object();
  db.query("SELECT description, SUM(amount_pence) FROM personal_budget_ledger WHERE kind = 'spend' GROUP BY description "
           "ORDER BY 2 DESC LIMIT 20",
           {}, [&](const store::Row& r) { pb[r.text(0)] = r.integer(1); });
  j["personal_budget_purchases_pence"] = pb;
  if (o.format == "csv") return csv.str();
  return j.dump(2) + "\n";
}

}  // namespace jc::insight
