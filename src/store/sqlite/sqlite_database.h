// SQLite implementation of Database: WAL, foreign keys on, a busy handler polling for locks, and
// a cache of prepared statements. One connection; use from one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace jc::store {

class SqliteDatabase final : public Database {
 public:
  // Opens or creates the file (":memory:" for a private in-memory database).
  explicit SqliteDatabase(const std::string& path);
  // A private in-memory database's name (it has no files beside it).
  static bool is_memory_path(std::string_view path) {
    return path.empty() || path == ":memory:" || path.starts_with("file::memory:");
  }
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::Sqlite; }
  std::int64_t execute(std::string_view sql, const Params& params) override;
  void query(std::string_view sql, const Params& params,
             const std::function<void(const Row&)>& on_row) override;
  void execute_script(std::string_view sql) override;
  std::unique_ptr<BulkWriter> bulk_insert(std::string_view table,
                                          const std::vector<std::string>& columns) override;
  void sync_id_sequence(std::string_view) override {}
  std::string translate_ddl(std::string_view ddl) const override;
  std::size_t access_log_parts() const override { return in_memory() ? 1 : 2; }
  Database& access_log(std::size_t part) override;
  void lock_access_log() override;
  void unlock_access_log() override;
  std::int64_t wal_bytes() const override;
  void begin() override;
  void begin_read() override;
  void commit() override;
  void rollback() override;

  // Prepared (and cached) statement with params bound; reset after use by the caller.
  sqlite3_stmt* prepare(std::string_view sql);
  void bind(sqlite3_stmt* stmt, const Params& params);
  [[noreturn]] void fail(std::string_view what);

  // The bytes the page caches of every connection in the process hold, as each reported it at
  // the end of its last transaction or of its last statement outside one. Thread-safe.
  static long long cache_bytes();
  // The cache_size of connections opened from now on (store::set_embedded_cache_kib).
  static void set_cache_kib(int kib);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  bool in_memory() const { return is_memory_path(path_); }
  // The access log's connections (its own files), or this one: an in-memory database, or a part
  // of the access log itself, once its table exists.
  std::unique_ptr<SqliteDatabase> access_log_[2];
  bool holds_access_log_ = false;
  int access_lock_fd_ = -1;         // the appenders' lock file, opened on first use
  bool write_transaction_ = false;  // the outermost transaction began as a write
  long long cache_reported_ = 0;    // this connection's part of cache_bytes()
  void report_cache();
  // Returns once every change committed on this connection is on disk (group_sync).
  void make_durable();
  // Prepared statements by their SQL, looked up without copying the text.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> statements_;
};

}  // namespace jc::store
