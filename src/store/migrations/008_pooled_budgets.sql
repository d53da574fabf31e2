-- Section 75 pooled and aligned budgets as a double-entry ledger in integer pence. Journal entries
-- and their lines are never updated or deleted: a correction is a reversing entry.
CREATE TABLE pool_partners (
  pool_id BIGINT NOT NULL REFERENCES pools(id),
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  share_basis_points INTEGER NOT NULL,
  PRIMARY KEY (pool_id, organisation_id)
);

CREATE TABLE pool_schemes (
  id @ID_PK@,
  pool_id BIGINT NOT NULL REFERENCES pools(id),
  name TEXT NOT NULL,
  budget_pence BIGINT NOT NULL,
  UNIQUE (pool_id, name)
);

CREATE TABLE ledger_accounts (
  id @ID_PK@,
  pool_id BIGINT NOT NULL REFERENCES pools(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  UNIQUE (pool_id, code)
);

CREATE TABLE journal_entries (
  id @ID_PK@,
  pool_id BIGINT NOT NULL REFERENCES pools(id),
  entry_date TEXT NOT NULL,
  kind TEXT NOT NULL,
  description TEXT NOT NULL,
  posted_at TEXT NOT NULL,
  reverses_entry_id BIGINT REFERENCES journal_entries(id)
);
CREATE INDEX journal_entries_pool ON journal_entries (pool_id, entry_date);

CREATE TABLE journal_lines (
  id @ID_PK@,
  entry_id BIGINT NOT NULL REFERENCES journal_entries(id),
  account_id BIGINT NOT NULL REFERENCES ledger_accounts(id),
  debit_pence BIGINT NOT NULL CHECK (debit_pence >= 0),
  credit_pence BIGINT NOT NULL CHECK (credit_pence >= 0)
);
CREATE INDEX journal_lines_entry ON journal_lines (entry_id);
CREATE INDEX journal_lines_account ON journal_lines (account_id);
