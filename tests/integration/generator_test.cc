// The synthetic local area: real geography, determinism, distributions, injected error rates.
#include "synth/generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/nhs_number.h"
#include "interop/extract_reader.h"
#include "synth/reference_data.h"
#include "support/test_paths.h"

namespace jc::synth {
namespace {

GenerateOptions options(long long population, std::uint64_t seed) {
  GenerateOptions o;
  o.reference_dir = testing::reference_dir();
  o.population = population;
  o.seed = seed;
  return o;
}

// A digest of every table's rows, in id order (salted password hashes left out).
std::string digest(store::Database& db) {
  std::string all;
  const std::vector<std::pair<std::string, std::string>> tables = {
      {"localities", "id, name"}, {"wards", "id, name, locality_id"}, {"lsoas", "code, ward_id, population, postcode_sector"},
      {"organisations", "id, ods_code, name, kind"}, {"teams", "id, organisation_id, name"},
      {"staff_users", "id, username, role, team_id"}, {"local_records", "id, organisation_id, local_id, nhs_number, given_name, family_name, birth_date, sex, address, postcode"},
      {"synthetic_truth", "local_record_id, true_person, injected_errors"},
      {"activity", "id, local_record_id, team_id, service, activity_date, units, cost_pence, pool_id"},
      {"care_packages", "id, local_record_id, service, start_date, end_date, weekly_units"},
      {"referrals", "id, local_record_id, from_team_id, to_team_id, sent_at, status, previous_referral_id"}};
  for (const auto& [table, cols] : tables) {
    std::uint64_t h = 1469598103934665603ULL;
    long long rows = 0;
    db.query("SELECT " + cols + " FROM " + table + " ORDER BY 1", {}, [&](const store::Row& r) {
      ++rows;
      for (int c = 0; c < 12; ++c) {
        std::string v;
        try {
          v = r.is_null(c) ? "\x01" : r.text(c);
        } catch (...) {
          break;
        }
        for (unsigned char ch : v) h = (h ^ ch) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL;
      }
    });
    all += table + ":" + std::to_string(rows) + ":" + std::to_string(h) + ";";
  }
  return all;
}

TEST(ReferenceData, ReadsCheshireEastAndTheNhsUnitCosts) {
  auto la = load_local_authority(testing::reference_dir(), "E06000049");
  ASSERT_TRUE(la.ok()) << la.error().message;
  EXPECT_EQ(la->name, "Cheshire East");
  EXPECT_EQ(la->lsoas.size(), 234u);
  long long people = 0;
  for (const auto& l : la->lsoas) people += l.population;
  EXPECT_EQ(people, 375457);
  auto costs = load_nhs_unit_costs(testing::reference_dir() + "/nhs_national_cost_collection_2023_24.csv");
  ASSERT_TRUE(costs.ok()) << costs.error().message;
  // REFERENCE.md "Unit costs": A&E £272.97, district nurse £58.11, admissions £791 / £5,132.
  EXPECT_EQ(costs->emergency_care.in_pence(), 27297);
  EXPECT_EQ(costs->district_nurse_visit.in_pence(), 5811);
  EXPECT_EQ(std::llround(static_cast<double>(costs->non_elective_short_stay.in_pence()) / 100.0), 791);
  EXPECT_EQ(std::llround(static_cast<double>(costs->non_elective_long_stay.in_pence()) / 100.0), 5132);
  EXPECT_FALSE(load_local_authority(testing::reference_dir(), "E99999999").ok());
}

TEST(Generator, TheSameSeedGivesTheSameAreaAndAnotherSeedAnother) {
  auto a = store::open_database(":memory:");
  auto b = store::open_database(":memory:");
  auto c = store::open_database(":memory:");
  ASSERT_TRUE(generate_area(*a, options(3000, 11)).ok());
  ASSERT_TRUE(generate_area(*b, options(3000, 11)).ok());
  ASSERT_TRUE(generate_area(*c, options(3000, 12)).ok());
  EXPECT_EQ(digest(*a), digest(*b));
  EXPECT_NE(digest(*a), digest(*c));
}

TEST(Generator, RefusesToWriteIntoAnAreaOrOutOfRange) {
  auto db = store::open_database(":memory:");
  ASSERT_TRUE(generate_area(*db, options(1000, 1)).ok());
  auto again = generate_area(*db, options(1000, 1));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already holds"), std::string::npos);
  auto fresh = store::open_database(":memory:");
  EXPECT_FALSE(generate_area(*fresh, options(999, 1)).ok());
  EXPECT_FALSE(generate_area(*fresh, options(10'000'001, 1)).ok());
  EXPECT_EQ(fresh->query_integer("SELECT COUNT(*) FROM organisations"), 0);
}

TEST(Generator, OtherLocalAuthoritiesBySelection) {
  auto db = store::open_database(":memory:");
  auto o = options(1000, 3);
  o.la_code = "E06000050";  // Cheshire West and Chester
  auto s = generate_area(*db, o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto la = load_local_authority(testing::reference_dir(), "E06000050");
  EXPECT_EQ(db->query_integer("SELECT COUNT(*) FROM lsoas"), static_cast<std::int64_t>(la->lsoas.size()));
  EXPECT_EQ(db->query_integer("SELECT COUNT(*) FROM localities"), 7);
  EXPECT_EQ(db->query_integer("SELECT SUM(population) FROM lsoas"), 1000);
  EXPECT_EQ(db->query_text("SELECT name FROM local_authorities"), "Cheshire West and Chester");
}

class GeneratedArea : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = store::open_database(":memory:").release();
    auto s = generate_area(*db_, options(kPeople, 5));
    ASSERT_TRUE(s.ok()) << s.error().message;
    summary_ = *s;
  }
  static void TearDownTestSuite() { delete db_; }
  static constexpr long long kPeople = 30000;
  static store::Database* db_;
  static GenerateSummary summary_;

