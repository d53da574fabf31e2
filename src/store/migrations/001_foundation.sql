-- Foundation: geography, organisations, teams, staff and sessions, persons and each
-- organisation's own records of them, activity and cost, pools, care packages, referrals.
-- Portable SQL for SQLite and PostgreSQL; @ID_PK@ becomes each dialect's generated key.
-- Dates are ISO 'YYYY-MM-DD' text, times ISO 'YYYY-MM-DDTHH:MM:SSZ' (UTC); money is pence.

CREATE TABLE local_authorities (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE localities (
  id @ID_PK@,
  name TEXT NOT NULL,
  local_authority_code TEXT NOT NULL REFERENCES local_authorities(code),
  UNIQUE (local_authority_code, name)
);

CREATE TABLE wards (
  id @ID_PK@,
  name TEXT NOT NULL,
  locality_id BIGINT NOT NULL REFERENCES localities(id)
);

CREATE TABLE lsoas (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  ward_id BIGINT NOT NULL REFERENCES wards(id),
  imd_decile INTEGER NOT NULL CHECK (imd_decile BETWEEN 1 AND 10),
  imd_rank INTEGER NOT NULL,
  population INTEGER NOT NULL,
  postcode_sector TEXT NOT NULL
);

CREATE TABLE organisations (
  id @ID_PK@,
  ods_code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  locality_id BIGINT REFERENCES localities(id)
);

CREATE TABLE gp_practices (
  organisation_id BIGINT PRIMARY KEY REFERENCES organisations(id),
  lsoa_code TEXT NOT NULL REFERENCES lsoas(code),
  list_size INTEGER NOT NULL
);

CREATE TABLE teams (
  id @ID_PK@,
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  locality_id BIGINT REFERENCES localities(id)
);
CREATE INDEX teams_organisation ON teams (organisation_id);

CREATE TABLE staff_users (
  id @ID_PK@,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  team_id BIGINT REFERENCES teams(id),
  password_hash TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES staff_users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The person index: one row per person, filled by record linkage.
CREATE TABLE persons (
  id @ID_PK@,
  nhs_number TEXT,
  created_at TEXT NOT NULL
);

-- Each organisation's own record of a person, as that organisation holds it.
CREATE TABLE local_records (
  id @ID_PK@,
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  source_system TEXT NOT NULL,
  local_id TEXT NOT NULL,
  nhs_number TEXT,
  nhs_number_status TEXT NOT NULL,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  birth_date TEXT,
  sex TEXT NOT NULL,
  address TEXT NOT NULL,
  postcode TEXT NOT NULL,
  lsoa_code TEXT,
  gp_practice_id BIGINT REFERENCES organisations(id),
  person_id BIGINT REFERENCES persons(id),
  UNIQUE (organisation_id, local_id)
);

-- What the generator knows and a real extract would not: the true person behind each record
-- and the errors injected into it. Kept apart from local_records; used to evaluate linkage.
CREATE TABLE synthetic_truth (
  local_record_id BIGINT PRIMARY KEY REFERENCES local_records(id),
  true_person INTEGER NOT NULL,
  injected_errors TEXT NOT NULL
);

-- Pooled budgets (Section 75) that care packages and services are funded from.
CREATE TABLE pools (
  id @ID_PK@,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  host_organisation_id BIGINT NOT NULL REFERENCES organisations(id)
);

-- Activity and its cost, as each organisation records it against its own record.
CREATE TABLE activity (
  id @ID_PK@,
  local_record_id BIGINT NOT NULL REFERENCES local_records(id),
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  team_id BIGINT REFERENCES teams(id),
  service TEXT NOT NULL,
  activity_date TEXT NOT NULL,
  units INTEGER NOT NULL,
  cost_pence BIGINT NOT NULL,
  pool_id BIGINT REFERENCES pools(id)
);

CREATE TABLE care_packages (
  id @ID_PK@,
  local_record_id BIGINT NOT NULL REFERENCES local_records(id),
  provider_organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  service TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  weekly_units INTEGER NOT NULL,
  unit_cost_pence BIGINT NOT NULL,
  pool_id BIGINT REFERENCES pools(id)
);

CREATE TABLE referrals (
  id @ID_PK@,
  local_record_id BIGINT NOT NULL REFERENCES local_records(id),
  from_team_id BIGINT NOT NULL REFERENCES teams(id),
  to_team_id BIGINT NOT NULL REFERENCES teams(id),
  sent_at TEXT NOT NULL,
  status TEXT NOT NULL,
  responded_at TEXT,
  reason TEXT,
  previous_referral_id BIGINT REFERENCES referrals(id)
);

-- Imports: one row per file loaded, for provenance.
CREATE TABLE imports (
  id @ID_PK@,
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  file_name TEXT NOT NULL,
  record_count INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);
