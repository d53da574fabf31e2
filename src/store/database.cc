#include "store/database.h"

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

std::int64_t Database::next_id(std::string_view table) {
  return query_integer("SELECT COALESCE(MAX(id), 0) + 1 FROM " + std::string(table)).value_or(1);
}

int Database::schema_version() {
  return static_cast<int>(query_integer("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").value_or(0));
}

std::int64_t Database::data_version(std::string_view name) {
  return query_integer("SELECT version FROM data_versions WHERE name = ?", {std::string(name)}).value_or(0);
}

void Database::bump_data_version(std::string_view name) {
  execute("INSERT INTO data_versions (name, version) VALUES (?, 1) "
          "ON CONFLICT (name) DO UPDATE SET version = data_versions.version + 1",
          {std::string(name)});
}

bool is_postgres_target(std::string_view target) {
  return target.starts_with("postgres://") || target.starts_with("postgresql://") ||
         target.find("dbname=") != std::string_view::npos || target.find("host=") != std::string_view::npos;
}

std::unique_ptr<Database> open_database(const std::string& target) {
  std::unique_ptr<Database> db;
  if (is_postgres_target(target)) {
    db = std::make_unique<PostgresDatabase>(target);
  } else {
    db = std::make_unique<SqliteDatabase>(target);
  }
  apply_migrations(*db);
  return db;
}

}  // namespace jc::store
