// The store suite: the same tests on SQLite and on a real PostgreSQL server.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/area_repository.h"
#include "store/migrations.h"
#include "store/staff_repository.h"
#include "support/database_fixture.h"
#include "support/test_paths.h"

namespace jc::store {
namespace {

using testing::DatabaseTest;

class StoreTest : public DatabaseTest {
 protected:
  void add_organisation(std::int64_t id, const std::string& code) {
    db_->execute("INSERT INTO organisations (id, ods_code, name, kind) VALUES (?, ?, ?, ?)",
                 {id, code, "Org " + code, std::string("acute_trust")});
  }
};

TEST_P(StoreTest, AppliesEveryMigrationOnceOnOpen) {
  int latest = all_migrations().back().version;
  EXPECT_EQ(db_->schema_version(), latest);
  auto again = reopen();
  EXPECT_EQ(apply_migrations(*again), 0);
  EXPECT_EQ(again->query_integer("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<std::int64_t>(all_migrations().size()));
}

TEST_P(StoreTest, RoundTripsValuesAndNulls) {
  add_organisation(1, "RBT");
  db_->execute(
      "INSERT INTO teams (id, organisation_id, name, service, locality_id) VALUES (?, ?, ?, ?, ?)",
      {std::int64_t{7}, std::int64_t{1}, std::string("Ward 'A' ? team"), std::string("acute"),
       null()});
  int rows = 0;
  db_->query("SELECT id, name, locality_id FROM teams WHERE name = ?",
             {std::string("Ward 'A' ? team")}, [&](const Row& r) {
               ++rows;
               EXPECT_EQ(r.integer(0), 7);
               EXPECT_EQ(r.text(1), "Ward 'A' ? team");
               EXPECT_TRUE(r.is_null(2));
               EXPECT_FALSE(r.optional_integer(2).has_value());
             });
  EXPECT_EQ(rows, 1);
  auto teams = load_teams(*db_);
  ASSERT_EQ(teams.size(), 1u);
  EXPECT_FALSE(teams[0].locality.has_value());
  EXPECT_EQ(find_organisation_by_code(*db_, "RBT")->kind, OrganisationKind::AcuteTrust);
  EXPECT_FALSE(find_organisation_by_code(*db_, "NOPE").has_value());
}

TEST_P(StoreTest, RollsBackWhatATransactionDidWhenItIsNotCommitted) {
  {
    Transaction tx(*db_);
    add_organisation(1, "AAA");
    add_organisation(2, "BBB");
  }
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM organisations"), 0);
  {
    Transaction tx(*db_);
    add_organisation(3, "CCC");
    tx.commit();
  }
  EXPECT_EQ(reopen()->query_integer("SELECT COUNT(*) FROM organisations"), 1);
}

TEST_P(StoreTest, NestedTransactionsRollBackToTheirSavepoint) {
  Transaction outer(*db_);
  add_organisation(1, "AAA");
  {
    Transaction inner(*db_);
    add_organisation(2, "BBB");
  }
  outer.commit();
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM organisations"), 1);
}

TEST_P(StoreTest, EnforcesConstraints) {
  add_organisation(1, "AAA");
  EXPECT_THROW(add_organisation(2, "AAA"), StoreError);  // unique ODS code
  EXPECT_THROW(
      db_->execute("INSERT INTO teams (id, organisation_id, name, service) VALUES (?, ?, ?, ?)",
                   {std::int64_t{1}, std::int64_t{99}, std::string("x"), std::string("y")}),
      StoreError);  // foreign key
}

TEST_P(StoreTest, BulkLoadsManyRowsInsideATransaction) {
  add_organisation(1, "AAA");
  {
    Transaction tx(*db_);
    auto w = db_->bulk_insert(
        "local_records",
        {"id", "organisation_id", "source_system", "local_id", "nhs_number", "nhs_number_status",
         "given_name", "family_name", "birth_date", "sex", "address", "postcode"});
    for (std::int64_t i = 1; i <= 5000; ++i) {
      w->add({i, std::int64_t{1}, std::string("test"), "L" + std::to_string(i),
              i % 3 ? Value(std::string("9990000018")) : null(), std::string("02"),
              std::string("Ann\tTab"), std::string("O'Neil\\Back"), std::string("1950-01-02"),
              std::string("female"), std::string("1 Line\nTwo"), std::string("CW1 3AB")});
    }
    w->finish();
    db_->sync_id_sequence("local_records");
    tx.commit();
  }
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM local_records"), 5000);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM local_records WHERE nhs_number IS NULL"),
            1666);
  EXPECT_EQ(db_->query_text("SELECT given_name FROM local_records WHERE id = 1"), "Ann\tTab");
  EXPECT_EQ(db_->query_text("SELECT family_name FROM local_records WHERE id = 1"), "O'Neil\\Back");
  EXPECT_EQ(db_->query_text("SELECT address FROM local_records WHERE id = 1"), "1 Line\nTwo");
  {
    store::Transaction tx(*db_);
    EXPECT_EQ(db_->lock_and_next_id("local_records"), 5001);
  }
  EXPECT_THROW(db_->lock_and_next_id("local_records"), store::StoreError)
      << "only inside a write transaction";
  // New rows without an explicit id continue above the loaded ones.
  db_->execute(
      "INSERT INTO local_records (organisation_id, source_system, local_id, nhs_number_status, "
      "given_name, "
      "family_name, sex, address, postcode) VALUES (1, 'test', 'new', '03', 'A', 'B', 'unknown', "
      "'', '')");
  EXPECT_EQ(db_->query_integer("SELECT id FROM local_records WHERE local_id = 'new'"), 5001);
}

TEST_P(StoreTest, AFailedBulkLoadLeavesNothingBehind) {
  add_organisation(1, "AAA");
  try {
    Transaction tx(*db_);
    auto w = db_->bulk_insert("organisations", {"id", "ods_code", "name", "kind"});
    w->add({std::int64_t{2}, std::string("BBB"), std::string("b"), std::string("gp_practice")});
    w->add({std::int64_t{3}, std::string("AAA"), std::string("dup"),
            std::string("gp_practice")});  // duplicate code
    w->finish();
    tx.commit();
    FAIL() << "the duplicate should have failed the load";
  } catch (const StoreError&) {
  }
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM organisations"), 1);
  add_organisation(4, "DDD");  // the connection is usable afterwards
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM organisations"), 2);
}

TEST_P(StoreTest, SeveralBulkWritersAtOnceKeepReferencesIntact) {
  Transaction tx(*db_);
  auto orgs = db_->bulk_insert("organisations", {"id", "ods_code", "name", "kind"});
  auto teams = db_->bulk_insert("teams", {"id", "organisation_id", "name", "service"});
  for (std::int64_t i = 1; i <= 3000; ++i) {
    orgs->add({i, "O" + std::to_string(i), std::string("org"), std::string("gp_practice")});
    teams->add({i, i, std::string("team"),
                std::string("general_practice")});  // refers to the row just added
  }
  teams->finish();  // sends the organisations first
  orgs->finish();
  tx.commit();
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM teams"), 3000);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM organisations"), 3000);
}

