-- Failed sign-ins under usernames no account has, counted in the store as a real account's are
-- (staff_users.failed_logins), so that both answers take the same work: one committed count, one
-- Argon2id verification, one audit event. The username is kept only as its BLAKE2b hash (people type
-- passwords into the username box). Rows whose last failure is older than the lockout are pruned.
CREATE TABLE sign_in_failures (
  username_key TEXT PRIMARY KEY,
  failed_logins INTEGER NOT NULL,
  locked_until TEXT,
  last_attempt_at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (last_attempt_at);

-- A real account's count is forgotten the same way: a failure after a lockout period without one
-- starts afresh, so the two kinds of name cannot be told apart by waiting.
ALTER TABLE staff_users ADD COLUMN last_attempt_at TEXT;