  // Injected error share among records of organisations of these kinds.
  static double error_rate(const std::string& error, const std::string& kinds) {
    auto n = db_->query_integer(
        "SELECT COUNT(*) FROM synthetic_truth t JOIN local_records r ON r.id = t.local_record_id JOIN organisations o ON "
        "o.id = r.organisation_id WHERE o.kind IN (" + kinds + ")");
    auto k = db_->query_integer(
        "SELECT COUNT(*) FROM synthetic_truth t JOIN local_records r ON r.id = t.local_record_id JOIN organisations o ON "
        "o.id = r.organisation_id WHERE o.kind IN (" + kinds + ") AND t.injected_errors LIKE ?",
        {"%" + error + "%"});
    return static_cast<double>(*k) / static_cast<double>(*n);
  }
};
store::Database* GeneratedArea::db_ = nullptr;
GenerateSummary GeneratedArea::summary_;

TEST_F(GeneratedArea, HasTheRealGeographyScaledToThePopulation) {
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM lsoas"), 234);
  EXPECT_EQ(db_->query_integer("SELECT SUM(population) FROM lsoas"), kPeople);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM localities"), 7);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(DISTINCT l.id) FROM localities l JOIN wards w ON w.locality_id = l.id "
                               "JOIN lsoas s ON s.ward_id = w.id"), 7);
  // Everyone is registered with one GP practice: one GP record per person.
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM local_records r JOIN organisations o ON o.id = r.organisation_id "
                               "WHERE o.kind = 'gp_practice'"), kPeople);
  EXPECT_EQ(db_->query_integer("SELECT SUM(list_size) FROM gp_practices"), kPeople);
  EXPECT_EQ(summary_.people, kPeople);
}

TEST_F(GeneratedArea, AgesFollowTheReferenceBands) {
  auto la = load_local_authority(testing::reference_dir(), "E06000049");
  double ref_old = 0, ref_kids = 0, ref_all = 0;
  for (const auto& l : la->lsoas) {
    ref_old += l.aged_60_plus;
    ref_kids += l.aged_0_15;
    ref_all += l.aged_0_15 + l.aged_16_59 + l.aged_60_plus;
  }
  Date start = *Date::from_ymd(2025, 4, 1);
  double old = 0, kids = 0, n = 0, over85 = 0;
  db_->query("SELECT t.injected_errors, r.birth_date FROM local_records r JOIN organisations o ON o.id = r.organisation_id "
             "JOIN synthetic_truth t ON t.local_record_id = r.id WHERE o.kind = 'gp_practice'",
             {}, [&](const store::Row& row) {
               if (row.text(0).find("day_month") != std::string::npos || row.text(0).find("birth_date") != std::string::npos) return;
               int age = start.years_since(*Date::parse_iso(row.text(1)));
               n += 1;
               if (age >= 60) old += 1;
               if (age <= 15) kids += 1;
               if (age >= 85) over85 += 1;
             });
  EXPECT_NEAR(old / n, ref_old / ref_all, 0.01);
  EXPECT_NEAR(kids / n, ref_kids / ref_all, 0.01);
  EXPECT_NEAR(over85 / old, 0.10, 0.02);  // about a tenth of the over-60s are 85 or over
}

