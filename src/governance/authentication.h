// Staff authentication: Argon2id password hashes (libsodium), opaque session tokens stored only
// as hashes, expiry, and lockout after repeated failures. Thread-safe given one Database per call.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/result.h"
#include "core/staff_user.h"
#include "core/time.h"
#include "store/database.h"

namespace jc::governance {

struct AuthenticationPolicy {
  int max_failed_logins = 5;
  std::int64_t lockout_seconds = 15 * 60;
  std::int64_t session_seconds = 8 * 60 * 60;
};

// Argon2id with libsodium's interactive limits; returns the encoded hash string.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& encoded_hash, const std::string& password);

struct SessionGrant {
  std::string token;  // give to the client; never stored
  StaffUser user;
  Timestamp expires;
};

enum class LoginFailure { BadCredentials, Locked, Inactive };

struct LoginOutcome {
  std::optional<SessionGrant> grant;
  std::optional<LoginFailure> failure;
};

class Authenticator {
 public:
  explicit Authenticator(AuthenticationPolicy policy = {}) : policy_(policy) {}
  // Checks the password; on success opens a session. Each attempt is counted before its password
  // is checked, atomically, so parallel guesses cannot outrun the lock: at most
  // max_failed_logins are tried before it, and the one that reaches it answers Locked. A lock
  // that has expired, or a lockout period without an attempt, starts the count afresh. Unknown
  // usernames get the same answers, counts and work as real ones (a committed count, one
  // Argon2id verification, an audit event); an inactive account is named only to someone with
  // its password.
  LoginOutcome login(store::Database& db, const std::string& username, const std::string& password,
                     Timestamp now) const;
  // The user a live session token belongs to, or nullopt (unknown or expired).
  std::optional<StaffUser> authenticate(store::Database& db, const std::string& token,
                                        Timestamp now) const;
  void logout(store::Database& db, const std::string& token) const;

 private:
  AuthenticationPolicy policy_;
};

// SHA-256-strength generic hash (BLAKE2b-256) of a token, hex: what sessions store.
std::string hash_token(const std::string& token);
// The session's anti-CSRF token: derived from the session token (so nothing more is stored), and
// not the hash the sessions table keeps. The page sends it as X-CSRF-Token with every change.
std::string csrf_token(const std::string& session_token);
// Compares two tokens in time that does not depend on where they differ.
bool same_token(const std::string& a, const std::string& b);

}  // namespace jc::governance
