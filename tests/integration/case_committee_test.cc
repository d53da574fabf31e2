// The Case Committee agenda on a generated, linked area.
#include "insight/case_committee.h"

#include <gtest/gtest.h>

#include <map>
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
  auto csv = case_committee_report(*db, CaseCommitteeOptions{3, "csv", {}, {}});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->rfind("locality,rank,person,combined_cost", 0), 0u);
}

}  // namespace
}  // namespace jc::insight

namespace jc::insight {
namespace {

// The generator plants a few very-high-use people in each locality (synthetic_traits): in a nursing
// home all year, frequent A&E attendances and long admissions, mental health and district nursing.
// Linked across organisations, every one of them is on their locality's agenda, near the top.
TEST(CaseCommittee, ListsTheGeneratorsPlantedVeryHighUsePeoplePerLocality) {
  auto db = testing::generated_area(20000, 3);
  ASSERT_TRUE(identity::rebuild_person_index(*db, identity::LinkOptions{}).ok());
  // Each planted person's person in the index and the locality of their GP record.
  std::map<std::string, std::string> planted;  // person id → locality
  db->query("SELECT r.person_id, l.name FROM synthetic_traits s JOIN synthetic_truth t ON t.true_person = s.true_person "
            "JOIN local_records r ON r.id = t.local_record_id JOIN organisations o ON o.id = r.organisation_id "
            "JOIN lsoas ls ON ls.code = r.lsoa_code JOIN wards w ON w.id = ls.ward_id JOIN localities l ON l.id = w.locality_id "
            "WHERE s.trait = 'very_high_use' AND o.kind = 'gp_practice'",
            {}, [&](const store::Row& r) { planted[std::to_string(r.integer(0))] = r.text(1); });
  ASSERT_EQ(planted.size(), 7u);  // one per 25,000 residents and at least one in each of seven localities
  auto j = nlohmann::json::parse(*case_committee_report(*db, CaseCommitteeOptions{}));
  std::string key = pseudonym_key(*db);
  std::map<std::string, int> found_per_locality;
  for (const auto& [person, locality] : planted) {
    std::string pseudonym = pseudonymise(key, person);
    int rank = 0;
    for (const auto& loc : j["localities"])
      if (loc["locality"] == locality)
        for (const auto& p : loc["agenda"])
          if (p["person"] == pseudonym) {
            rank = p["rank"].get<int>();
            EXPECT_GE(p["cost_by_organisation_pence"].size(), 4u);  // care home, acute, community, mental health
            EXPECT_TRUE(p["flags"]["high_intensity_ae"].get<bool>());  // more than 20 attendances in the year
            EXPECT_TRUE(p["flags"]["uncoordinated"].get<bool>());  // no shared care plan in a fresh area
          }
    EXPECT_GE(rank, 1) << "planted person " << person << " is not on " << locality << "'s agenda";
    EXPECT_LE(rank, 5) << "planted person " << person << " is far down " << locality << "'s agenda";
    if (rank >= 1) ++found_per_locality[locality];
  }
  EXPECT_EQ(found_per_locality.size(), 7u);
  for (const auto& [locality, n] : found_per_locality) EXPECT_EQ(n, 1) << locality;
}

}  // namespace
}  // namespace jc::insight
