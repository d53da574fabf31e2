// Staff users and their sign-in sessions. Session tokens are stored only as hashes.
#pragma once

#include <optional>
#include <string>

#include "core/staff_user.h"
#include "store/database.h"

namespace jc::store {

struct StaffCredentials {
  StaffUser user;
  std::string password_hash;  // Argon2id, libsodium's encoded form
};

std::optional<StaffCredentials> find_staff_by_username(Database& db, std::string_view username);
std::optional<StaffUser> find_staff(Database& db, StaffUserId id);
StaffUserId insert_staff(Database& db, const StaffUser& user, const std::string& password_hash);
void record_successful_login(Database& db, StaffUserId id);
// Counts a sign-in attempt before its password is checked, in one statement (so parallel
// attempts each get their own number): a lock that has expired, or a count with no lock whose
// last attempt was before `forget_before`, starts afresh, and the attempt that reaches
// `max_attempts` sets the lock until `lock_until`. Returns the attempt's number; above
// `max_attempts` the account is locked and the password must not be tried.
int reserve_login_attempt(Database& db, StaffUserId id, Timestamp now, int max_attempts,
                          Timestamp lock_until, Timestamp forget_before);
// The same count for a username no account has, kept under `username_key` (a hash of the name)
// in sign_in_failures; counts that would start afresh are pruned.
int reserve_unknown_login_attempt(Database& db, const std::string& username_key, Timestamp now,
                                  int max_attempts, Timestamp lock_until, Timestamp forget_before);

void insert_session(Database& db, const std::string& token_hash, StaffUserId user,
                    Timestamp created, Timestamp expires);
struct SessionRow {
  StaffUserId user;
  Timestamp expires;
};
std::optional<SessionRow> find_session(Database& db, const std::string& token_hash);
void delete_session(Database& db, const std::string& token_hash);
std::int64_t delete_expired_sessions(Database& db, Timestamp now);

}  // namespace jc::store
