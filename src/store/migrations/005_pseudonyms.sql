-- The secret key for pseudonymised person keys in analyses (a keyed hash): made once per
-- database, never exported.
CREATE TABLE pseudonym_keys (
  id INTEGER PRIMARY KEY,
  key_hex TEXT NOT NULL,
  created_at TEXT NOT NULL
);
