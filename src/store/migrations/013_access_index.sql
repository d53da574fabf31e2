-- The access log's events lose their three per-row indexes for access_index, which lists them by
-- person, user and organisation and is filled in batches (see kAccessLogSchema and
-- governance::index_access_log); the events already there are indexed in the background. SQLite's
-- access log files are brought up to date when opened, so this changes nothing there.
@ACCESS_LOG@
