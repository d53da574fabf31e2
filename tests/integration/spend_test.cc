// Spend and trend: hand-calculated trend lines, intervals and concentration; on a synthetic area,
// every cut adds up to the same total as the activity table.
#include "insight/spend.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/synthetic_area.h"

namespace jc::insight {
namespace {

TEST(Trend, FitsAStraightLineExactly) {
  auto t = fit_trend({10, 12, 14, 16, 18});
  EXPECT_DOUBLE_EQ(t.slope, 2.0);
  EXPECT_DOUBLE_EQ(t.intercept, 10.0);
  EXPECT_DOUBLE_EQ(t.residual_se, 0.0);
  EXPECT_DOUBLE_EQ(t.at(5), 20.0);
  EXPECT_DOUBLE_EQ(t.half_width(5), 0.0);
}

TEST(Trend, PredictionIntervalByHand) {
  // y = 1, 3, 2, 4: slope 0.8, intercept 1.3; residuals -0.3, 0.9, -0.9, 0.3 → SSE 1.8,
  // s = sqrt(1.8 / 2) = 0.948683; mean x 1.5, Sxx 5; at x = 4: 1.96 s sqrt(1 + 1/4 + 6.25/5) = 2.940.
  auto t = fit_trend({1, 3, 2, 4});
  EXPECT_NEAR(t.slope, 0.8, 1e-12);
  EXPECT_NEAR(t.intercept, 1.3, 1e-12);
  EXPECT_NEAR(t.residual_se, 0.9486833, 1e-6);
  EXPECT_NEAR(t.half_width(4), 1.96 * 0.9486833 * std::sqrt(1.0 + 0.25 + 6.25 / 5.0), 1e-6);
}

TEST(Concentration, HerfindahlHirschmanIndex) {
  EXPECT_DOUBLE_EQ(hhi({100}), 10000.0);  // a monopoly
  EXPECT_DOUBLE_EQ(hhi({50, 50}), 5000.0);
  EXPECT_DOUBLE_EQ(hhi({25, 25, 25, 25}), 2500.0);
  EXPECT_NEAR(hhi({60, 30, 10}), 3600.0 + 900.0 + 100.0, 1e-9);
  EXPECT_DOUBLE_EQ(hhi({}), 0.0);
}

TEST(SpendReport, EveryCutAddsUpToTheActivity) {
  auto db = testing::generated_area(1500, 3);
  auto text = spend_report(*db, SpendOptions{});
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto j = nlohmann::json::parse(*text);
  std::int64_t total = db->query_integer("SELECT SUM(cost_pence) FROM activity").value();
  EXPECT_EQ(j["total_pence"].get<std::int64_t>(), total);
  for (const char* cut : {"by_service_pence", "by_provider_pence", "by_client_group_pence", "by_month_pence"}) {
    std::int64_t sum = 0;
    for (const auto& [k, v] : j[cut].items()) sum += v.get<std::int64_t>();
    EXPECT_EQ(sum, total) << cut;
  }
  EXPECT_EQ(j["by_month_pence"].size(), 12u);
  for (const auto& s : j["services"]) {
    EXPECT_EQ(s["projection"].size(), 12u);
    EXPECT_GE(s["hhi"].get<double>(), 0.0);
    EXPECT_LE(s["hhi"].get<double>(), 10000.0);
    for (const auto& p : s["projection"]) EXPECT_LE(p["lower_pence"].get<std::int64_t>(), p["upper_pence"].get<std::int64_t>());
  }
  EXPECT_FALSE(spend_report(*db, SpendOptions{"xml", 12}).ok());
}

}  // namespace
}  // namespace jc::insight
