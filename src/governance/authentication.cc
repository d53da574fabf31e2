#include "governance/authentication.h"

#include <sodium.h>

#include <stdexcept>

#include "governance/audit.h"
#include "governance/purpose.h"
#include "store/staff_repository.h"

namespace jc::governance {
namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

// A real hash to compare against when the user does not exist, so timing does not tell.
const std::string& decoy_hash() {
  static const std::string h = hash_password("decoy password for unknown users");
  return h;
}

}  // namespace

std::string hash_password(const std::string& password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.c_str(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

bool verify_password(const std::string& encoded_hash, const std::string& password) {
  ensure_sodium();
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.c_str(), password.size()) == 0;
}

std::string hash_token(const std::string& token) {
  ensure_sodium();
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return to_hex(h, sizeof h);
}

std::string csrf_token(const std::string& session_token) {
  ensure_sodium();
  static constexpr unsigned char kKey[] =
      "jointcare anti-CSRF token v1....";  // a domain separator, not a secret
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size(), kKey, 32);
  return to_hex(h, sizeof h);
}

bool same_token(const std::string& a, const std::string& b) {
  ensure_sodium();
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

// Sign-ins are audited too: who, when, and whether it worked (never the username typed, which may
// be a mistyped password).
void audit_sign_in(store::Database& db, const std::optional<StaffUser>& user, Timestamp now,
                   const char* outcome) {
  AuditEvent e;
  e.occurred_at = now;
  if (user) {
    e.user_id = user->id.value;
    e.user_role = std::string(to_code(user->role));
    e.organisation_id = user->organisation.value;
  } else {
    e.user_role = "unknown";
  }
  e.action = "login";
  e.record_type = "session";
  e.record_id = user ? std::to_string(user->id.value) : "-";
  e.purpose = std::string(code(Purpose::SystemAdministration));
  e.outcome = outcome;
  append_audit(db, e);
}

}  // namespace

LoginOutcome Authenticator::login(store::Database& db, const std::string& username,
                                  const std::string& password, Timestamp now) const {
  // Every refusal takes the same work and gives the same answers, whether the username exists or
  // not: the attempt counted and committed first (unknown usernames under a hash of the name, in
  // a table of their own), then one Argon2id verification (a decoy's when there is no account,
  // or it is locked), then the audit event.
  const Timestamp lock_until = now.plus_seconds(policy_.lockout_seconds);
  const Timestamp forget_before = now.plus_seconds(-policy_.lockout_seconds);
  auto creds = store::find_staff_by_username(db, username);
  int attempt = 0;
  {
    store::Transaction tx(db);
    attempt = creds ? store::reserve_login_attempt(db, creds->user.id, now,
                                                   policy_.max_failed_logins, lock_until,
                                                   forget_before)
                    : store::reserve_unknown_login_attempt(db, hash_token("sign-in name:" + username),
                                                           now, policy_.max_failed_logins,
                                                           lock_until, forget_before);
    tx.commit();
  }
  const bool locked = attempt > policy_.max_failed_logins;
  const bool right = verify_password(creds && !locked ? creds->password_hash : decoy_hash(),
                                     password) &&
                     creds && !locked;
  if (!right) {
    audit_sign_in(db, creds ? std::optional<StaffUser>(creds->user) : std::nullopt, now,
                  creds && locked ? "denied" : "failure");
    return {std::nullopt, attempt >= policy_.max_failed_logins ? LoginFailure::Locked
                                                               : LoginFailure::BadCredentials};
  }
  StaffUser& user = creds->user;
  // The password was right: the count starts again, and only now is an inactive account named.
  if (!user.active) {
    store::Transaction tx(db);
    store::record_successful_login(db, user.id);
    audit_sign_in(db, user, now, "denied");
    tx.commit();
    return {std::nullopt, LoginFailure::Inactive};
  }
  ensure_sodium();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  std::string token = to_hex(raw, sizeof raw);
  Timestamp expires = now.plus_seconds(policy_.session_seconds);
  store::Transaction tx(db);
  store::record_successful_login(db, user.id);
  store::insert_session(db, hash_token(token), user.id, now, expires);
  audit_sign_in(db, user, now, "success");
  tx.commit();
  user.failed_logins = 0;
  user.locked_until.reset();
  return {SessionGrant{token, user, expires}, std::nullopt};
}

std::optional<StaffUser> Authenticator::authenticate(store::Database& db, const std::string& token,
                                                     Timestamp now) const {
  if (token.empty()) return std::nullopt;
  auto session = store::find_session(db, hash_token(token));
  if (!session || session->expires <= now) return std::nullopt;
  auto user = store::find_staff(db, session->user);
  if (!user || !user->active) return std::nullopt;
  return user;
}

void Authenticator::logout(store::Database& db, const std::string& token) const {
  store::delete_session(db, hash_token(token));
}

}  // namespace jc::governance
