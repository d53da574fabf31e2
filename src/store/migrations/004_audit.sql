-- The audit trail (ISO 27789; FHIR AuditEvent): one row per access to personal data, identifiers
-- only, each row chained to the one before by a SHA-256 hash so that any change, removal or
-- reordering is detected by `jointcare audit verify`.
CREATE TABLE audit_events (
  id BIGINT PRIMARY KEY,
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
CREATE INDEX audit_events_person ON audit_events (person_id, occurred_at);
CREATE INDEX audit_events_user ON audit_events (user_id, occurred_at);
CREATE INDEX audit_events_organisation ON audit_events (organisation_id, occurred_at);
