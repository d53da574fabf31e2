#include "money/devolved.h"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

namespace jc::money {
namespace {

// The services practices hold notional budgets for: the acute and community care their patients
// use, commissioned by the NHS.
constexpr std::array<const char*, 5> kPracticeServices = {"ae_attendance", "emergency_admission_short_stay",
                                                          "emergency_admission_long_stay", "district_nursing_visit",
                                                          "community_mental_health_contact"};

std::int64_t pool_budget(store::Database& db, PoolId pool) {
  return db.query_integer("SELECT COALESCE(SUM(budget_pence), 0) FROM pool_schemes WHERE pool_id = ?", {pool.value}).value_or(0);
}

// Age bands for capitation: 0-4, 5-15, 16-44, 45-64, 65-74, 75-84, 85+.
std::size_t capitation_band(int age) {
  static constexpr int kUpper[] = {5, 16, 45, 65, 75, 85};
  std::size_t b = 0;
  while (b < 6 && age >= kUpper[b]) ++b;
  return b;
}

}  // namespace

Status set_devolved_budget(store::Database& db, PoolId pool, std::int64_t locality_id, int year, std::int64_t budget) {
  if (!db.query_integer("SELECT 1 FROM pools WHERE id = ?", {pool.value})) return Error{"no pool " + std::to_string(pool.value)};
  if (!db.query_integer("SELECT 1 FROM localities WHERE id = ?", {locality_id})) return Error{"no locality " + std::to_string(locality_id)};
  if (budget < 0) return Error{"budget: pence, not negative"};
  std::int64_t others = db.query_integer("SELECT COALESCE(SUM(budget_pence), 0) FROM devolved_budgets WHERE pool_id = ? AND "
                                         "financial_year = ? AND locality_id <> ?",
                                         {pool.value, std::int64_t{year}, locality_id})
                            .value_or(0);
  std::int64_t whole = pool_budget(db, pool);
  if (others + budget > whole)
    return Error{"devolving " + std::to_string(budget) + " pence would take the pool's devolved budgets to " +
                 std::to_string(others + budget) + " pence, past its own budget of " + std::to_string(whole) + " pence"};
  store::Transaction tx(db);
  db.execute("DELETE FROM devolved_budgets WHERE pool_id = ? AND locality_id = ? AND financial_year = ?",
             {pool.value, locality_id, std::int64_t{year}});
  db.execute("INSERT INTO devolved_budgets (pool_id, locality_id, financial_year, budget_pence) VALUES (?, ?, ?, ?)",
             {pool.value, locality_id, std::int64_t{year}, budget});
  tx.commit();
  return {};
}

Result<DevolvedStatement> devolved_statement(store::Database& db, PoolId pool, const std::string& month) {
  auto period = year_to_date(month);
  if (!period) return period.error();
  auto p = find_pool(db, std::to_string(pool.value));
  if (!p) return p.error();
  DevolvedStatement s;
  s.pool = *p;
  s.from = period->from;
  s.to = period->to;
  std::map<std::string, DevolvedLine> lines;
  db.query("SELECT l.name, d.budget_pence FROM devolved_budgets d JOIN localities l ON l.id = d.locality_id "
           "WHERE d.pool_id = ? AND d.financial_year = ?",
           {pool.value, std::int64_t{period->financial_year}}, [&](const store::Row& r) { lines[r.text(0)].budget_pence = r.integer(1); });
  // The pool's activity in the year to date, by where the person's record places them: what the
  // pool funded, and for an aligned budget also each partner's own activity in the services its
  // schemes there are for (a partner's aligned scheme is named by the service it pays for).
  std::string funded = "a.pool_id = ?";
  if (p->kind == "aligned")
    funded = "(a.pool_id = ? OR (a.pool_id IS NULL AND EXISTS (SELECT 1 FROM pool_schemes ps WHERE ps.pool_id = " +
             std::to_string(pool.value) + " AND ps.owner_organisation_id = a.organisation_id AND ps.name = a.service)))";
  db.query("SELECT l.name, SUM(a.cost_pence) FROM activity a JOIN local_records r ON r.id = a.local_record_id "
           "LEFT JOIN lsoas s ON s.code = r.lsoa_code LEFT JOIN wards w ON w.id = s.ward_id LEFT JOIN localities l ON l.id = w.locality_id "
           "WHERE " + funded + " AND a.activity_date >= ? AND a.activity_date <= ? GROUP BY l.name",
           {pool.value, s.from.iso(), s.to.iso()}, [&](const store::Row& r) {
             if (r.is_null(0)) s.spend_without_locality_pence += r.integer(1);
             else lines[r.text(0)].spend_pence += r.integer(1);
           });
  for (auto& [name, line] : lines) {
    line.locality = name;
    line.forecast_outturn_pence = period->scale_to_year(line.spend_pence);
    line.variance_pence = line.budget_pence - line.forecast_outturn_pence;
    s.localities.push_back(line);
  }
  return s;
}

Status set_notional_budget(store::Database& db, OrganisationId practice, int year, const std::string& service, std::int64_t budget) {
  if (db.query_text("SELECT kind FROM organisations WHERE id = ?", {practice.value}).value_or("") != "gp_practice")
    return Error{"organisation " + std::to_string(practice.value) + " is not a GP practice"};
  if (service.empty()) return Error{"service: which service the budget is for"};
  if (budget < 0) return Error{"budget: pence, not negative"};
  store::Transaction tx(db);
  db.execute("DELETE FROM notional_budgets WHERE practice_organisation_id = ? AND financial_year = ? AND service = ?",
             {practice.value, std::int64_t{year}, service});
  db.execute("INSERT INTO notional_budgets (practice_organisation_id, financial_year, service, budget_pence) VALUES (?, ?, ?, ?)",
             {practice.value, std::int64_t{year}, service, budget});
  tx.commit();
  return {};
}

Result<PracticeStatement> practice_statement(store::Database& db, const std::string& month) {
  auto period = year_to_date(month);
  if (!period) return period.error();
  PracticeStatement s;
  s.from = period->from;
  s.to = period->to;
  std::map<std::int64_t, PracticeLine> practices;
  db.query("SELECT o.id, o.name, o.ods_code, n.service, n.budget_pence FROM notional_budgets n "
           "JOIN organisations o ON o.id = n.practice_organisation_id WHERE n.financial_year = ?",
           {std::int64_t{period->financial_year}}, [&](const store::Row& r) {
             PracticeLine& line = practices[r.integer(0)];
             line.practice = r.text(1);
             line.ods_code = r.text(2);
             line.budget_by_service[r.text(3)] += r.integer(4);
             line.budget_pence += r.integer(4);
           });
  if (practices.empty()) return Error{"no notional budgets for the financial year " + std::to_string(period->financial_year)};
  // The practices' registered patients' activity in budgeted services, by provider.
  std::map<std::tuple<std::int64_t, std::string, std::string>, std::int64_t> use;  // practice, service, provider
  db.query("SELECT r.gp_practice_id, a.service, o.name, SUM(a.cost_pence) FROM activity a JOIN local_records r ON r.id = a.local_record_id "
           "JOIN organisations o ON o.id = a.organisation_id JOIN notional_budgets n ON n.practice_organisation_id = r.gp_practice_id "
           "AND n.service = a.service AND n.financial_year = ? WHERE a.activity_date >= ? AND a.activity_date <= ? GROUP BY 1, 2, 3",
           {std::int64_t{period->financial_year}, s.from.iso(), s.to.iso()},
           [&](const store::Row& r) { use[{r.integer(0), r.text(1), r.text(2)}] += r.integer(3); });
  std::map<std::pair<std::string, std::string>, ContractLine> contracts;  // provider, service
  for (const auto& [key, pence] : use) {
    const auto& [practice, service, provider] = key;
    PracticeLine& line = practices[practice];
    line.spend_by_service[service] += pence;
    line.spend_pence += pence;
  }
  // Each practice's budget for a service follows its patients to the providers they used, in
  // proportion to the cost there, so the contracts add up to the practices' budgets.
  for (auto& [practice, line] : practices) {
    for (const auto& [service, budget] : line.budget_by_service) {
      std::vector<std::string> providers;
      std::vector<std::int64_t> weights;
      for (auto it = use.lower_bound({practice, service, ""}); it != use.end() && std::get<0>(it->first) == practice &&
                                                                std::get<1>(it->first) == service;
           ++it) {
        providers.push_back(std::get<2>(it->first));
        weights.push_back(it->second);
      }
      auto parts = apportion(budget, weights);
      for (std::size_t i = 0; i < providers.size(); ++i) {
        ContractLine& c = contracts[{providers[i], service}];
        c.provider = providers[i];
        c.service = service;
        c.notional_pence += parts[i];
        c.spend_pence += weights[i];
        ++c.practices;
      }
    }
    line.forecast_outturn_pence = period->scale_to_year(line.spend_pence);
    line.variance_pence = line.budget_pence - line.forecast_outturn_pence;
  }
  for (auto& [id, line] : practices) s.practices.push_back(std::move(line));
  std::sort(s.practices.begin(), s.practices.end(), [](const auto& a, const auto& b) { return a.practice < b.practice; });
  for (auto& [key, c] : contracts) s.contracts.push_back(std::move(c));
  return s;
}

Status seed_devolved_budgets(store::Database& db) {
  auto first = db.query_text("SELECT MIN(activity_date) FROM activity");
  if (!first) return Error{"the database holds no activity"};
  auto start = Date::parse_iso(*first);
  if (!start) return Error{"activity_date: not a date: " + *first};
  int year = start->month() >= 4 ? start->year() : start->year() - 1;
  Date year_from = *Date::from_ymd(year, 4, 1), year_to = *Date::from_ymd(year + 1, 3, 31);
  store::Transaction tx(db);
  // Localities: each pool's budget by resident population.
  std::vector<std::int64_t> locality_ids, populations;
  db.query("SELECT w.locality_id, SUM(s.population) FROM lsoas s JOIN wards w ON w.id = s.ward_id GROUP BY w.locality_id ORDER BY 1", {},
           [&](const store::Row& r) {
             locality_ids.push_back(r.integer(0));
             populations.push_back(r.integer(1));
           });
  for (const auto& pool : list_pools(db)) {
    auto parts = apportion(pool_budget(db, pool.id), populations);
    for (std::size_t i = 0; i < locality_ids.size(); ++i)
      if (auto st = set_devolved_budget(db, pool.id, locality_ids[i], year, parts[i]); !st) return st;
  }
  // Practices: weighted capitation. The area's cost of each service per registered patient in
  // each age band, times each practice's patients in that band, scaled to the area's spend.
  std::map<std::int64_t, std::array<std::int64_t, 7>> list_by_band;  // practice → patients per band
  db.query("SELECT r.organisation_id, r.birth_date FROM local_records r JOIN organisations o ON o.id = r.organisation_id "
           "WHERE o.kind = 'gp_practice'",
           {}, [&](const store::Row& r) {
             auto birth = r.is_null(1) ? Result<Date>(Error{""}) : Date::parse_iso(r.text(1));
             if (!birth) return;
             list_by_band[r.integer(0)][capitation_band(year_from.years_since(*birth))] += 1;
           });
  std::array<std::int64_t, 7> area_list{};
  for (const auto& [practice, bands] : list_by_band)
    for (std::size_t b = 0; b < 7; ++b) area_list[b] += bands[b];
  for (const char* service : kPracticeServices) {
    std::array<std::int64_t, 7> cost{};  // the area's spend by the patient's age band
    std::int64_t total = 0;
    db.query("SELECT r.birth_date, SUM(a.cost_pence) FROM activity a JOIN local_records r ON r.id = a.local_record_id "
             "WHERE a.service = ? AND a.activity_date >= ? AND a.activity_date <= ? GROUP BY r.birth_date",
             {std::string(service), year_from.iso(), year_to.iso()}, [&](const store::Row& r) {
               total += r.integer(1);
               auto birth = r.is_null(0) ? Result<Date>(Error{""}) : Date::parse_iso(r.text(0));
               if (birth) cost[capitation_band(year_from.years_since(*birth))] += r.integer(1);
             });
    if (total == 0) continue;
    std::vector<std::int64_t> practices, weights;
    for (const auto& [practice, bands] : list_by_band) {
      double w = 0;
      for (std::size_t b = 0; b < 7; ++b)
        if (area_list[b] > 0) w += static_cast<double>(bands[b]) * static_cast<double>(cost[b]) / static_cast<double>(area_list[b]);
      practices.push_back(practice);
      weights.push_back(static_cast<std::int64_t>(w));
    }
    auto parts = apportion(total, weights);
    for (std::size_t i = 0; i < practices.size(); ++i)
      if (auto st = set_notional_budget(db, OrganisationId(practices[i]), year, service, parts[i]); !st) return st;
  }
  tx.commit();
  return {};
}

}  // namespace jc::money
