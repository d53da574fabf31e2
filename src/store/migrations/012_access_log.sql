-- The access log: the audit events of reads and searches, a hash chain of its own (table
-- access_events; see Database::access_log). PostgreSQL keeps it in this database; SQLite in files
-- of its own beside the database, made when first opened, so this adds nothing there. The events
-- already in audit_events stay there, their chain unchanged.
@ACCESS_LOG@