TEST_F(GeneratedArea, ActivityRisesWithAgeAndDeprivation) {
  Date start = *Date::from_ymd(2025, 4, 1);
  std::map<std::string, std::pair<double, double>> gp_by_age;  // band → (people, consultations)
  std::map<int, std::pair<double, double>> ae_by_depr;         // 0 deprived (deciles 1-3), 1 affluent (8-10)
  struct Known {
    std::string band;
    int decile;
  };
  std::map<std::int64_t, Known> people;
  db_->query(
      "SELECT t.true_person, r.birth_date, s.imd_decile FROM local_records r JOIN organisations o ON o.id = "
      "r.organisation_id JOIN synthetic_truth t ON t.local_record_id = r.id JOIN lsoas s ON s.code = r.lsoa_code "
      "WHERE o.kind = 'gp_practice'",
      {}, [&](const store::Row& row) {
        int age = start.years_since(*Date::parse_iso(row.text(1)));
        std::string band = age < 16 ? "0-15" : age < 45 ? "16-44" : age < 65 ? "45-64" : age < 75 ? "65-74" : age < 85 ? "75-84" : "85+";
        int decile = static_cast<int>(row.integer(2));
        people[row.integer(0)] = Known{band, decile};
        gp_by_age[band].first += 1;
        if (decile <= 3 || decile >= 8) ae_by_depr[decile <= 3 ? 0 : 1].first += 1;
      });
  db_->query(
      "SELECT t.true_person, a.service FROM activity a JOIN synthetic_truth t ON t.local_record_id = a.local_record_id "
      "WHERE a.service IN ('gp_consultation', 'ae_attendance')",
      {}, [&](const store::Row& row) {
        const Known& k = people.at(row.integer(0));
        if (row.text(1) == "gp_consultation") {
          gp_by_age[k.band].second += 1;
        } else if (k.decile <= 3 || k.decile >= 8) {
          ae_by_depr[k.decile <= 3 ? 0 : 1].second += 1;
        }
      });
  auto rate = [](const std::pair<double, double>& p) { return p.second / p.first; };
  EXPECT_LT(rate(gp_by_age["16-44"]), rate(gp_by_age["45-64"]));
  EXPECT_LT(rate(gp_by_age["45-64"]), rate(gp_by_age["65-74"]));
  EXPECT_LT(rate(gp_by_age["65-74"]), rate(gp_by_age["85+"]));
  EXPECT_GT(rate(ae_by_depr[0]), rate(ae_by_depr[1]) * 1.15);
}

TEST_F(GeneratedArea, InjectsErrorsAtTheStatedRates) {
  const std::string council = "'council_adult_social_care', 'council_children_and_families'";
  const std::string nhs = "'acute_trust', 'community_health_provider', 'mental_health_trust'";
  EXPECT_NEAR(error_rate("missing_nhs_number", council), 0.33, 0.05);
  EXPECT_NEAR(error_rate("missing_nhs_number", nhs), 0.03, 0.01);
  EXPECT_NEAR(error_rate("missing_nhs_number", "'gp_practice'"), 0.002, 0.0015);
  EXPECT_NEAR(error_rate("moved_address", nhs), 0.06, 0.01);
  EXPECT_NEAR(error_rate("typo_family_name", nhs), 0.03, 0.01);
  EXPECT_GT(error_rate("nickname", council), 0.01);
  EXPECT_GT(error_rate("swapped_day_month", nhs), 0.001);
  EXPECT_GT(error_rate("wrong_nhs_number", nhs), 0.0);
  EXPECT_LT(error_rate("wrong_nhs_number", nhs), 0.01);
}

TEST_F(GeneratedArea, RecordsCarryTheErrorsTheTruthSays) {
  // Each record's NHS number equals the person's GP-held number unless the truth says it is
  // missing or wrong.
  long long checked = 0, mismatched = 0;
  db_->query(
      "SELECT r.nhs_number, g.nhs_number, t.injected_errors FROM local_records r JOIN synthetic_truth t ON "
      "t.local_record_id = r.id JOIN synthetic_truth tg ON tg.true_person = t.true_person JOIN local_records g ON "
      "g.id = tg.local_record_id JOIN organisations og ON og.id = g.organisation_id JOIN organisations o ON o.id = "
      "r.organisation_id WHERE og.kind = 'gp_practice' AND o.kind <> 'gp_practice' AND tg.injected_errors NOT LIKE '%nhs%'",
      {}, [&](const store::Row& row) {
        const std::string& errors = row.text(2);
        ++checked;
        if (errors.find("missing_nhs_number") != std::string::npos) {
          EXPECT_TRUE(row.is_null(0));
        } else if (errors.find("wrong_nhs_number") != std::string::npos) {
          EXPECT_NE(row.text(0), row.text(1));
        } else if (row.text(0) != row.text(1)) {
          ++mismatched;
        }
      });
  EXPECT_GT(checked, 1000);
  EXPECT_EQ(mismatched, 0);
}

