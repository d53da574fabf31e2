// Section 75 pooled budgets: the double-entry ledger on both databases. Invariants hold after every
// operation of random sequences (property tests), including the year-end risk share; bad journals
// (unbalanced, one-sided-less, unknown pool or account) are refused and change nothing; the risk
// share matches hand calculation.
#include "money/ledger.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "money/devolved.h"
#include "support/database_fixture.h"

namespace jc::money {
namespace {

class LedgerTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    for (auto [id, ods, name, kind] :
         {std::tuple{1, "LA1", "Council", "council_adult_social_care"},
          std::tuple{2, "ICB", "Integrated Care Board", "nhs_commissioner"},
          std::tuple{3, "RX3", "Mental Health Trust", "mental_health_trust"}})
      db_->execute("INSERT INTO organisations (id, ods_code, name, kind) VALUES (?, ?, ?, ?)",
                   {std::int64_t{id}, std::string(ods), std::string(name), std::string(kind)});
    db_->execute(
        "INSERT INTO pools (id, name, kind, host_organisation_id) VALUES (1, 'Better Care Fund', "
        "'pooled', 1)");
    db_->sync_id_sequence("pools");
    pool = PoolId(1);
    ASSERT_TRUE(set_partner(*db_, pool, OrganisationId(1), 6000).ok());
    ASSERT_TRUE(set_partner(*db_, pool, OrganisationId(2), 4000).ok());
    auto a = add_scheme(*db_, pool, "home care", 80'000);
    auto b = add_scheme(*db_, pool, "reablement", 40'000);
    ASSERT_TRUE(a.ok() && b.ok());
    home_care = *a;
    reablement = *b;
  }
  std::int64_t count(const char* table) {
    return db_->query_integer(std::string("SELECT COUNT(*) FROM ") + table).value_or(-1);
  }
  Date d(const char* iso) { return *Date::parse_iso(iso); }
  PoolId pool;
  std::int64_t home_care = 0, reablement = 0;
};

TEST_P(LedgerTest, RiskShareMatchesHandCalculation) {
  ASSERT_TRUE(contribute(*db_, pool, OrganisationId(1), 60'000, d("2025-04-01"), "April").ok());
  ASSERT_TRUE(contribute(*db_, pool, OrganisationId(2), 40'000, d("2025-04-01"), "April").ok());
  ASSERT_TRUE(set_aside_reserve(*db_, pool, 5'000, d("2025-04-01")).ok());
  ASSERT_TRUE(spend(*db_, pool, home_care, 90'000, d("2025-09-30"), "home care").ok());
  ASSERT_TRUE(spend(*db_, pool, reablement, 30'000, d("2025-10-31"), "reablement").ok());
  // Fund: 100,000 in, 5,000 to the reserve, 120,000 out: -25,000 (an overspend of 25,000).
  EXPECT_EQ(balance(*db_, pool, "fund"), -25'000);
  auto st = statement(*db_, pool, "2025-09");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->contributions_pence, 100'000);
  EXPECT_EQ(st->spend_pence, 90'000);  // to the end of September
  EXPECT_EQ(st->from.iso(), "2025-04-01");
  EXPECT_EQ(st->to.iso(), "2025-09-30");
  // 183 of 365 days: forecast 90,000 × 365 / 183 = 179,508 (rounded down).
  EXPECT_EQ(st->forecast_outturn_pence, 179'508);

  // The cascade: the reserve's 5,000 first, then 20,000 in the agreed 60:40 → 12,000 and 8,000.
  auto rs = year_end_risk_share(*db_, pool, d("2026-03-31"), "cascade");
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  EXPECT_EQ(rs->overspend_pence, 25'000);
  EXPECT_EQ(rs->from_reserve_pence, 5'000);
  EXPECT_EQ(rs->by_partner["Council"], 12'000);
  EXPECT_EQ(rs->by_partner["Integrated Care Board"], 8'000);
  EXPECT_EQ(balance(*db_, pool, "fund", d("2026-03-31")), 0);
  EXPECT_EQ(balance(*db_, pool, "reserve"), 0);
  EXPECT_TRUE(check_ledger(*db_, pool).ok());
  EXPECT_FALSE(year_end_risk_share(*db_, pool, d("2026-03-31"), "cascade").ok());  // once only
}

TEST_P(LedgerTest, ProportionalShareFollowsContributionsAndReturnsUnderspends) {
  ASSERT_TRUE(contribute(*db_, pool, OrganisationId(1), 70'000, d("2025-04-01"), "").ok());
  ASSERT_TRUE(contribute(*db_, pool, OrganisationId(2), 30'000, d("2025-04-01"), "").ok());
  ASSERT_TRUE(spend(*db_, pool, home_care, 110'000, d("2025-12-31"), "").ok());
  auto rs = year_end_risk_share(*db_, pool, d("2026-03-31"), "proportional");
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->by_partner["Council"], 7'000);  // 10,000 × 70%
  EXPECT_EQ(rs->by_partner["Integrated Care Board"], 3'000);
  EXPECT_EQ(balance(*db_, pool, "fund", d("2026-03-31")), 0);
  // The next year underspends by 1,001: returned 70:30, to the penny.
  ASSERT_TRUE(contribute(*db_, pool, OrganisationId(1), 7'000, d("2026-04-01"), "").ok());
  ASSERT_TRUE(contribute(*db_, pool, OrganisationId(2), 3'000, d("2026-04-01"), "").ok());
  ASSERT_TRUE(spend(*db_, pool, reablement, 8'999, d("2026-06-30"), "").ok());
  auto back = year_end_risk_share(*db_, pool, d("2027-03-31"), "proportional");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->overspend_pence, -1'001);
  EXPECT_EQ(back->by_partner["Council"] + back->by_partner["Integrated Care Board"], -1'001);
  EXPECT_EQ(back->by_partner["Council"], -701);
  EXPECT_EQ(balance(*db_, pool, "fund", d("2027-03-31")), 0);
  EXPECT_TRUE(check_ledger(*db_, pool).ok());
}

TEST_P(LedgerTest, BadJournalsAreRefusedAndChangeNothing) {
  ASSERT_TRUE(contribute(*db_, pool, OrganisationId(1), 1'000, d("2025-04-01"), "").ok());
  auto entries = count("journal_entries"), lines = count("journal_lines");
  auto refused = [&](const Journal& j, const char* expect) {
    auto r = post(*db_, j);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find(expect), std::string::npos) << r.error().message;
    EXPECT_EQ(count("journal_entries"), entries);
    EXPECT_EQ(count("journal_lines"), lines);
  };
  refused(
      Journal{pool, d("2025-05-01"), "adjustment", "", {{"fund", 100, 0}, {"contrib:LA1", 0, 99}}},
      "unbalanced");
  refused(
      Journal{pool, d("2025-05-01"), "adjustment", "", {{"fund", 100, 100}, {"contrib:LA1", 0, 0}}},
      "either a debit or a credit");
  refused(
      Journal{pool, d("2025-05-01"), "adjustment", "", {{"fund", -5, 0}, {"contrib:LA1", 0, -5}}},
      "positive");
  refused(
      Journal{pool, d("2025-05-01"), "adjustment", "", {{"fund", 100, 0}, {"contrib:XYZ", 0, 100}}},
      "no such account");
  refused(Journal{PoolId(99),
                  d("2025-05-01"),
                  "adjustment",
                  "",
                  {{"fund", 100, 0}, {"contrib:LA1", 0, 100}}},
          "no pool");
  refused(Journal{pool, d("2025-05-01"), "adjustment", "", {{"fund", 100, 0}}},
          "at least two lines");
  EXPECT_FALSE(
      contribute(*db_, pool, OrganisationId(3), 10, d("2025-05-01"), "").ok());  // not a partner
  EXPECT_FALSE(spend(*db_, pool, 999, 10, d("2025-05-01"), "").ok());
  EXPECT_FALSE(find_pool(*db_, "No Such Pool").ok());
  EXPECT_FALSE(year_end_risk_share(*db_, pool, d("2026-03-31"), "lottery").ok());
  EXPECT_EQ(count("journal_entries"), entries);
  // Corrections reverse, once.
  auto first = db_->query_integer("SELECT MIN(id) FROM journal_entries").value();
  ASSERT_TRUE(reverse(*db_, first, "posted twice").ok());
  EXPECT_FALSE(reverse(*db_, first, "again").ok());
  EXPECT_EQ(balance(*db_, pool, "fund"), 0);
  EXPECT_TRUE(check_ledger(*db_, pool).ok());
}

TEST_P(LedgerTest, InvariantsHoldAfterEveryOperationOfRandomSequences) {
  std::mt19937_64 rng(GetParam() == testing::Backend::Sqlite ? 11 : 12);
  const int sequences = GetParam() == testing::Backend::Sqlite ? 12 : 4;
  for (int s = 0; s < sequences; ++s) {
    // A fresh pool each sequence, the same partners.
    std::int64_t id = db_->insert_returning_id(
        "INSERT INTO pools (name, kind, host_organisation_id) VALUES (?, 'pooled', 1)",
        {"Pool " + std::to_string(s)});
    PoolId p(id);
    ASSERT_TRUE(set_partner(*db_, p, OrganisationId(1), 5500).ok());
    ASSERT_TRUE(set_partner(*db_, p, OrganisationId(2), 4500).ok());
    auto scheme = add_scheme(*db_, p, "scheme", 1);
    ASSERT_TRUE(scheme.ok());
    std::vector<std::int64_t> posted;
    std::int64_t in = 0, out = 0;
    for (int op = 0; op < 40; ++op) {
      std::int64_t amount = static_cast<std::int64_t>(rng() % 100'000) + 1;
      Date date = Date::from_days(static_cast<std::int32_t>(
          d("2025-04-01").days() + static_cast<std::int32_t>(rng() % 360)));
      Result<std::int64_t> r = Error{""};
      switch (rng() % 6) {
        case 0:
        case 1:
          r = contribute(*db_, p, OrganisationId(1 + static_cast<std::int64_t>(rng() % 2)), amount,
                         date, "");
          if (r) in += amount;
          break;
        case 2:
        case 3:
          r = spend(*db_, p, *scheme, amount, date, "");
          if (r) out += amount;
          break;
        case 4:
          r = set_aside_reserve(*db_, p, amount % 5'000 + 1, date);
          break;
        default: {
          // A random unbalanced journal: refused, nothing changes.
          auto before = count("journal_lines");
          auto bad = post(*db_, Journal{p,
                                        date,
                                        "adjustment",
                                        "",
                                        {{"fund", amount, 0}, {"contrib:LA1", 0, amount + 1}}});
          EXPECT_FALSE(bad.ok());
          EXPECT_EQ(count("journal_lines"), before);
          break;
        }
      }
      if (r) posted.push_back(*r);
      auto ok = check_ledger(*db_, p);
      ASSERT_TRUE(ok.ok()) << "sequence " << s << " op " << op << ": " << ok.error().message;
    }
    EXPECT_EQ(balance(*db_, p, "fund") + balance(*db_, p, "reserve"), in - out);
    auto rs = year_end_risk_share(*db_, p, d("2026-03-31"), rng() % 2 ? "cascade" : "proportional");
    ASSERT_TRUE(rs.ok()) << rs.error().message;
    std::int64_t shared = rs->from_reserve_pence;
    for (const auto& [k, v] : rs->by_partner) shared += v;
    EXPECT_EQ(shared, rs->overspend_pence);
    EXPECT_EQ(balance(*db_, p, "fund", d("2026-03-31")), 0);
    ASSERT_TRUE(check_ledger(*db_, p).ok());
  }
  // Across everything: debits equal credits.
  EXPECT_EQ(db_->query_integer("SELECT SUM(debit_pence) - SUM(credit_pence) FROM journal_lines"),
            0);
}

// The same for aligned budgets: random contributions and spend by either partner, reserves and
// risk shares (refused), cross-partner journals refused... every operation leaves each partner's
// own fund equal to its contributions less its own spend.
TEST_P(LedgerTest, AlignedInvariantsHoldAfterEveryOperationOfRandomSequences) {
  std::mt19937_64 rng(GetParam() == testing::Backend::Sqlite ? 21 : 22);
  const int sequences = GetParam() == testing::Backend::Sqlite ? 8 : 3;
  for (int s = 0; s < sequences; ++s) {
    std::int64_t id = db_->insert_returning_id(
        "INSERT INTO pools (name, kind, host_organisation_id) VALUES (?, 'aligned', 2)",
        {"Aligned " + std::to_string(s)});
    PoolId p(id);
    ASSERT_TRUE(set_partner(*db_, p, OrganisationId(1), 5000).ok());
    ASSERT_TRUE(set_partner(*db_, p, OrganisationId(2), 5000).ok());
    auto council_scheme = add_scheme(*db_, p, "council", 1, OrganisationId(1));
    auto icb_scheme = add_scheme(*db_, p, "nhs", 1, OrganisationId(2));
    ASSERT_TRUE(council_scheme.ok() && icb_scheme.ok());
    std::map<std::int64_t, std::int64_t> own;  // partner → contributions less spend
    for (int op = 0; op < 40; ++op) {
      std::int64_t amount = static_cast<std::int64_t>(rng() % 100'000) + 1;
      std::int64_t partner = 1 + static_cast<std::int64_t>(rng() % 2);
      Date date = Date::from_days(static_cast<std::int32_t>(
          d("2025-04-01").days() + static_cast<std::int32_t>(rng() % 360)));
      auto lines = count("journal_lines");
      switch (rng() % 5) {
        case 0:
        case 1:
          ASSERT_TRUE(contribute(*db_, p, OrganisationId(partner), amount, date, "").ok());
          own[partner] += amount;
          break;
        case 2:
        case 3:
          ASSERT_TRUE(
              spend(*db_, p, partner == 1 ? *council_scheme : *icb_scheme, amount, date, "").ok());
          own[partner] -= amount;
          break;
        default:
          EXPECT_FALSE(set_aside_reserve(*db_, p, amount, date).ok());
          EXPECT_FALSE(year_end_risk_share(*db_, p, d("2026-03-31"), "proportional").ok());
          EXPECT_EQ(count("journal_lines"), lines);
          break;
      }
      auto ok = check_ledger(*db_, p);
      ASSERT_TRUE(ok.ok()) << "sequence " << s << " op " << op << ": " << ok.error().message;
      EXPECT_EQ(balance(*db_, p, "fund:LA1"), own[1]);
      EXPECT_EQ(balance(*db_, p, "fund:ICB"), own[2]);
    }
    auto st = statement(*db_, p, "2026-03");
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(
        st->by_partner.at("Council").contributions_pence - st->by_partner.at("Council").spend_pence,
        own[1]);
    EXPECT_EQ(st->fund_pence, own[1] + own[2]);
  }
}

// An aligned budget: each partner's schemes paid from its own fund, reported side by side; no
// reserve, no risk share; a scheme must have an owner who is a partner.
TEST_P(LedgerTest, AlignedBudgetsAreReportedSideBySideButOwnedApart) {
  db_->execute(
      "INSERT INTO pools (id, name, kind, host_organisation_id) VALUES (2, 'Continuing "
      "Healthcare', 'aligned', 2)");
  db_->sync_id_sequence("pools");
  PoolId chc(2);
  ASSERT_TRUE(set_partner(*db_, chc, OrganisationId(1), 5000).ok());
  ASSERT_TRUE(set_partner(*db_, chc, OrganisationId(2), 5000).ok());
  auto before = count("pool_schemes");
  auto unowned = add_scheme(*db_, chc, "joint packages", 10'000);
  ASSERT_FALSE(unowned.ok());
  EXPECT_NE(unowned.error().message.find("name its owner"), std::string::npos);
  EXPECT_FALSE(
      add_scheme(*db_, chc, "mental health", 10'000, OrganisationId(3)).ok());  // not a partner
  EXPECT_FALSE(add_scheme(*db_, pool, "owned", 10'000, OrganisationId(1))
                   .ok());  // a pooled fund's scheme has no owner
  EXPECT_EQ(count("pool_schemes"), before);
  auto nursing = add_scheme(*db_, chc, "nursing homes (council)", 120'000, OrganisationId(1));
  auto chc_care = add_scheme(*db_, chc, "continuing healthcare (NHS)", 200'000, OrganisationId(2));
  ASSERT_TRUE(nursing.ok() && chc_care.ok());
  ASSERT_TRUE(
      contribute(*db_, chc, OrganisationId(1), 120'000, d("2025-04-01"), "council's aligned budget")
          .ok());
  ASSERT_TRUE(
      contribute(*db_, chc, OrganisationId(2), 200'000, d("2025-04-01"), "ICB's aligned budget")
          .ok());
  ASSERT_TRUE(spend(*db_, chc, *nursing, 70'000, d("2025-09-30"), "placements").ok());
  ASSERT_TRUE(spend(*db_, chc, *chc_care, 90'000, d("2025-09-30"), "packages").ok());
  // Each partner's fund moved only by its own money.
  EXPECT_EQ(balance(*db_, chc, "fund:LA1"), 50'000);
  EXPECT_EQ(balance(*db_, chc, "fund:ICB"), 110'000);
  EXPECT_EQ(balance(*db_, chc, "fund"), 0);
  EXPECT_TRUE(check_ledger(*db_, chc).ok()) << check_ledger(*db_, chc).error().message;
  auto st = statement(*db_, chc, "2025-09");
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_EQ(st->by_partner.size(), 2u);
  const auto& council = st->by_partner.at("Council");
  const auto& icb = st->by_partner.at("Integrated Care Board");
  EXPECT_EQ(council.budget_pence, 120'000);
  EXPECT_EQ(council.spend_pence, 70'000);
  EXPECT_EQ(council.forecast_outturn_pence, 70'000 * 365 / 183);  // 139,617: an overspend of 19,617
  EXPECT_EQ(council.variance_pence, 120'000 - 139'617);
  EXPECT_EQ(icb.spend_pence, 90'000);
  EXPECT_EQ(icb.variance_pence, 200'000 - 90'000 * 365 / 183);
  EXPECT_EQ(st->fund_pence, 160'000);
  // The council's overspend stays the council's: no risk share, no shared reserve.
  auto entries = count("journal_entries");
  EXPECT_FALSE(year_end_risk_share(*db_, chc, d("2026-03-31"), "proportional").ok());
  EXPECT_FALSE(set_aside_reserve(*db_, chc, 1'000, d("2025-04-01")).ok());
  EXPECT_EQ(count("journal_entries"), entries);
  // A journal that moves one partner's money to pay the other's scheme balances, but breaks the
  // aligned invariant, and check_ledger says whose.
  ASSERT_TRUE(post(*db_, Journal{chc,
                                 d("2025-10-01"),
                                 "adjustment",
                                 "wrong fund",
                                 {{"scheme:" + std::to_string(*nursing), 5'000, 0},
                                  {"fund:ICB", 0, 5'000}}})
                  .ok());
  auto broken = check_ledger(*db_, chc);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("aligned budget does not add up"), std::string::npos);
}

// Commitments: active care plans' lines funded from the pool, for the weeks left in the year.
TEST_P(LedgerTest, StatementsShowWhatActiveCarePlansCommit) {
  db_->execute("INSERT INTO persons (id, created_at) VALUES (1, '2025-01-01T00:00:00Z')");
  db_->execute(
      "INSERT INTO staff_users (id, username, display_name, role, organisation_id, password_hash) "
      "VALUES (1, 'sw', 'Social Worker', 'social_worker', 1, 'x')");
  for (auto [id, status] : {std::pair{1, "active"}, std::pair{2, "ended"}})
    db_->execute(
        "INSERT INTO care_plans (id, person_id, status, created_at, created_by_user_id, "
        "organisation_id, review_date) "
        "VALUES (?, 1, ?, '2025-05-01T00:00:00Z', 1, 1, '2026-05-01')",
        {std::int64_t{id}, std::string(status)});
  auto line = [&](std::int64_t id, std::int64_t plan, std::optional<std::int64_t> pool_id,
                  const char* start, const char* end) {
    db_->execute(
        "INSERT INTO care_plan_lines (id, care_plan_id, provider_organisation_id, service, funder, "
        "pool_id, units_per_week, "
        "unit_cost_pence, start_date, end_date) VALUES (?, ?, 1, 'home_care', 'pool', ?, 10, 2700, "
        "?, ?)",
        {id, plan, pool_id ? store::Value(*pool_id) : store::null(), std::string(start),
         end ? store::Value(std::string(end)) : store::null()});
  };
  line(1, 1, 1, "2025-05-01", nullptr);  // runs on: 1 Oct 2025 to 31 Mar 2026, 182 days = 26 weeks
  line(2, 1, 1, "2025-05-01", "2025-10-14");        // 14 days left: 2 weeks
  line(3, 1, std::nullopt, "2025-05-01", nullptr);  // not from the pool
  line(4, 2, 1, "2025-05-01", nullptr);             // an ended plan commits nothing
  auto st = statement(*db_, pool, "2025-09");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->committed_pence, (26 + 2) * 10 * 2700);
}

INSTANTIATE_STORE_SUITE(LedgerTest);

}  // namespace
}  // namespace jc::money
