#include "governance/authentication.h"

#include <gtest/gtest.h>

#include "store/staff_repository.h"
#include "support/database_fixture.h"

namespace jc::governance {
namespace {

class AuthenticationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = store::open_database(":memory:");
    db_->execute("INSERT INTO organisations (id, ods_code, name, kind) VALUES (1, 'X', 'X', 'gp_practice')");
    StaffUser u;
    u.username = "gp";
    u.display_name = "Dr G";
    u.role = Role::GeneralPractitioner;
    u.organisation = OrganisationId(1);
    id_ = store::insert_staff(*db_, u, hash_password("correct horse"));
  }
  std::unique_ptr<store::Database> db_;
  StaffUserId id_;
  Timestamp now_ = Timestamp::from_seconds(1'750'000'000);
};

TEST(PasswordHash, IsArgon2idAndVerifies) {
  std::string h = hash_password("s3cret");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(verify_password(h, "s3cret"));
  EXPECT_FALSE(verify_password(h, "S3cret"));
  EXPECT_NE(hash_password("s3cret"), h);  // salted
}

TEST_F(AuthenticationTest, SignsInAndOutWithAnOpaqueTokenStoredOnlyAsAHash) {
  Authenticator auth;
  auto out = auth.login(*db_, "gp", "correct horse", now_);
  ASSERT_TRUE(out.grant.has_value());
  const std::string token = out.grant->token;
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM sessions WHERE token_hash = ?", {token}), 0);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM sessions WHERE token_hash = ?", {hash_token(token)}), 1);
  auto who = auth.authenticate(*db_, token, now_.plus_seconds(60));
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->id, id_);
  auth.logout(*db_, token);
  EXPECT_FALSE(auth.authenticate(*db_, token, now_.plus_seconds(61)).has_value());
  EXPECT_FALSE(auth.authenticate(*db_, "", now_).has_value());
}

TEST_F(AuthenticationTest, SessionsExpire) {
  Authenticator auth(AuthenticationPolicy{5, 900, 3600});
  auto out = auth.login(*db_, "gp", "correct horse", now_);
  ASSERT_TRUE(out.grant.has_value());
  EXPECT_TRUE(auth.authenticate(*db_, out.grant->token, now_.plus_seconds(3599)).has_value());
  EXPECT_FALSE(auth.authenticate(*db_, out.grant->token, now_.plus_seconds(3600)).has_value());
}

TEST_F(AuthenticationTest, LocksOutAfterRepeatedFailuresThenRecovers) {
  Authenticator auth(AuthenticationPolicy{3, 900, 3600});
  EXPECT_EQ(auth.login(*db_, "gp", "wrong", now_).failure, LoginFailure::BadCredentials);
  EXPECT_EQ(auth.login(*db_, "gp", "wrong", now_).failure, LoginFailure::BadCredentials);
  EXPECT_EQ(auth.login(*db_, "gp", "wrong", now_).failure, LoginFailure::Locked);
  // Even the right password is refused while locked.
  EXPECT_EQ(auth.login(*db_, "gp", "correct horse", now_.plus_seconds(899)).failure, LoginFailure::Locked);
  auto later = auth.login(*db_, "gp", "correct horse", now_.plus_seconds(901));
  ASSERT_TRUE(later.grant.has_value());
  EXPECT_EQ(store::find_staff(*db_, id_)->failed_logins, 0);
}

TEST_F(AuthenticationTest, UnknownUsersAndInactiveAccountsAreRefused) {
  Authenticator auth;
  EXPECT_EQ(auth.login(*db_, "nobody", "x", now_).failure, LoginFailure::BadCredentials);
  db_->execute("UPDATE staff_users SET active = 0");
  EXPECT_EQ(auth.login(*db_, "gp", "correct horse", now_).failure, LoginFailure::Inactive);
}

}  // namespace
}  // namespace jc::governance
