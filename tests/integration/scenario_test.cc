// Costed scenarios: hand-calculable cases change in the expected direction and amount; malformed
// scenario files are refused naming the line; nothing is written.
#include "insight/scenario.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/database_fixture.h"

namespace jc::insight {
namespace {

class ScenarioTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    db_->execute("INSERT INTO organisations (id, ods_code, name, kind) VALUES (1, 'LA1', 'Council', 'council_adult_social_care')");
    db_->execute("INSERT INTO organisations (id, ods_code, name, kind) VALUES (2, 'ICB', 'ICB', 'nhs_commissioner')");
    // One person aged 79 at the base year's start (band 75-84).
    db_->execute("INSERT INTO local_records (id, organisation_id, source_system, local_id, nhs_number_status, given_name, family_name, "
                 "birth_date, sex, address, postcode) VALUES (1, 1, 't', 'L1', '03', 'Ann', 'Old', '1945-06-01', 'female', '', '')");
    db_->execute("INSERT INTO activity (id, local_record_id, organisation_id, service, activity_date, units, cost_pence) VALUES "
                 "(1, 1, 1, 'home_care', '2025-04-01', 1, 100000), (2, 1, 1, 'residential_care', '2025-05-01', 1, 200000)");
  }
  nlohmann::json run(const std::string& toml) {
    auto out = run_scenario(*db_, toml, "test.toml");
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    return out.ok() ? nlohmann::json::parse(*out) : nlohmann::json();
  }
};

TEST_P(ScenarioTest, ShiftingResidentialPlacementsToHomeCareByHand) {
  auto j = run("name = \"shift\"\nyears = 3\n[growth]\n\"75-84\" = 0.10\n[[shift]]\nfrom = \"residential_care\"\nto = \"home_care\"\n"
               "share = 0.5\ncost_ratio = 0.5\n");
  EXPECT_EQ(j["base_year_pence"], 300000);
  ASSERT_EQ(j["years"].size(), 3u);
  // Year 1: grown 110,000 + 220,000 = 330,000; half the residential (110,000) moves at half the
  // cost (55,000): 110,000 + 55,000 + 110,000 = 275,000, a change of -55,000.
  EXPECT_EQ(j["years"][0]["baseline_pence"], 330000);
  EXPECT_EQ(j["years"][0]["scenario_pence"], 275000);
  EXPECT_EQ(j["years"][0]["change_pence"], -55000);
  // Year 2: ×1.21: 363,000 and 302,500.
  EXPECT_EQ(j["years"][1]["baseline_pence"], 363000);
  EXPECT_EQ(j["years"][1]["scenario_pence"], 302500);
  EXPECT_EQ(j["years"][0]["by_funder"]["council"]["change_pence"], -55000);
}

TEST_P(ScenarioTest, ReablementAndChcByHand) {
  auto j = run("name = \"r\"\nyears = 3\n[reablement]\nhome_care_reduction = 0.2\n[chc]\nassess_once = true\n"
               "assessment_cost_pence = 35000\ncases_per_year = 10\n");
  // No growth: home care 100,000 × 0.8 = 80,000; CHC saves 10 × 35,000 = 350,000 for the NHS.
  EXPECT_EQ(j["years"][0]["baseline_pence"], 300000);
  EXPECT_EQ(j["years"][0]["scenario_pence"], 280000 - 350000);
  EXPECT_EQ(j["years"][0]["by_funder"]["council"]["change_pence"], -20000);
  EXPECT_EQ(j["years"][0]["by_funder"]["nhs"]["change_pence"], -350000);
  EXPECT_EQ(j["years"][2]["change_pence"], j["years"][0]["change_pence"]);  // the same every year without growth
}

TEST_P(ScenarioTest, MalformedScenariosAreRefusedNamingTheLine) {
  auto refused = [&](const std::string& toml, const std::string& expect) {
    auto out = run_scenario(*db_, toml, "bad.toml");
    ASSERT_FALSE(out.ok()) << toml;
    EXPECT_NE(out.error().message.find(expect), std::string::npos) << out.error().message;
  };
  refused("years = 3\n", "name");
  refused("name = \"x\"\nyears = 9\n", "bad.toml:2: years");
  refused("name = \"x\"\nwizardry = 1\n", "unknown key");
  refused("name = \"x\"\n[growth]\n\"120+\" = 0.1\n", "no age band");
  refused("name = \"x\"\n[[shift]]\nfrom = \"teleportation\"\nto = \"home_care\"\nshare = 0.1\ncost_ratio = 1\n", "shift.from");
  refused("name = \"x\"\n[[shift]]\nfrom = \"residential_care\"\nto = \"home_care\"\nshare = 1.5\ncost_ratio = 1\n", "shift.share");
  refused("name = \"x\"\n[reablement]\nhome_care_reduction = -1\n", "home_care_reduction");
  refused("name = [unclosed\n", "bad.toml");
  EXPECT_FALSE(run_scenario(*db_, "name = \"x\"\n", "x", "xml").ok());
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM activity"), 2);
}

INSTANTIATE_STORE_SUITE(ScenarioTest);

}  // namespace
}  // namespace jc::insight
