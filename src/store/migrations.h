// Versioned schema migrations, shared by both databases. Each is applied once, in order, in its
// own transaction, and recorded in schema_migrations.
#pragma once

#include <string_view>
#include <vector>

#include "store/database.h"

namespace jc::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// All migrations, oldest first (generated from store/migrations/*.sql at build time).
const std::vector<Migration>& all_migrations();
// Applies those not yet applied; returns how many were applied.
int apply_migrations(Database& db);

}  // namespace jc::store