TEST_F(GeneratedArea, NhsNumbersAreValidUniqueAndFromTheTestRange) {
  std::set<std::string> seen;
  long long n = 0;
  db_->query("SELECT r.nhs_number FROM local_records r JOIN organisations o ON o.id = r.organisation_id JOIN "
             "synthetic_truth t ON t.local_record_id = r.id WHERE o.kind = 'gp_practice' AND r.nhs_number IS NOT NULL "
             "AND t.injected_errors NOT LIKE '%wrong_nhs%'",
             {}, [&](const store::Row& row) {
               auto num = NhsNumber::parse(row.text(0));
               ASSERT_TRUE(num.ok()) << row.text(0);
               EXPECT_TRUE(num->is_test_range());
               seen.insert(row.text(0));
               ++n;
             });
  EXPECT_EQ(static_cast<long long>(seen.size()), n);
}

TEST_F(GeneratedArea, CostsActivityAtTheReferenceUnitCosts) {
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM activity WHERE service = 'ae_attendance' AND cost_pence <> 27297"), 0);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM activity WHERE service = 'district_nursing_visit' AND cost_pence <> 5811"), 0);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM activity WHERE service = 'home_care' AND cost_pence <> units * 2700"), 0);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM activity WHERE service = 'residential_care' AND cost_pence <> 89700"), 0);
  EXPECT_GT(db_->query_integer("SELECT COUNT(*) FROM activity WHERE service = 'residential_care'").value_or(0), 0);
  EXPECT_EQ(db_->query_integer("SELECT SUM(cost_pence) FROM activity"), summary_.total_cost_pence);
  // Every activity date lies in the year from 1 April 2025.
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM activity WHERE activity_date < '2025-04-01' OR activity_date >= '2026-04-01'"), 0);
  // Pools fund packages: the learning disability pool and the Better Care Fund are both used.
  EXPECT_GT(db_->query_integer("SELECT COUNT(*) FROM activity a JOIN pools p ON p.id = a.pool_id WHERE p.name = 'Better Care Fund'").value_or(0), 0);
  EXPECT_GT(db_->query_integer("SELECT COUNT(*) FROM activity a JOIN pools p ON p.id = a.pool_id WHERE p.name LIKE 'Learning%'").value_or(0), 0);
}

TEST_F(GeneratedArea, HasReferralsAcrossOrganisationsIncludingPingPong) {
  EXPECT_GT(summary_.referrals, 100);
  // Sent from one organisation's team to another's.
  EXPECT_GT(db_->query_integer("SELECT COUNT(*) FROM referrals r JOIN teams a ON a.id = r.from_team_id JOIN teams b ON "
                               "b.id = r.to_team_id WHERE a.organisation_id <> b.organisation_id").value_or(0), 100);
  // A→B returned, B→A, then A→B again.
  auto ping_pong = db_->query_integer(
      "SELECT COUNT(*) FROM referrals r3 JOIN referrals r2 ON r2.id = r3.previous_referral_id JOIN referrals r1 ON r1.id = "
      "r2.previous_referral_id WHERE r1.from_team_id = r3.from_team_id AND r1.to_team_id = r3.to_team_id AND "
      "r2.from_team_id = r1.to_team_id");
  EXPECT_GT(ping_pong.value_or(0), 0);
  EXPECT_GT(db_->query_integer("SELECT COUNT(*) FROM referrals WHERE status = 'declined' AND reason IS NOT NULL").value_or(0), 0);
}

TEST_F(GeneratedArea, ExportsExtractsThatReadBackThroughTheirProfiles) {
  auto dir = testing::scratch_dir("export");
  ASSERT_TRUE(export_extracts(*db_, dir.string()).ok());
  long long read = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".toml") continue;
    auto profile = interop::ExtractProfile::load(e.path().string());
    ASSERT_TRUE(profile.ok()) << profile.error().message;
    auto csv = e.path();
    csv.replace_extension(".csv");
    auto reader = interop::ExtractReader::open(csv.string(), *profile, interop::Strictness::Strict);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    while (true) {
      auto r = (*reader)->next();
      ASSERT_TRUE(r.ok()) << r.error().message;
      if (!r->has_value()) break;
      ++read;
    }
  }
  EXPECT_EQ(read, db_->query_integer("SELECT COUNT(*) FROM local_records"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace jc::synth
