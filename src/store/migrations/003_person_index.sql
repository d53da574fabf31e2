-- The person index's own records: the trained linkage model, merges (undoable), and the clerical
-- review queue of uncertain pairs.
CREATE TABLE linkage_models (
  id @ID_PK@,
  created_at TEXT NOT NULL,
  parameters TEXT NOT NULL
);

CREATE TABLE person_merges (
  id @ID_PK@,
  merged_at TEXT NOT NULL,
  kept_person_id BIGINT NOT NULL,
  merged_person_id BIGINT NOT NULL,
  record_ids TEXT NOT NULL,
  reason TEXT NOT NULL,
  undone_at TEXT
);

CREATE TABLE linkage_review (
  id @ID_PK@,
  left_record_id BIGINT NOT NULL REFERENCES local_records(id),
  right_record_id BIGINT NOT NULL REFERENCES local_records(id),
  match_probability DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  decided_at TEXT,
  UNIQUE (left_record_id, right_record_id)
);
