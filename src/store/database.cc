#include "store/database.h"

#include <filesystem>

#include "store/migrations.h"
#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace jc::store {

std::optional<std::int64_t> Database::query_integer(std::string_view sql, const Params& params) {
  std::optional<std::int64_t> out;
  bool first = true;
  query(sql, params, [&](const Row& row) {
    if (first && !row.is_null(0)) out = row.integer(0);
    first = false;
  });
  return out;
}

std::optional<std::string> Database::query_text(std::string_view sql, const Params& params) {
  std::optional<std::string> out;
  bool first = true;
  query(sql, params, [&](const Row& row) {
    if (first && !row.is_null(0)) out = row.text(0);
    first = false;
  });
  return out;
}

std::int64_t Database::insert_returning_id(std::string_view insert_sql, const Params& params) {
  std::optional<std::int64_t> id;
  query(std::string(insert_sql) + " RETURNING id", params,
        [&](const Row& row) { id = row.integer(0); });
  if (!id) throw StoreError("an insert returned no id");
  return *id;
}

std::int64_t Database::lock_and_next_id(std::string_view table) {
  if (!in_transaction()) throw StoreError("lock_and_next_id needs a write transaction");
  if (dialect() == Dialect::Postgres)
    execute("LOCK TABLE " + std::string(table) + " IN EXCLUSIVE MODE");
  return query_integer("SELECT COALESCE(MAX(id), 0) + 1 FROM " + std::string(table)).value_or(1);
}

int Database::schema_version() {
  return static_cast<int>(
      query_integer("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").value_or(0));
}

std::int64_t Database::data_version(std::string_view name) {
  return query_integer("SELECT version FROM data_versions WHERE name = ?", {std::string(name)})
      .value_or(0);
}

void Database::bump_data_version(std::string_view name) {
  execute(
      "INSERT INTO data_versions (name, version) VALUES (?, 1) "
      "ON CONFLICT (name) DO UPDATE SET version = data_versions.version + 1",
      {std::string(name)});
}

// The same columns and chain as audit_events. The events are written in order of id and nothing
// else: an index on person_id would take a random leaf for every read (a page of write-ahead log a
// read). Instead access_index lists the events by person (kind 1), user (2) and organisation (3)
// in segments of 65,536 ids, added in batches by governance::index_access_log up to
// access_index_state.indexed_through; searches read the index, then scan the few events past it.
// Upgrading (SQLite files or PostgreSQL from migration 012): the old indexes go, and the events
// already there are indexed in the background like new ones.
const char* const kAccessLogSchema = R"(
CREATE TABLE IF NOT EXISTS access_events (
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
  hash TEXT NOT NULL,
  operation TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
@ACCESS_LOG_COLUMNS@
DROP INDEX IF EXISTS access_events_person;
DROP INDEX IF EXISTS access_events_user;
DROP INDEX IF EXISTS access_events_organisation;
CREATE TABLE IF NOT EXISTS access_index (
  segment BIGINT NOT NULL,
  kind INTEGER NOT NULL,
  key_id BIGINT NOT NULL,
  event_id BIGINT NOT NULL,
  PRIMARY KEY (segment, kind, key_id, event_id)
) @WITHOUT_ROWID@;
CREATE TABLE IF NOT EXISTS access_index_state (indexed_through BIGINT NOT NULL);
INSERT INTO access_index_state (indexed_through) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM access_index_state);
)";

namespace {
std::string stem(std::string_view sqlite_path) {
  std::string path(sqlite_path);
  if (path.ends_with(".db")) path.resize(path.size() - 3);
  return path;
}
}  // namespace

std::string access_log_path(std::string_view sqlite_path, std::size_t part) {
  return stem(sqlite_path) + ".access-" + std::to_string(part + 1) + ".db";
}

std::string access_log_lock_path(std::string_view sqlite_path) {
  return stem(sqlite_path) + ".access.lock";
}

long long embedded_cache_bytes() { return SqliteDatabase::cache_bytes(); }
void set_embedded_cache_kib(int kib) { SqliteDatabase::set_cache_kib(kib); }

bool is_postgres_target(std::string_view target) {
  return target.starts_with("postgres://") || target.starts_with("postgresql://") ||
         target.find("dbname=") != std::string_view::npos ||
         target.find("host=") != std::string_view::npos;
}

std::unique_ptr<Database> open_database(const std::string& target) {
  std::unique_ptr<Database> db;
  if (is_postgres_target(target)) {
    db = std::make_unique<PostgresDatabase>(target);
  } else {
    // A new database must not adopt an access log that another left beside its name: that
    // database's reads would read as this one's, and its chain would run on into this one's.
    std::error_code ec;
    if (!SqliteDatabase::is_memory_path(target) && !std::filesystem::exists(target, ec)) {
      for (std::size_t part = 0; part < 2; ++part) {
        std::string log = access_log_path(target, part);
        if (std::filesystem::exists(log, ec))
          throw StoreError("cannot create the database " + target + ": " + log +
                           " is the access log of another database (move it away, or restore the "
                           "database beside it)");
      }
    }
    db = std::make_unique<SqliteDatabase>(target);
  }
  apply_migrations(*db);
  return db;
}

}  // namespace jc::store
