// The JSNA report on a generated area: every published count obeys the disclosure rule.
#include "insight/jsna.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "insight/statistics.h"
#include "support/synthetic_area.h"

namespace jc::insight {
namespace {

// Walks the JSON: every field whose name contains "count" is 0, a multiple of 5 of at least 10,
// or null with a "suppressed" flag beside it.
void check_counts(const nlohmann::json& j, int& checked, int& suppressed) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key().find("count") != std::string::npos) {
        ++checked;
        if (it.value().is_null()) {
          ++suppressed;
          std::string flag = it.key() == "count" ? "suppressed" : it.key() + "_suppressed";
          EXPECT_TRUE(j.contains(flag) && j[flag] == true) << it.key();
        } else {
          auto v = it.value().get<std::int64_t>();
          EXPECT_TRUE(v == 0 || (v >= 10 && v % 5 == 0)) << it.key() << " = " << v;
        }
      } else {
        check_counts(it.value(), checked, suppressed);
      }
    }
  } else if (j.is_array()) {
    for (const auto& e : j) check_counts(e, checked, suppressed);
  }
}

TEST(Jsna, PublishesOnlyDisclosureControlledCountsWithIntervals) {
  auto db = testing::generated_area(6000);
  auto text = jsna_report_json(*db);
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto j = nlohmann::json::parse(*text);
  int checked = 0, suppressed = 0;
  check_counts(j, checked, suppressed);
  EXPECT_GT(checked, 100);
  EXPECT_GT(suppressed, 0);  // small groups exist at this size
  EXPECT_EQ(j["population_count"], 6000);
  ASSERT_EQ(j["measures"].size(), 4u);
  const auto& ae = j["measures"][0];
  EXPECT_EQ(ae["localities"].size(), 7u);
  for (const auto& loc : ae["localities"]) {
    if (loc["value"].is_null()) continue;
    EXPECT_LE(loc["ci95_lower"].get<double>(), loc["value"].get<double>());
    EXPECT_GE(loc["ci95_upper"].get<double>(), loc["value"].get<double>());
    // Rates come from the rounded figures.
    EXPECT_NEAR(loc["value"].get<double>(), 1000.0 * loc["count"].get<double>() / loc["population_count"].get<double>(), 1e-9);
  }
  // The oldest attend A&E most: their rate is significantly above the area's.
  std::string comparison;
  for (const auto& band : ae["age_bands"])
    if (band["group"] == "85+") comparison = band["comparison"];
  EXPECT_EQ(comparison, "significantly higher");
}

}  // namespace
}  // namespace jc::insight

namespace jc::insight {
namespace {

TEST(Jsna, EveryCutAndTheOneToFiveRuleWithSecondarySuppression) {
  auto db = testing::generated_area(3000, 11);
  auto text = jsna_report_json(*db, DisclosureRule::OneToFive);
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto j = nlohmann::json::parse(*text);
  int cuts = 0, secondary = 0;
  for (const auto& m : j["measures"]) {
    for (const char* cut : {"localities", "wards", "lsoas", "gp_practices", "age_bands", "sexes", "client_groups", "deprivation_deciles"}) {
      ASSERT_TRUE(m.contains(cut)) << cut;
      ++cuts;
      int suppressed = 0;
      for (const auto& g : m[cut]) {
        if (g["suppressed"].get<bool>()) {
          ++suppressed;
          EXPECT_TRUE(g["count"].is_null());
          if (g.contains("secondary_suppression")) ++secondary;
        } else {
          auto n = g["count"].get<std::int64_t>();
          EXPECT_TRUE(n == 0 || n > 5) << cut << " " << g.dump();  // 1-5 never published
        }
      }
      // One suppressed cell alone could be recovered from the total: never exactly one.
      EXPECT_NE(suppressed, 1) << m["measure"] << " by " << cut;
    }
  }
  EXPECT_EQ(cuts, 4 * 8);
  EXPECT_GT(secondary, 0);  // the rule had work to do on an area this small
  // The default stays the NHS Digital rule, with every cut.
  auto nhs = nlohmann::json::parse(*jsna_report_json(*db));
  for (const auto& g : nhs["measures"][0]["gp_practices"])
    if (!g["suppressed"].get<bool>()) {
      EXPECT_EQ(g["count"].get<std::int64_t>() % 5, 0);
    }
}

}  // namespace
}  // namespace jc::insight
