#include "store/migrations.h"

#include "core/time.h"

namespace jc::store {

int apply_migrations(Database& db) {
  db.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at TEXT NOT NULL)");
  int current = db.schema_version();
  int applied = 0;
  for (const auto& m : all_migrations()) {
    if (m.version <= current) continue;
    Transaction tx(db);
    db.execute_script(db.translate_ddl(m.sql));
    db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
               {std::int64_t{m.version}, std::string(m.name), Timestamp::now().iso()});
    tx.commit();
    ++applied;
  }
  return applied;
}

}  // namespace jc::store
