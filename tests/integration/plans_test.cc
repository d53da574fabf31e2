// Commissioning plans: RAG against targets, trend, and the control-limit flag by hand; outputs'
// status; bad plans refused naming the line.
#include "insight/plans.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/database_fixture.h"

namespace jc::insight {
namespace {

class PlanTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    db_->execute_script(
        "INSERT INTO local_authorities (code, name) VALUES ('E1', 'Area');"
        "INSERT INTO localities (id, name, local_authority_code) VALUES (1, 'North', 'E1');"
        "INSERT INTO wards (id, name, locality_id) VALUES (1, 'Ward', 1);"
        "INSERT INTO lsoas (code, name, ward_id, imd_decile, imd_rank, population, postcode_sector) VALUES ('L1', 'L1', 1, 5, 100, 1000, 'CW1 1');"
        "INSERT INTO organisations (id, ods_code, name, kind) VALUES (1, 'RX1', 'Acute', 'acute_trust');"
        "INSERT INTO local_records (id, organisation_id, source_system, local_id, nhs_number_status, given_name, family_name, sex, address, "
        "postcode) VALUES (1, 1, 't', 'L1', '03', 'A', 'B', 'female', '', '');");
  }
  // `per_month` A&E attendances in each month from April 2025.
  void attendances(const std::vector<int>& per_month) {
    std::int64_t id = 1;
    for (std::size_t m = 0; m < per_month.size(); ++m)
      for (int k = 0; k < per_month[m]; ++k) {
        char date[11];
        std::snprintf(date, sizeof date, "2025-%02d-10", static_cast<int>(4 + m));
        db_->execute("INSERT INTO activity (id, local_record_id, organisation_id, service, activity_date, units, cost_pence) VALUES "
                     "(?, 1, 1, 'ae_attendance', ?, 1, 27297)",
                     {id++, std::string(date)});
      }
  }
  nlohmann::json plan(const std::string& indicator, const std::string& extra = "") {
    auto out = evaluate_plan(*db_, "name = \"P\"\n" + extra + "[[indicator]]\n" + indicator, "plan.toml", "json", "2025-09-30");
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    return out.ok() ? nlohmann::json::parse(*out) : nlohmann::json();
  }
};

TEST_P(PlanTest, RagTrendAndControlLimitsByHand) {
  attendances({10, 10, 10, 10, 10, 30});  // per 1,000 residents: 10 a month, then 30
  auto j = plan("measure = \"ae_attendances_per_1000\"\ntarget = 12\nbetter = \"lower\"\n");
  const auto& ind = j["indicators"][0];
  EXPECT_DOUBLE_EQ(ind["latest"].get<double>(), 30.0);
  EXPECT_EQ(ind["rag"], "red");
  EXPECT_EQ(ind["trend"], "worsening");
  EXPECT_TRUE(ind["outside_control_limits"].get<bool>());  // centre 10, moving range 0
  EXPECT_DOUBLE_EQ(ind["control_limits"]["centre"].get<double>(), 10.0);
  EXPECT_EQ(ind["series"].size(), 6u);
}

TEST_P(PlanTest, AmberWithinToleranceAndGreenWhenMet) {
  attendances({14, 12, 13, 12, 14, 12});  // 12 per 1,000 is 0.5 above a target of 11.5: within 5%
  auto amber = plan("measure = \"ae_attendances_per_1000\"\ntarget = 11.5\ntolerance = 0.05\n");
  EXPECT_EQ(amber["indicators"][0]["rag"], "amber");
  EXPECT_FALSE(amber["indicators"][0]["outside_control_limits"].get<bool>());
  auto green = plan("measure = \"ae_attendances_per_1000\"\ntarget = 12\n");
  EXPECT_EQ(green["indicators"][0]["rag"], "green");
  auto higher = plan("measure = \"ae_attendances_per_1000\"\ntarget = 20\nbetter = \"higher\"\n");
  EXPECT_EQ(higher["indicators"][0]["rag"], "red");
}

TEST_P(PlanTest, OutputsAndBadPlans) {
  attendances({10});
  auto j = plan("measure = \"ae_attendances_per_1000\"\ntarget = 12\n",
                "budget_pence = 100\n[[output]]\ndescription = \"a\"\ndue = \"2025-06-01\"\n[[output]]\ndescription = \"b\"\ndue = "
                "\"2025-12-01\"\n[[output]]\ndescription = \"c\"\ndue = \"2025-06-01\"\ndone = true\n");
  EXPECT_EQ(j["outputs"][0]["status"], "overdue");
  EXPECT_EQ(j["outputs"][1]["status"], "on track");
  EXPECT_EQ(j["outputs"][2]["status"], "done");
  auto refused = [&](const std::string& toml, const std::string& expect) {
    auto out = evaluate_plan(*db_, toml, "plan.toml");
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message.find(expect), std::string::npos) << out.error().message;
  };
  refused("[[indicator]]\nmeasure = \"ae_attendances_per_1000\"\ntarget = 1\n", "name");
  refused("name = \"P\"\n", "at least one");
  refused("name = \"P\"\n[[indicator]]\nmeasure = \"happiness\"\ntarget = 1\n", "plan.toml:2: indicator.measure");
  refused("name = \"P\"\n[[indicator]]\nmeasure = \"ae_attendances_per_1000\"\n", "indicator.target");
  refused("name = \"P\"\n[[output]]\ndescription = \"x\"\n[[indicator]]\nmeasure = \"ae_attendances_per_1000\"\ntarget = 1\n", "output");
}

INSTANTIATE_STORE_SUITE(PlanTest);

}  // namespace
}  // namespace jc::insight
