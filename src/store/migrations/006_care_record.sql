-- The shared care record (issue 4): involvements and care teams, the referral lifecycle with its
-- events and appointments, case notes with versions and sensitivity, consent, the Single
-- Assessment Process, Continuing Health Care, care plans and personal budgets, and the governance
-- records (break-glass overrides, seal breaks, alerts for the Caldicott Guardian).
-- Nothing here is updated in place except status columns; notes and answers are appended.

-- An involvement (episode of care) of a team with a person: a legitimate relationship while open.
CREATE TABLE involvements (
  id @ID_PK@,
  person_id BIGINT NOT NULL REFERENCES persons(id),
  team_id BIGINT NOT NULL REFERENCES teams(id),
  service TEXT NOT NULL,
  key_worker_user_id BIGINT REFERENCES staff_users(id),
  referral_id BIGINT REFERENCES referrals(id),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  end_reason TEXT
);
CREATE INDEX involvements_person ON involvements (person_id, team_id);
CREATE INDEX involvements_team ON involvements (team_id, ended_at);

-- Referrals gain the person they are about, who sent and holds them, and the clocks.
ALTER TABLE referrals ADD COLUMN person_id BIGINT;
ALTER TABLE referrals ADD COLUMN service_requested TEXT;
ALTER TABLE referrals ADD COLUMN urgency TEXT;
ALTER TABLE referrals ADD COLUMN sent_by_user_id BIGINT;
ALTER TABLE referrals ADD COLUMN allocated_user_id BIGINT;
ALTER TABLE referrals ADD COLUMN accepted_at TEXT;
ALTER TABLE referrals ADD COLUMN first_contact_at TEXT;
ALTER TABLE referrals ADD COLUMN closed_at TEXT;
CREATE INDEX referrals_person ON referrals (person_id);

