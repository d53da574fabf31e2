// PostgreSQL implementation of Database over libpq. `?` placeholders are rewritten to $n, and
// statements are prepared once per connection. Bulk loads use COPY. One connection; use from
// one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.h"

struct pg_conn;
struct pg_result;

namespace jc::store {

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const std::string& conninfo);
  ~PostgresDatabase() override;

  Dialect dialect() const override { return Dialect::Postgres; }
  std::int64_t execute(std::string_view sql, const Params& params) override;
  void query(std::string_view sql, const Params& params,
             const std::function<void(const Row&)>& on_row) override;
  void execute_script(std::string_view sql) override;
  std::unique_ptr<BulkWriter> bulk_insert(std::string_view table,
                                          const std::vector<std::string>& columns) override;
  void sync_id_sequence(std::string_view table) override;
  std::string translate_ddl(std::string_view ddl) const override;
  Database& access_log(std::size_t) override { return *this; }
  void begin() override;
  void begin_read() override;
  void commit() override;
  void rollback() override;

  pg_conn* connection() { return conn_; }
  // Bulk writers open on this connection, oldest first (see PostgresCopyWriter).
  std::vector<BulkWriter*>& copy_writers() { return copy_writers_; }
  [[noreturn]] void fail(std::string_view what, pg_result* res);

  // "? ... ?" → "$1 ... $2", leaving quoted text alone.
  static std::string rewrite_placeholders(std::string_view sql);

 private:
  pg_result* run(std::string_view sql, const Params& params);
  pg_conn* conn_ = nullptr;
  std::vector<BulkWriter*> copy_writers_;
  std::unordered_map<std::string, std::string> prepared_;  // sql → statement name
};

}  // namespace jc::store
