// The storage interface every service uses. Two implementations pass the same test suite:
// SQLite (embedded default) and PostgreSQL (production). SQL is written once, portable, with `?`
// placeholders; migrations are shared (store/migrations) with a few dialect tokens.
//
// Errors: a failed statement throws StoreError (I/O and constraint failures are exceptional
// here); callers that must turn them into user errors catch at the service boundary.
// Thread-safety: a Database is one connection: use it from one thread at a time. A
// ConnectionPool (connection_pool.h) hands out connections to server threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jc::store {

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value null() { return std::monostate{}; }
template <class T>
Value optional_value(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return Value(*v);
}

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Dialect { Sqlite, Postgres };

// The current row of a query. Column indexes are 0-based.
class Row {
 public:
  virtual ~Row() = default;
  virtual bool is_null(int col) const = 0;
  virtual std::int64_t integer(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual std::string text(int col) const = 0;
  std::optional<std::string> optional_text(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::string>(text(col));
  }
  std::optional<std::int64_t> optional_integer(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::int64_t>(integer(col));
  }
};

// Fast loading of many rows into one table (SQLite: a cached INSERT; PostgreSQL: COPY).
// Call finish() to flush; rows are part of the surrounding transaction.
class BulkWriter {
 public:
  virtual ~BulkWriter() = default;
  virtual void add(const Params& row) = 0;
  virtual void finish() = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement; returns the number of rows changed.
  virtual std::int64_t execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs a query, calling on_row for each row in order.
  virtual void query(std::string_view sql, const Params& params,
                     const std::function<void(const Row&)>& on_row) = 0;
  // Runs several statements with no parameters (a migration script).
  virtual void execute_script(std::string_view sql) = 0;
  virtual std::unique_ptr<BulkWriter> bulk_insert(std::string_view table,
                                                  const std::vector<std::string>& columns) = 0;
  // After rows were loaded with explicit ids, make new ids continue above them.
  virtual void sync_id_sequence(std::string_view table) = 0;
  // Rewrites a shared migration for this dialect.
  virtual std::string translate_ddl(std::string_view ddl) const = 0;
  // The access log: the audit events of reads and searches (table access_events, a hash chain of
  // its own beside audit_events; see governance/audit.h). SQLite keeps it in files of its own
  // beside the database (access_log_path), so that the stream of read events never changes the
  // file the readers read: each change would empty every other connection's page cache. It has
  // two, written in turns: while one takes the appends, the other is indexed and its write-ahead
  // log moved into its file and emptied, with no writer to hold up (see governance::AuditWriter
  // and governance::index_access_log). PostgreSQL
  // keeps it in the same database, in one part: this connection. Opened on first use; they live
  // as long as this connection.
  virtual std::size_t access_log_parts() const { return 1; }
  virtual Database& access_log(std::size_t part = 0) = 0;
  // One appender to the access log at a time, across connections and processes (SQLite: an
  // advisory lock on a file beside the database; PostgreSQL takes a transaction's advisory lock
  // instead). Use AccessLogLock.
  virtual void lock_access_log() {}
  virtual void unlock_access_log() {}
  // SQLite: the size of this connection's write-ahead log file, in bytes (0: empty or none).
  virtual std::int64_t wal_bytes() const { return 0; }

  virtual void begin() = 0;
  // A read-only snapshot: several queries see one consistent state and share one lock cycle.
  // Do not write inside it (SQLite would have to upgrade the lock); end it with commit().
  virtual void begin_read() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  bool in_transaction() const { return depth_ > 0; }

  // The first column of the first row, or nullopt when there is no row or it is NULL.
  std::optional<std::int64_t> query_integer(std::string_view sql, const Params& params = {});
  std::optional<std::string> query_text(std::string_view sql, const Params& params = {});
  // Runs an INSERT into a table whose key the database generates (@ID_PK@) and returns the new
  // row's id (the statement gets `RETURNING id`).
  std::int64_t insert_returning_id(std::string_view insert_sql, const Params& params);
  // For bulk loaders that assign a run of ids themselves: locks the table against other writers
  // for the rest of the transaction (SQLite: the write transaction already excludes them;
  // PostgreSQL: LOCK TABLE ... IN EXCLUSIVE MODE) and returns the next free id. The loader must
  // call sync_id_sequence after its rows. Everything else lets the database choose the id.
  std::int64_t lock_and_next_id(std::string_view table);
  // The migration version the schema is at.
  int schema_version();
  // Change counters (table data_versions) for readers that keep a copy in memory: 0 until first
  // bumped. Bump inside the transaction that makes the change.
  std::int64_t data_version(std::string_view name);
  void bump_data_version(std::string_view name);

 protected:
  int depth_ = 0;
};

// Commits on commit(), rolls back when it goes out of scope without one (exception or early
// return).
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.begin(); }
  ~Transaction() {
    if (!done_) {
      try {
        db_.rollback();
      } catch (...) {  // a destructor must not throw; the connection reports on next use
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  Database& db_;
  bool done_ = false;
};

// Holds the access log's append lock for the length of a scope.
class AccessLogLock {
 public:
  explicit AccessLogLock(Database& db) : db_(db) { db_.lock_access_log(); }
  ~AccessLogLock() { db_.unlock_access_log(); }
  AccessLogLock(const AccessLogLock&) = delete;
  AccessLogLock& operator=(const AccessLogLock&) = delete;

 private:
  Database& db_;
};

// A read snapshot for the length of a scope (see Database::begin_read).
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db) : db_(db) { db_.begin_read(); }
  ~ReadTransaction() {
    try {
      db_.commit();
    } catch (...) {  // nothing was written; the connection reports on next use
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
};

// Opens a database and applies any pending migrations. `target` is a PostgreSQL connection
// string ("postgresql://..." or "host=... dbname=...") or a SQLite file path.
std::unique_ptr<Database> open_database(const std::string& target);
bool is_postgres_target(std::string_view target);
// Bytes the page caches of the embedded database engine (SQLite) hold now, across every connection
// of the process, each bounded by its cache_size (0 on PostgreSQL). Thread-safe.
long long embedded_cache_bytes();
// The page cache each SQLite connection opened from now on may fill, in KiB (from 256 to 1,048,576;
// the default, 65,536, suits one connection doing bulk work: generate, link, import). Thread-safe.
void set_embedded_cache_kib(int kib);
// What a server's connections get (jointcare serve --page-cache-kib): in write-ahead-log mode a
// connection's cache is emptied whenever another connection has committed, so under a server's
// steady writes a large cache buys little, while a dozen connections each filling 64 MiB let the
// memory grow with the database (docs/benchmarks.md, the soak).
inline constexpr int kServerPageCacheKib = 2048;
// Where SQLite keeps a database's access log: "area.db" → "area.access-1.db" and
// "area.access-2.db" (parts 0 and 1), and the appenders' lock file "area.access.lock". Back up,
// copy and move the database and its access log together.
std::string access_log_path(std::string_view sqlite_path, std::size_t part);
std::string access_log_lock_path(std::string_view sqlite_path);
// The access log's table and indexes (IF NOT EXISTS), before translate_ddl.
extern const char* const kAccessLogSchema;

}  // namespace jc::store
