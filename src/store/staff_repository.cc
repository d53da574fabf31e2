#include "store/staff_repository.h"

namespace jc::store {
namespace {

constexpr const char* kColumns =
    "id, username, display_name, role, organisation_id, team_id, active, failed_logins, "
    "locked_until, "
    "password_hash";

StaffCredentials staff_from(const Row& r) {
  StaffCredentials c;
  c.user.id = StaffUserId(r.integer(0));
  c.user.username = r.text(1);
  c.user.display_name = r.text(2);
  auto role = role_from_code(r.text(3));
  if (!role) throw StoreError("staff_users.role: " + role.error().message);
  c.user.role = *role;
  c.user.organisation = OrganisationId(r.integer(4));
  if (!r.is_null(5)) c.user.team = TeamId(r.integer(5));
  c.user.active = r.integer(6) != 0;
  c.user.failed_logins = static_cast<int>(r.integer(7));
  if (!r.is_null(8)) {
    auto t = Timestamp::parse_iso(r.text(8));
    if (t) c.user.locked_until = *t;
  }
  c.password_hash = r.text(9);
  return c;
}

}  // namespace

std::optional<StaffCredentials> find_staff_by_username(Database& db, std::string_view username) {
  std::optional<StaffCredentials> out;
  db.query(std::string("SELECT ") + kColumns + " FROM staff_users WHERE username = ?",
           {std::string(username)}, [&](const Row& r) { out = staff_from(r); });
  return out;
}

std::optional<StaffUser> find_staff(Database& db, StaffUserId id) {
  std::optional<StaffUser> out;
  db.query(std::string("SELECT ") + kColumns + " FROM staff_users WHERE id = ?", {id.value},
           [&](const Row& r) { out = staff_from(r).user; });
  return out;
}

StaffUserId insert_staff(Database& db, const StaffUser& u, const std::string& password_hash) {
  const Value team = u.team ? Value(u.team->value) : null();
  const std::int64_t active = u.active ? 1 : 0;
  if (!u.id.valid())
    return StaffUserId(
        db.insert_returning_id("INSERT INTO staff_users (username, display_name, role, "
                               "organisation_id, team_id, password_hash, active) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)",
                               {u.username, u.display_name, std::string(to_code(u.role)),
                                u.organisation.value, team, password_hash, active}));
  // An area's own numbering (the generator): the sequence is moved past it.
  db.execute(
      "INSERT INTO staff_users (id, username, display_name, role, organisation_id, team_id, "
      "password_hash, active) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {u.id.value, u.username, u.display_name, std::string(to_code(u.role)), u.organisation.value,
       team, password_hash, active});
  db.sync_id_sequence("staff_users");
  return u.id;
}

namespace {

// The SET list of an attempt's count, for staff_users and sign_in_failures alike (`t` the table's
// name). A count starts afresh when its lock has expired, or when there is no lock and the last
// attempt was before `forget`. Parameters, in order: now, forget, now, forget, max, lock, max,
// lock, now.
std::string count_attempt(const std::string& t) {
  const std::string fresh = "(" + t + ".locked_until IS NOT NULL AND " + t + ".locked_until <= ?) OR (" +
                            t + ".locked_until IS NULL AND (" + t + ".last_attempt_at IS NULL OR " +
                            t + ".last_attempt_at < ?))";
  return "failed_logins = CASE WHEN " + fresh + " THEN 1 ELSE " + t +
         ".failed_logins + 1 END, locked_until = CASE WHEN " + fresh +
         " THEN CASE WHEN 1 >= ? THEN ? END WHEN " + t + ".locked_until IS NULL AND " + t +
         ".failed_logins + 1 >= ? THEN ? ELSE " + t + ".locked_until END, last_attempt_at = ?";
}

std::vector<Value> count_parameters(Timestamp now, Timestamp forget, int max_attempts,
                                    Timestamp lock_until) {
  const std::string t = now.iso(), f = forget.iso(), lock = lock_until.iso();
  const std::int64_t max = max_attempts;
  return {t, f, t, f, max, lock, max, lock, t};
}

}  // namespace

int reserve_login_attempt(Database& db, StaffUserId id, Timestamp now, int max_attempts,
                          Timestamp lock_until, Timestamp forget_before) {
  static const std::string update =
      "UPDATE staff_users SET " + count_attempt("staff_users") + " WHERE id = ? RETURNING failed_logins";
  auto params = count_parameters(now, forget_before, max_attempts, lock_until);
  params.emplace_back(id.value);
  int number = 0;
  db.query(update, params, [&](const Row& r) { number = static_cast<int>(r.integer(0)); });
  return number;
}

int reserve_unknown_login_attempt(Database& db, const std::string& username_key, Timestamp now,
                                  int max_attempts, Timestamp lock_until, Timestamp forget_before) {
  static const std::string upsert =
      "INSERT INTO sign_in_failures (username_key, failed_logins, locked_until, last_attempt_at) "
      "VALUES (?, 1, CASE WHEN 1 >= ? THEN ? END, ?) ON CONFLICT (username_key) DO UPDATE SET " +
      count_attempt("sign_in_failures") + " RETURNING failed_logins";
  const std::int64_t max = max_attempts;
  std::vector<Value> params{username_key, max, lock_until.iso(), now.iso()};
  for (auto& v : count_parameters(now, forget_before, max_attempts, lock_until))
    params.push_back(std::move(v));
  int number = 0;
  db.query(upsert, params, [&](const Row& r) { number = static_cast<int>(r.integer(0)); });
  // Counts that would start afresh anyway are dropped: the table holds only live ones.
  db.execute(
      "DELETE FROM sign_in_failures WHERE last_attempt_at < ? AND (locked_until IS NULL OR "
      "locked_until <= ?)",
      {forget_before.iso(), now.iso()});
  return number;
}

void record_successful_login(Database& db, StaffUserId id) {
  db.execute("UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = ?",
             {id.value});
}

void insert_session(Database& db, const std::string& token_hash, StaffUserId user,
                    Timestamp created, Timestamp expires) {
  db.execute(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
      {token_hash, user.value, created.iso(), expires.iso()});
}

std::optional<SessionRow> find_session(Database& db, const std::string& token_hash) {
  std::optional<SessionRow> out;
  db.query("SELECT user_id, expires_at FROM sessions WHERE token_hash = ?", {token_hash},
           [&](const Row& r) {
             auto t = Timestamp::parse_iso(r.text(1));
             out = SessionRow{StaffUserId(r.integer(0)), t ? *t : Timestamp()};
           });
  return out;
}

void delete_session(Database& db, const std::string& token_hash) {
  db.execute("DELETE FROM sessions WHERE token_hash = ?", {token_hash});
}

std::int64_t delete_expired_sessions(Database& db, Timestamp now) {
  return db.execute("DELETE FROM sessions WHERE expires_at < ?", {now.iso()});
}

}  // namespace jc::store
