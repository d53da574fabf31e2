-- The audit trail keyed by its sequence number as the table's own key (SQLite's rowid), so an
-- append writes one b-tree fewer. Same columns, same chain: rows are copied as they are.
CREATE TABLE audit_events_v2 (
  id @SEQ_PK@,
  occurred_at TEXT NOT NULL,
  user_id BIGINT,
  user_role TEXT NOT NULL,
  organisation_id BIGINT,
  person_id BIGINT,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  outcome TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_events_v2 SELECT id, occurred_at, user_id, user_role, organisation_id, person_id, action, record_type,
  record_id, purpose, outcome, previous_hash, hash FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_v2 RENAME TO audit_events;
CREATE INDEX audit_events_person ON audit_events (person_id, occurred_at);
CREATE INDEX audit_events_user ON audit_events (user_id, occurred_at);
CREATE INDEX audit_events_organisation ON audit_events (organisation_id, occurred_at);
