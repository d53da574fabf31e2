#include "governance/authentication.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "store/staff_repository.h"
#include "support/database_fixture.h"
#include "support/test_paths.h"

namespace jc::governance {
namespace {

class AuthenticationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = store::open_database(":memory:");
    db_->execute(
        "INSERT INTO organisations (id, ods_code, name, kind) VALUES (1, 'X', 'X', 'gp_practice')");
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
  EXPECT_EQ(
      db_->query_integer("SELECT COUNT(*) FROM sessions WHERE token_hash = ?", {hash_token(token)}),
      1);
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
  EXPECT_EQ(auth.login(*db_, "gp", "correct horse", now_.plus_seconds(899)).failure,
            LoginFailure::Locked);
  auto later = auth.login(*db_, "gp", "correct horse", now_.plus_seconds(901));
  ASSERT_TRUE(later.grant.has_value());
  EXPECT_EQ(store::find_staff(*db_, id_)->failed_logins, 0);
}

TEST_F(AuthenticationTest, UnknownUsersAndInactiveAccountsAreRefused) {
  Authenticator auth;
  EXPECT_EQ(auth.login(*db_, "nobody", "x", now_).failure, LoginFailure::BadCredentials);
  db_->execute("UPDATE staff_users SET active = 0");
  // Without the password an inactive account looks like any other refusal.
  EXPECT_EQ(auth.login(*db_, "gp", "wrong", now_).failure, LoginFailure::BadCredentials);
  EXPECT_EQ(auth.login(*db_, "gp", "correct horse", now_).failure, LoginFailure::Inactive);
}

// The answers do not tell whether a username exists: an unknown one is locked out after the same
// number of guesses as a real one, and both recover when the lock has passed.
TEST_F(AuthenticationTest, UnknownUsernamesAreLockedOutLikeRealOnes) {
  Authenticator auth(AuthenticationPolicy{3, 900, 3600});
  for (const char* name : {"gp", "no-such-user"}) {
    EXPECT_EQ(auth.login(*db_, name, "wrong", now_).failure, LoginFailure::BadCredentials) << name;
    EXPECT_EQ(auth.login(*db_, name, "wrong", now_).failure, LoginFailure::BadCredentials) << name;
    EXPECT_EQ(auth.login(*db_, name, "wrong", now_).failure, LoginFailure::Locked) << name;
    EXPECT_EQ(auth.login(*db_, name, "wrong", now_.plus_seconds(899)).failure, LoginFailure::Locked)
        << name;
    EXPECT_EQ(auth.login(*db_, name, "wrong", now_.plus_seconds(901)).failure,
              LoginFailure::BadCredentials)
        << name;
  }
}

// Two wrong guesses, then a lockout period (900 s) without one: the count is forgotten alike for
// a real and an unknown name, so waiting does not tell them apart; the unknown name's count lives
// in the store (a new Authenticator, as after a restart, sees it) under a hash, not the name.
TEST_F(AuthenticationTest, CountsAreForgottenAlikeAndKeptInTheStore) {
  const AuthenticationPolicy policy{3, 900, 3600};
  for (const char* name : {"gp", "no-such-user"}) {
    EXPECT_EQ(Authenticator(policy).login(*db_, name, "wrong", now_).failure,
              LoginFailure::BadCredentials)
        << name;
    EXPECT_EQ(Authenticator(policy).login(*db_, name, "wrong", now_).failure,
              LoginFailure::BadCredentials)
        << name;
    const Timestamp later = now_.plus_seconds(901);
    EXPECT_EQ(Authenticator(policy).login(*db_, name, "wrong", later).failure,
              LoginFailure::BadCredentials)
        << name;
    EXPECT_EQ(Authenticator(policy).login(*db_, name, "wrong", later).failure,
              LoginFailure::BadCredentials)
        << name;
    EXPECT_EQ(Authenticator(policy).login(*db_, name, "wrong", later).failure,
              LoginFailure::Locked)
        << name;
  }
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM sign_in_failures"), 1);
  EXPECT_EQ(db_->query_integer(
                "SELECT COUNT(*) FROM sign_in_failures WHERE username_key LIKE '%no-such-user%'"),
            0);
}

// A lock that has expired starts the count again: one more wrong guess is not a new lock.
TEST_F(AuthenticationTest, TheCountStartsAgainWhenTheLockExpires) {
  Authenticator auth(AuthenticationPolicy{3, 900, 3600});
  for (int i = 0; i < 3; ++i) (void)auth.login(*db_, "gp", "wrong", now_);
  EXPECT_EQ(auth.login(*db_, "gp", "wrong", now_.plus_seconds(901)).failure,
            LoginFailure::BadCredentials);
  EXPECT_EQ(auth.login(*db_, "gp", "wrong", now_.plus_seconds(902)).failure,
            LoginFailure::BadCredentials);
  EXPECT_EQ(auth.login(*db_, "gp", "wrong", now_.plus_seconds(903)).failure, LoginFailure::Locked);
}

// Sixteen guesses at once: the count is taken before each password is checked, so no more than
// the allowed five are tried; every other one is refused as locked without being tried.
TEST(AuthenticationRace, ParallelGuessesCannotOutrunTheLock) {
  auto dir = testing::scratch_dir("auth_race");
  std::string path = (dir / "auth.db").string();
  {
    auto db = store::open_database(path);
    db->execute(
        "INSERT INTO organisations (id, ods_code, name, kind) VALUES (1, 'X', 'X', 'gp_practice')");
    StaffUser u;
    u.username = "gp";
    u.display_name = "Dr G";
    u.role = Role::GeneralPractitioner;
    u.organisation = OrganisationId(1);
    store::insert_staff(*db, u, hash_password("correct horse"));
  }
  Authenticator auth(AuthenticationPolicy{5, 900, 3600});
  Timestamp now = Timestamp::from_seconds(1'750'000'000);
  std::atomic<int> bad{0}, locked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto db = store::open_database(path);
      auto f = auth.login(*db, "gp", "wrong", now).failure;
      if (f == LoginFailure::BadCredentials) ++bad;
      if (f == LoginFailure::Locked) ++locked;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 4);      // tried and wrong
  EXPECT_EQ(locked.load(), 12);  // the fifth (tried, and it set the lock) and eleven not tried
  auto db = store::open_database(path);
  EXPECT_EQ(
      db->query_integer(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'login' AND outcome = 'failure'")
          .value(),
      5);
  EXPECT_EQ(db->query_integer(
                  "SELECT COUNT(*) FROM audit_events WHERE action = 'login' AND outcome = 'denied'")
                .value(),
            11);
  db.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace jc::governance
