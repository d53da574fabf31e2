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
void record_failed_login(Database& db, StaffUserId id, int failed_logins,
                         std::optional<Timestamp> locked_until);
void record_successful_login(Database& db, StaffUserId id);

void insert_session(Database& db, const std::string& token_hash, StaffUserId user, Timestamp created,
                    Timestamp expires);
struct SessionRow {
  StaffUserId user;
  Timestamp expires;
};
std::optional<SessionRow> find_session(Database& db, const std::string& token_hash);
void delete_session(Database& db, const std::string& token_hash);
std::int64_t delete_expired_sessions(Database& db, Timestamp now);

}  // namespace jc::store