TEST_P(StoreTest, StoresStaffAndSessions) {
  add_organisation(1, "AAA");
  StaffUser u;
  u.username = "dnurse";
  u.display_name = "Dana";
  u.role = Role::DistrictNurse;
  u.organisation = OrganisationId(1);
  StaffUserId id = insert_staff(*db_, u, "hash");
  auto found = find_staff_by_username(*db_, "dnurse");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user.id, id);
  EXPECT_EQ(found->user.role, Role::DistrictNurse);
  EXPECT_EQ(found->password_hash, "hash");
  Timestamp now = Timestamp::from_seconds(1'700'000'000);
  // Sign-in attempts are numbered in one statement; the third of three sets the lock; once the
  // lock has passed the count starts again, and so it does after a lockout period (900 s) with no
  // attempt and no lock.
  Timestamp lock = now.plus_seconds(900);
  auto attempt = [&](Timestamp at) {
    return reserve_login_attempt(*db_, id, at, 3, at.plus_seconds(900), at.plus_seconds(-900));
  };
  EXPECT_EQ(attempt(now), 1);
  EXPECT_EQ(attempt(now), 2);
  EXPECT_FALSE(find_staff(*db_, id)->locked_until.has_value());
  EXPECT_EQ(attempt(now), 3);
  EXPECT_EQ(find_staff(*db_, id)->locked_until, lock);
  EXPECT_EQ(attempt(now.plus_seconds(899)), 4);
  EXPECT_EQ(find_staff(*db_, id)->locked_until, lock);  // a refused attempt does not move the lock
  EXPECT_EQ(attempt(lock), 1);
  EXPECT_FALSE(find_staff(*db_, id)->locked_until.has_value());
  EXPECT_EQ(find_staff(*db_, id)->failed_logins, 1);
  EXPECT_EQ(attempt(lock.plus_seconds(900)), 2);   // the last attempt was exactly 900 s before
  EXPECT_EQ(attempt(lock.plus_seconds(1801)), 1);  // 901 s after the last one: forgotten
  // Usernames no account has: the same numbering under a key of their own, kept apart per key.
  auto unknown = [&](const std::string& key, Timestamp at) {
    return reserve_unknown_login_attempt(*db_, key, at, 3, at.plus_seconds(900),
                                         at.plus_seconds(-900));
  };
  EXPECT_EQ(unknown("k1", now), 1);
  EXPECT_EQ(unknown("k1", now), 2);
  EXPECT_EQ(unknown("k2", now), 1);
  EXPECT_EQ(unknown("k1", now), 3);
  EXPECT_EQ(unknown("k1", now.plus_seconds(899)), 4);  // locked until now + 900
  EXPECT_EQ(unknown("k1", now.plus_seconds(900)), 1);  // the lock has passed
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM sign_in_failures"), 2);
  // k2's count would start afresh: pruned when another name's attempt is counted.
  EXPECT_EQ(unknown("k3", now.plus_seconds(2000)), 1);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM sign_in_failures WHERE username_key = 'k2'"),
            0);
  record_successful_login(*db_, id);
  EXPECT_EQ(find_staff(*db_, id)->failed_logins, 0);
  insert_session(*db_, "tokenhash", id, now, now.plus_seconds(60));
  EXPECT_EQ(find_session(*db_, "tokenhash")->user, id);
  EXPECT_EQ(delete_expired_sessions(*db_, now.plus_seconds(61)), 1);
  EXPECT_FALSE(find_session(*db_, "tokenhash").has_value());
}

INSTANTIATE_STORE_SUITE(StoreTest);

// SQLite's page cache (PRAGMA cache_size; negative: KiB) follows the setting for connections opened
// after it, within the range the setting allows.
TEST(SqlitePageCache, ConnectionsOpenedAfterTheSettingGetItsSize) {
  auto dir = jc::testing::scratch_dir("page-cache");
  const std::string path = (dir / "area.db").string();
  auto before = open_database(path);
  EXPECT_EQ(before->query_integer("PRAGMA cache_size"), -65536);
  set_embedded_cache_kib(kServerPageCacheKib);
  auto after = open_database(path);
  EXPECT_EQ(after->query_integer("PRAGMA cache_size"), -2048);
  EXPECT_EQ(before->query_integer("PRAGMA cache_size"), -65536);
  EXPECT_THROW(set_embedded_cache_kib(255), StoreError);
  EXPECT_THROW(set_embedded_cache_kib(1048577), StoreError);
  EXPECT_EQ(open_database(path)->query_integer("PRAGMA cache_size"), -2048);
  set_embedded_cache_kib(65536);
  before.reset();
  after.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace jc::store
