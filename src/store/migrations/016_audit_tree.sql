-- Each audit trail is a verifiable log (governance/audit_tree.h): the hashes of its Merkle tree's
-- complete subtrees (trail 1: record, 2: access), up to
-- audit_tree_state.leaves, kept so that a root or a proof reads a few rows.
CREATE TABLE audit_tree (
  trail INTEGER NOT NULL,
  height INTEGER NOT NULL,
  position BIGINT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (trail, height, position)
);
CREATE TABLE audit_tree_state (
  trail INTEGER PRIMARY KEY,
  leaves BIGINT NOT NULL
);
-- An event can seal a governance record (its digest in detail): overrides, seal breaks, alerts and
-- their reviews, consent choices. Records from before this are not sealed: verification expects
-- an event for those from these ids on.
ALTER TABLE audit_events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
@ACCESS_LOG@
CREATE TABLE audit_governed_from (
  kind TEXT PRIMARY KEY,
  first_id BIGINT NOT NULL
);
INSERT INTO audit_governed_from (kind, first_id) SELECT 'break_glass', COALESCE(MAX(id), 0) + 1 FROM break_glass;
INSERT INTO audit_governed_from (kind, first_id) SELECT 'seal_break', COALESCE(MAX(id), 0) + 1 FROM seal_breaks;
INSERT INTO audit_governed_from (kind, first_id) SELECT 'alert', COALESCE(MAX(id), 0) + 1 FROM alerts;
INSERT INTO audit_governed_from (kind, first_id) SELECT 'alert_review', COALESCE(MAX(id), 0) + 1 FROM alerts;
INSERT INTO audit_governed_from (kind, first_id) SELECT 'consent', COALESCE(MAX(id), 0) + 1 FROM consents;
