-- Change counters for what readers keep in memory: a reader that holds a copy (the analytic
-- engine) compares the version it loaded with the current one; the person index bumps
-- 'person_index' whenever it changes which person a record belongs to.
CREATE TABLE data_versions (
  name TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);

-- What the generator planted in the synthetic area beyond errors: people with a trait a report
-- should find (e.g. 'very_high_use': the Case Committee should list them). Kept apart, like
-- synthetic_truth, and used only by tests and evaluation.
CREATE TABLE synthetic_traits (
  true_person INTEGER NOT NULL,
  trait TEXT NOT NULL,
  PRIMARY KEY (true_person, trait)
);
