// The analytic engine: loaded once, refreshed incrementally, and always answering as an engine
// freshly loaded from the store would.
#include "insight/engine.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "identity/person_index.h"
#include "insight/case_committee.h"
#include "insight/jsna.h"
#include "support/synthetic_area.h"

namespace jc::insight {
namespace {

std::string agenda(const AnalyticEngine& e, store::Database& db) {
  auto text = e.case_committee(CaseCommitteeOptions{10, "json", {}, {}}, pseudonym_key(db));
  EXPECT_TRUE(text.ok()) << text.error().message;
  return text ? *text : std::string();
}

TEST(AnalyticEngine, RefreshesIncrementallyAndAgreesWithAFreshLoad) {
  auto db = testing::generated_area(3000, 5);
  AnalyticEngine kept;
  auto first = kept.refresh(*db);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->reloaded);
  auto rows = *db->query_integer("SELECT COUNT(*) FROM activity");
  EXPECT_EQ(first->activity_read, static_cast<std::size_t>(rows));
  EXPECT_EQ(kept.size().activity_rows, static_cast<std::size_t>(rows));

  // Nothing new: nothing read.
  auto again = kept.refresh(*db);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->reloaded);
  EXPECT_EQ(again->activity_read, 0u);
  EXPECT_EQ(again->records_read, 0u);

  // A new record and a month of costly activity against it and against an existing record: only
  // those rows are read, and the reports equal a fresh engine's.
  auto gp = *db->query_integer(
      "SELECT id FROM organisations WHERE kind = 'gp_practice' ORDER BY id LIMIT 1");
  auto lsoa = *db->query_text("SELECT code FROM lsoas ORDER BY code LIMIT 1");
  auto record = db->insert_returning_id(
      "INSERT INTO local_records (organisation_id, source_system, local_id, nhs_number, "
      "nhs_number_status, given_name, "
      "family_name, birth_date, sex, address, postcode, lsoa_code, gp_practice_id) VALUES (?, "
      "'test', 'NEW-1', NULL, "
      "'absent', 'Ada', 'Newcomer', '1931-02-03', 'female', '1 New Street', 'CW1 1AA', ?, ?)",
      {gp, lsoa, gp});
  auto acute = *db->query_integer(
      "SELECT id FROM organisations WHERE kind = 'acute_trust' ORDER BY id LIMIT 1");
  auto existing = *db->query_integer("SELECT MIN(local_record_id) FROM activity");
  auto period_start = *db->query_text("SELECT MIN(activity_date) FROM activity");
  for (int i = 0; i < 12; ++i)
    db->execute(
        "INSERT INTO activity (local_record_id, organisation_id, team_id, service, activity_date, "
        "units, cost_pence) "
        "VALUES (?, ?, NULL, 'ae_attendance', ?, 1, 5000000)",
        {i % 2 ? record : existing, acute, period_start});
  auto added = kept.refresh(*db);
  ASSERT_TRUE(added.ok());
  EXPECT_FALSE(added->reloaded);
  EXPECT_EQ(added->records_read, 1u);
  EXPECT_EQ(added->activity_read, 12u);
  AnalyticEngine fresh;
  ASSERT_TRUE(fresh.refresh(*db).ok());
  EXPECT_EQ(agenda(kept, *db), agenda(fresh, *db));
  EXPECT_EQ(*kept.jsna(DisclosureRule::NhsDigital), *fresh.jsna(DisclosureRule::NhsDigital));
  // The newcomer's £300,000 of A&E puts her first on her locality's agenda.
  EXPECT_NE(agenda(kept, *db).find("\"combined_cost_pence\": 30000000"), std::string::npos);

  // Linking the records into persons changes the person index's version: the engine reloads, and
  // agrees with a fresh load again.
  ASSERT_TRUE(identity::rebuild_person_index(*db, identity::LinkOptions{}).ok());
  auto relinked = kept.refresh(*db);
  ASSERT_TRUE(relinked.ok());
  EXPECT_TRUE(relinked->reloaded);
  AnalyticEngine fresh_linked;
  ASSERT_TRUE(fresh_linked.refresh(*db).ok());
  EXPECT_EQ(agenda(kept, *db), agenda(fresh_linked, *db));
  EXPECT_NE(agenda(kept, *db).find("\"persons_linked\": true"), std::string::npos);
}

// A Case Committee for a period counts only that period's activity, and says which.
TEST(AnalyticEngine, TheCaseCommitteeForAPeriod) {
  auto db = testing::generated_area(2000, 8);
  AnalyticEngine e;
  ASSERT_TRUE(e.refresh(*db).ok());
  CaseCommitteeOptions o;
  o.top = 1'000'000;
  o.from = *Date::parse_iso("2025-10-01");
  o.to = *Date::parse_iso("2025-12-31");
  auto text = e.case_committee(o, pseudonym_key(*db));
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["period"]["from"], "2025-10-01");
  EXPECT_EQ(j["period"]["to"], "2025-12-31");
  EXPECT_EQ(j["total_cost_pence"].get<std::int64_t>(),
            *db->query_integer("SELECT SUM(cost_pence) FROM activity WHERE activity_date >= "
                               "'2025-10-01' AND activity_date <= '2025-12-31'"));
  o.from = *Date::parse_iso("2030-01-01");
  o.to = *Date::parse_iso("2030-12-31");
  EXPECT_FALSE(e.case_committee(o, pseudonym_key(*db)).ok());  // nothing in that period
  o.to = *Date::parse_iso("2029-01-01");
  auto backwards = e.case_committee(o, pseudonym_key(*db));
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error().message, "the period ends before it starts");
}

TEST(AnalyticEngine, ReplicatedRowsScaleEveryTotal) {
  auto db = testing::generated_area(2000, 6);
  AnalyticEngine e;
  ASSERT_TRUE(e.refresh(*db).ok());
  auto one = nlohmann::json::parse(agenda(e, *db));
  auto before = e.size();
  e.replicate_for_benchmark(2);
  EXPECT_EQ(e.size().activity_rows, 3 * before.activity_rows);
  EXPECT_EQ(e.size().persons, 3 * before.persons);
  auto three = nlohmann::json::parse(agenda(e, *db));
  EXPECT_EQ(three["total_cost_pence"].get<std::int64_t>(),
            3 * one["total_cost_pence"].get<std::int64_t>());
  // Concentration is a share: three copies of the same people keep it.
  EXPECT_NEAR(three["concentration"]["top_5_percent_share"].get<double>(),
              one["concentration"]["top_5_percent_share"].get<double>(), 0.01);
}

TEST(AnalyticEngine, AnEmptyStoreIsAClearError) {
  auto db = store::open_database(":memory:");
  AnalyticEngine e;
  auto r = e.refresh(*db);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the database holds no local area");
}

}  // namespace
}  // namespace jc::insight
