// Budgets devolved to localities and practices' notional budgets on a generated area: every penny
// of the pool's budget is devolved, every penny of spend is attributed or shown as unattributed,
// the contracts add up to the practices' budgets, and a devolution past the pool's budget is
// refused and changes nothing.
#include "money/devolved.h"

#include <gtest/gtest.h>

#include <map>

#include "support/synthetic_area.h"

namespace jc::money {
namespace {

TEST(DevolvedBudgets, LocalitiesAndPracticesAccountForEveryPenny) {
  auto db = testing::generated_area(3000, 4);
  ASSERT_TRUE(seed_pool_ledgers(*db).ok());
  ASSERT_TRUE(seed_devolved_budgets(*db).ok());
  for (const auto& pool : list_pools(*db)) {
    std::int64_t budget = *db->query_integer("SELECT COALESCE(SUM(budget_pence), 0) FROM pool_schemes WHERE pool_id = ?", {pool.id.value});
    auto s = devolved_statement(*db, pool.id, "2026-03");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->localities.size(), 7u) << pool.name;
    std::int64_t devolved = 0, spent = s->spend_without_locality_pence;
    for (const auto& l : s->localities) {
      devolved += l.budget_pence;
      spent += l.spend_pence;
      EXPECT_EQ(l.forecast_outturn_pence, l.spend_pence);  // the whole year: the forecast is the spend
      EXPECT_EQ(l.variance_pence, l.budget_pence - l.spend_pence);
    }
    EXPECT_EQ(devolved, budget) << pool.name;
    // The spend attributed to localities is the spend the pool's ledger records for the year
    // (an aligned budget's included: each partner's own activity in its schemes' services).
    auto ledger = statement(*db, pool.id, "2026-03");
    ASSERT_TRUE(ledger.ok());
    EXPECT_EQ(spent, ledger->spend_pence)
        << pool.name;
    // Devolving more than the pool holds is refused and changes nothing.
    auto rows = *db->query_integer("SELECT SUM(budget_pence) FROM devolved_budgets");
    auto first = *db->query_integer("SELECT MIN(id) FROM localities");
    auto refused = set_devolved_budget(*db, pool.id, first, 2025, budget + 1);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("past its own budget"), std::string::npos);
    EXPECT_EQ(*db->query_integer("SELECT SUM(budget_pence) FROM devolved_budgets"), rows);
  }

  auto ps = practice_statement(*db, "2026-03");
  ASSERT_TRUE(ps.ok()) << ps.error().message;
  EXPECT_EQ(static_cast<std::int64_t>(ps->practices.size()),
            *db->query_integer("SELECT COUNT(*) FROM organisations WHERE kind = 'gp_practice'"));
  std::map<std::string, std::int64_t> budget_by_service, practice_spend;
  std::int64_t budgets = 0, spend = 0;
  for (const auto& p : ps->practices) {
    for (const auto& [service, b] : p.budget_by_service) budget_by_service[service] += b;
    budgets += p.budget_pence;
    spend += p.spend_pence;
  }
  // Weighted capitation shares out exactly the area's spend on each service.
  for (const auto& [service, b] : budget_by_service)
    EXPECT_EQ(b, *db->query_integer("SELECT SUM(cost_pence) FROM activity WHERE service = ? AND activity_date >= '2025-04-01' "
                                    "AND activity_date <= '2026-03-31'",
                                    {service}))
        << service;
  EXPECT_EQ(budget_by_service.count("emergency_admission_long_stay"), 1u);
  // The contracts are the same money seen by provider.
  std::int64_t notional = 0, contract_spend = 0;
  for (const auto& c : ps->contracts) {
    notional += c.notional_pence;
    contract_spend += c.spend_pence;
    EXPECT_GT(c.practices, 0);
  }
  EXPECT_EQ(contract_spend, spend);
  EXPECT_LE(notional, budgets);  // a practice none of whose patients used a service keeps that budget unspent
  EXPECT_GE(notional, budgets * 99 / 100);
  EXPECT_FALSE(practice_statement(*db, "2024-03").ok());  // no budgets set for that year
  EXPECT_FALSE(practice_statement(*db, "March").ok());
}

}  // namespace
}  // namespace jc::money
