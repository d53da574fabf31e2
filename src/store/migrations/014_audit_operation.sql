-- Every audit event names the operation that made it (governance/operations.h) and, when it was
-- refused, the reason (governance::DenyReason). Events written before keep both empty and their
-- hashes (the hash covers the two only when either is set). SQLite's access log files gain the
-- columns when opened.
ALTER TABLE audit_events ADD COLUMN operation TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
@ACCESS_LOG@