CREATE TABLE referral_events (
  id @ID_PK@,
  referral_id BIGINT NOT NULL REFERENCES referrals(id),
  occurred_at TEXT NOT NULL,
  user_id BIGINT REFERENCES staff_users(id),
  event TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX referral_events_referral ON referral_events (referral_id);

CREATE TABLE appointments (
  id @ID_PK@,
  referral_id BIGINT REFERENCES referrals(id),
  person_id BIGINT NOT NULL REFERENCES persons(id),
  team_id BIGINT NOT NULL REFERENCES teams(id),
  practitioner_user_id BIGINT REFERENCES staff_users(id),
  starts_at TEXT NOT NULL,
  place TEXT NOT NULL,
  status TEXT NOT NULL,
  booked_by_user_id BIGINT REFERENCES staff_users(id),
  booked_at TEXT NOT NULL
);
CREATE INDEX appointments_person ON appointments (person_id);

-- Case notes: each correction appends a version; the note's identity is its first version's id.
CREATE TABLE case_notes (
  id @ID_PK@,
  note_id BIGINT NOT NULL,
  version INTEGER NOT NULL,
  person_id BIGINT NOT NULL REFERENCES persons(id),
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  team_id BIGINT NOT NULL REFERENCES teams(id),
  author_user_id BIGINT NOT NULL REFERENCES staff_users(id),
  category TEXT NOT NULL,
  sensitivity TEXT NOT NULL,
  written_at TEXT NOT NULL,
  body TEXT NOT NULL,
  correction_reason TEXT,
  UNIQUE (note_id, version)
);
CREATE INDEX case_notes_person ON case_notes (person_id, note_id);

-- Consent to share: the latest row per person, organisation and direction counts; none is consent
-- implied for direct care.
CREATE TABLE consents (
  id @ID_PK@,
  person_id BIGINT NOT NULL REFERENCES persons(id),
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  direction TEXT NOT NULL,
  allowed INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  recorded_by_user_id BIGINT REFERENCES staff_users(id)
);
CREATE INDEX consents_person ON consents (person_id, organisation_id, direction);

CREATE TABLE break_glass (
  id @ID_PK@,
  user_id BIGINT NOT NULL REFERENCES staff_users(id),
  person_id BIGINT NOT NULL REFERENCES persons(id),
  reason TEXT NOT NULL,
  started_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX break_glass_user ON break_glass (user_id, person_id);

CREATE TABLE seal_breaks (
  id @ID_PK@,
  user_id BIGINT NOT NULL REFERENCES staff_users(id),
  note_id BIGINT NOT NULL,
  reason TEXT NOT NULL,
  broken_at TEXT NOT NULL
);
CREATE INDEX seal_breaks_user ON seal_breaks (user_id, note_id);

-- Overrides raise alerts into the Caldicott Guardian's review queue.
CREATE TABLE alerts (
  id @ID_PK@,
  raised_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES staff_users(id),
  person_id BIGINT REFERENCES persons(id),
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  reviewed_by_user_id BIGINT REFERENCES staff_users(id),
  reviewed_at TEXT,
  review_outcome TEXT,
  review_note TEXT
);
CREATE INDEX alerts_status ON alerts (status, raised_at);

-- The Single Assessment Process: one assessment, answers from several agencies.
CREATE TABLE assessments (
  id @ID_PK@,
  person_id BIGINT NOT NULL REFERENCES persons(id),
  kind TEXT NOT NULL,
  domain TEXT,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  started_by_user_id BIGINT NOT NULL REFERENCES staff_users(id),
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  completed_at TEXT,
  questions_prefilled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assessments_person ON assessments (person_id);

CREATE TABLE assessment_answers (
  id @ID_PK@,
  assessment_id BIGINT NOT NULL REFERENCES assessments(id),
  person_id BIGINT NOT NULL REFERENCES persons(id),
  question_code TEXT NOT NULL,
  answer TEXT NOT NULL,
  answered_by_user_id BIGINT NOT NULL REFERENCES staff_users(id),
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  answered_at TEXT NOT NULL,
  prefilled_from_answer_id BIGINT
);
CREATE INDEX assessment_answers_assessment ON assessment_answers (assessment_id);
CREATE INDEX assessment_answers_person ON assessment_answers (person_id, question_code);

-- NHS Continuing Healthcare: checklist, Decision Support Tool by a multidisciplinary team,
-- recommendation, funding decision.
CREATE TABLE chc_cases (
  id @ID_PK@,
  person_id BIGINT NOT NULL REFERENCES persons(id),
  fast_track INTEGER NOT NULL,
  status TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  opened_by_user_id BIGINT NOT NULL REFERENCES staff_users(id),
  checklist_outcome TEXT,
  checklist_at TEXT,
  dst_at TEXT,
  recommendation TEXT,
  decision TEXT,
  decision_at TEXT,
  decided_by_user_id BIGINT REFERENCES staff_users(id)
);
CREATE INDEX chc_cases_person ON chc_cases (person_id);

CREATE TABLE chc_domain_levels (
  chc_id BIGINT NOT NULL REFERENCES chc_cases(id),
  domain TEXT NOT NULL,
  level TEXT NOT NULL,
  PRIMARY KEY (chc_id, domain)
);

CREATE TABLE chc_mdt_members (
  chc_id BIGINT NOT NULL REFERENCES chc_cases(id),
  user_id BIGINT NOT NULL REFERENCES staff_users(id),
  PRIMARY KEY (chc_id, user_id)
);

-- Care and support plans: lines from several providers, each with its funder.
CREATE TABLE care_plans (
  id @ID_PK@,
  person_id BIGINT NOT NULL REFERENCES persons(id),
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by_user_id BIGINT NOT NULL REFERENCES staff_users(id),
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  key_worker_user_id BIGINT REFERENCES staff_users(id),
  review_date TEXT NOT NULL
);
CREATE INDEX care_plans_person ON care_plans (person_id);

CREATE TABLE care_plan_lines (
  id @ID_PK@,
  care_plan_id BIGINT NOT NULL REFERENCES care_plans(id),
  provider_organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  service TEXT NOT NULL,
  funder TEXT NOT NULL,
  pool_id BIGINT REFERENCES pools(id),
  units_per_week INTEGER NOT NULL,
  unit_cost_pence BIGINT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT
);
CREATE INDEX care_plan_lines_plan ON care_plan_lines (care_plan_id);

CREATE TABLE personal_budgets (
  id @ID_PK@,
  person_id BIGINT NOT NULL REFERENCES persons(id),
  care_plan_id BIGINT REFERENCES care_plans(id),
  kind TEXT NOT NULL,
  mode TEXT NOT NULL,
  annual_amount_pence BIGINT NOT NULL,
  start_date TEXT NOT NULL,
  review_date TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by_user_id BIGINT NOT NULL REFERENCES staff_users(id)
);
CREATE INDEX personal_budgets_person ON personal_budgets (person_id);

CREATE TABLE personal_budget_funders (
  budget_id BIGINT NOT NULL REFERENCES personal_budgets(id),
  funder TEXT NOT NULL,
  amount_pence BIGINT NOT NULL,
  PRIMARY KEY (budget_id, funder)
);

CREATE TABLE personal_budget_ledger (
  id @ID_PK@,
  budget_id BIGINT NOT NULL REFERENCES personal_budgets(id),
  entry_date TEXT NOT NULL,
  kind TEXT NOT NULL,
  description TEXT NOT NULL,
  amount_pence BIGINT NOT NULL,
  recorded_by_user_id BIGINT NOT NULL REFERENCES staff_users(id),
  recorded_at TEXT NOT NULL
);
CREATE INDEX personal_budget_ledger_budget ON personal_budget_ledger (budget_id);
