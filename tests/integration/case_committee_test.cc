// The Case Committee agenda on a generated, linked area.
#include "insight/case_committee.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "identity/person_index.h"
#include "support/synthetic_area.h"

namespace jc::insight {
namespace {

TEST(CaseCommittee, RanksPeopleByCombinedCostWithoutLosingMoney) {
  auto db = testing::generated_area(4000, 8);
  identity::LinkOptions lo;
  lo.chain_guard = 0.5;
  ASSERT_TRUE(identity::rebuild_person_index(*db, lo).ok());
  CaseCommitteeOptions o;
  o.top = 1'000'000;  // everyone, to account for every penny
  auto text = case_committee_report(*db, o);
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto j = nlohmann::json::parse(*text);
  EXPECT_TRUE(j["persons_linked"].get<bool>());
  ASSERT_EQ(j["localities"].size(), 7u);
  std::int64_t listed = 0;
  for (const auto& loc : j["localities"]) {
    std::int64_t previous = INT64_MAX;
    for (const auto& p : loc["agenda"]) {
      std::int64_t cost = p["combined_cost_pence"].get<std::int64_t>();
      EXPECT_LE(cost, previous);  // most costly first
      previous = cost;
      std::int64_t by_org = 0, by_service = 0;
      for (const auto& [org, c] : p["cost_by_organisation_pence"].items()) by_org += c.get<std::int64_t>();
      for (const auto& [svc, c] : p["cost_by_service_pence"].items()) by_service += c.get<std::int64_t>();
      EXPECT_EQ(by_org, cost);
      EXPECT_EQ(by_service, cost);
      EXPECT_EQ(p["flags"]["uncoordinated"].get<bool>(), p["cost_by_organisation_pence"].size() >= 3);
      EXPECT_EQ(p["person"].get<std::string>().rfind("P-", 0), 0u);  // a pseudonym, no identifiers
      listed += cost;
    }
  }
  std::int64_t total = *db->query_integer("SELECT SUM(cost_pence) FROM activity");
  EXPECT_EQ(j["total_cost_pence"].get<std::int64_t>(), total);
  // Every penny is either on a locality's agenda or shown as without a locality (people whose
  // records the index did not join to a GP record).
  EXPECT_EQ(listed + j["cost_without_locality_pence"].get<std::int64_t>(), total);
  EXPECT_GE(static_cast<double>(listed), 0.95 * static_cast<double>(total));
  double top1 = j["concentration"]["top_1_percent_share"], top5 = j["concentration"]["top_5_percent_share"],
         top20 = j["concentration"]["top_20_percent_share"];
  EXPECT_LT(top1, top5);
  EXPECT_LT(top5, top20);
  EXPECT_LE(top20, 1.0);
  // The same pseudonyms on a second run (the key is kept in the database).
  CaseCommitteeOptions three;
  three.top = 3;
  auto again = nlohmann::json::parse(*case_committee_report(*db, three));
  EXPECT_EQ(again["localities"][0]["agenda"][0]["person"], j["localities"][0]["agenda"][0]["person"]);
  auto csv = case_committee_report(*db, CaseCommitteeOptions{3, "csv"});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->rfind("locality,rank,person,combined_cost", 0), 0u);
}

}  // namespace
}  // namespace jc::insight
