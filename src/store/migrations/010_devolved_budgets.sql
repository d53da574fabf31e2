-- Aligned budgets are owned apart: each scheme of an aligned pool belongs to one partner, whose
-- own fund pays for it (NULL for schemes of pooled funds).
ALTER TABLE pool_schemes ADD COLUMN owner_organisation_id BIGINT REFERENCES organisations(id);

-- Budgets devolved to localities: a share of a pool's budget for a financial year (starting
-- 1 April of financial_year), managed by the locality, with spend attributed from activity.
CREATE TABLE devolved_budgets (
  pool_id BIGINT NOT NULL REFERENCES pools(id),
  locality_id BIGINT NOT NULL REFERENCES localities(id),
  financial_year INTEGER NOT NULL,
  budget_pence BIGINT NOT NULL CHECK (budget_pence >= 0),
  PRIMARY KEY (pool_id, locality_id, financial_year)
);

-- Practice-based commissioning: a notional budget per GP practice and service for a financial
-- year, set by weighted capitation, against which its registered patients' activity is counted.
CREATE TABLE notional_budgets (
  practice_organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  financial_year INTEGER NOT NULL,
  service TEXT NOT NULL,
  budget_pence BIGINT NOT NULL CHECK (budget_pence >= 0),
  PRIMARY KEY (practice_organisation_id, financial_year, service)
);

-- A merge also records which rows of the shared care record it moved from the merged person
-- ("table:id,id;table:id"), so undoing it puts them back.
ALTER TABLE person_merges ADD COLUMN moved_rows TEXT;

-- Finding a person by demographics reads everyone born on a day: from the index alone.
CREATE INDEX local_records_demographics ON local_records (birth_date, person_id, given_name, family_name, postcode);
DROP INDEX local_records_birth_date;
