#include "store/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace jc::store {
namespace {

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* s) : s_(s) {}
  bool is_null(int col) const override { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::int64_t integer(int col) const override { return sqlite3_column_int64(s_, col); }
  double real(int col) const override { return sqlite3_column_double(s_, col); }
  std::string text(int col) const override {
    const auto* p = sqlite3_column_text(s_, col);
    if (p == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(s_, col)));
  }

 private:
  sqlite3_stmt* s_;
};

// Resets a cached statement however the scope is left.
struct StatementReset {
  sqlite3_stmt* s;
  ~StatementReset() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

class SqliteBulkWriter final : public BulkWriter {
 public:
  SqliteBulkWriter(SqliteDatabase& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void add(const Params& row) override {
    db_.bind(stmt_, row);
    StatementReset reset{stmt_};
    if (sqlite3_step(stmt_) != SQLITE_DONE) db_.fail("bulk insert");
  }
  void finish() override {}

 private:
  SqliteDatabase& db_;
  sqlite3_stmt* stmt_;
};

// Once per process, before SQLite initialises: no global memory statistics (they take one mutex
// on every allocation of every connection, which the server's threads would contend for).
void configure_sqlite_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

// Waiting for a lock another connection holds: SQLite's own busy timeout sleeps in steps of 1, 2,
// 5, 10 ms and more, far longer than most locks held here (a commit, well under a millisecond);
// poll every 50 µs at first, backing off to 1 ms, and give up after about ten seconds.
int wait_for_lock(void*, int attempt) {
  if (attempt >= 10'100) return 0;
  auto pause = attempt < 20    ? std::chrono::microseconds(50)
               : attempt < 100 ? std::chrono::microseconds(200)
                               : std::chrono::microseconds(1000);
  std::this_thread::sleep_for(pause);
  return 1;
}

// Group commit. The main database commits with synchronous=NORMAL (the write-ahead log is written
// but not flushed), and a change is acknowledged only after group_sync: one fsync of the log makes
// every commit written before it durable, so changes committed meanwhile on other connections
// share it, and no writer holds the write lock while the disk flushes. The effect for a caller is
// synchronous=FULL's: a commit that returns is on disk.
struct SyncGroup {
  std::mutex m;
  std::condition_variable cv;
  std::uint64_t requested = 0, done = 0;
  bool running = false, directory_synced = false;
};

SyncGroup& sync_group(const std::string& wal) {
  static std::mutex groups_mutex;
  static std::map<std::string, std::unique_ptr<SyncGroup>> groups;
  std::lock_guard lock(groups_mutex);
  auto& g = groups[wal];
  if (!g) g = std::make_unique<SyncGroup>();
  return *g;
}

// fsync of a file (or folder) by its path: Linux flushes the file, whichever descriptor asks.
void sync_path(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return;  // no write-ahead log yet: nothing to flush
    throw StoreError("cannot open " + path + " to flush it: " + std::strerror(errno));
  }
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) throw StoreError("cannot flush " + path + " to disk: " + std::strerror(saved));
}

void group_sync(const std::string& wal, const std::string& folder) {
  SyncGroup& g = sync_group(wal);
  std::unique_lock lock(g.m);
  const std::uint64_t mine = ++g.requested;
  while (g.done < mine) {
    if (g.running) {
      g.cv.wait(lock);
      continue;
    }
    g.running = true;
    const std::uint64_t covers = g.requested;  // every commit written before this flush begins
    const bool folder_too = !g.directory_synced;
    lock.unlock();
    std::exception_ptr failed;
    try {
      sync_path(wal, false);
      if (folder_too) sync_path(folder, true);  // the log's own entry in its folder, once
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    g.running = false;
    if (!failed) {
      g.done = std::max(g.done, covers);
      g.directory_synced = true;
    }
    g.cv.notify_all();
    if (failed) std::rethrow_exception(failed);
  }
}

}  // namespace

void SqliteDatabase::make_durable() {
  if (in_memory() || holds_access_log_) return;
  auto slash = path_.find_last_of('/');
  group_sync(path_ + "-wal",
             slash == std::string::npos ? std::string(".") : path_.substr(0, slash + 1));
}

namespace {
// The bytes every connection's page cache holds, as each last reported it.
std::atomic<long long> g_cache_bytes{0};
// The cache_size (KiB) of connections opened from now on.
std::atomic<int> g_cache_kib{65536};
}  // namespace

SqliteDatabase::SqliteDatabase(const std::string& path) : path_(path) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  // A new database file is its owner's alone (it holds personal data); SQLite gives its
  // write-ahead log and shared-memory files the same mode.
  if (!in_memory()) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open SQLite database " + path + ": " + msg);
  }
  sqlite3_busy_handler(db_, wait_for_lock, nullptr);
  // A commit that acknowledges a change reaches the disk before it returns, so a power cut loses
  // nothing acknowledged: synchronous=NORMAL writes the log, and make_durable() flushes it for
  // every commit waiting at once (group_sync). The access log keeps NORMAL alone (below).
  execute_script(
      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" +
      std::to_string(g_cache_kib.load(std::memory_order_relaxed)) + ";");
}

void SqliteDatabase::set_cache_kib(int kib) {
  if (kib < 256 || kib > 1048576)
    throw StoreError("the page cache must be from 256 to 1048576 KiB, not " + std::to_string(kib));
  g_cache_kib.store(kib, std::memory_order_relaxed);
}

SqliteDatabase::~SqliteDatabase() {
  g_cache_bytes.fetch_sub(cache_reported_, std::memory_order_relaxed);
  if (access_lock_fd_ >= 0) ::close(access_lock_fd_);
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void SqliteDatabase::fail(std::string_view what) {
  throw StoreError("SQLite (" + std::string(what) + "): " + sqlite3_errmsg(db_));
}

sqlite3_stmt* SqliteDatabase::prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  std::string key(sql);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    fail("prepare: " + key.substr(0, 80));
  }
  statements_.emplace(std::move(key), stmt);
  return stmt;
}

void SqliteDatabase::bind(sqlite3_stmt* stmt, const Params& params) {
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
    throw StoreError("SQLite: statement expects " +
                     std::to_string(sqlite3_bind_parameter_count(stmt)) + " parameters, given " +
                     std::to_string(params.size()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i) + 1;
    int rc = std::visit(
        [&](const auto& v) -> int {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>)
            return sqlite3_bind_null(stmt, idx);
          else if constexpr (std::is_same_v<T, std::int64_t>)
            return sqlite3_bind_int64(stmt, idx, v);
          else if constexpr (std::is_same_v<T, double>)
            return sqlite3_bind_double(stmt, idx, v);
          else
            return sqlite3_bind_text(stmt, idx, v.data(), static_cast<int>(v.size()),
                                     SQLITE_TRANSIENT);
        },
        params[i]);
    if (rc != SQLITE_OK) fail("bind");
  }
}

std::int64_t SqliteDatabase::execute(std::string_view sql, const Params& params) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(stmt, params);
  StatementReset reset{stmt};
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) fail("execute");
  std::int64_t changed = sqlite3_changes64(db_);
  if (depth_ == 0 && !sqlite3_stmt_readonly(stmt)) make_durable();  // a change committed on its own
  if (depth_ == 0) report_cache();
  return changed;
}

void SqliteDatabase::query(std::string_view sql, const Params& params,
                           const std::function<void(const Row&)>& on_row) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(stmt, params);
  StatementReset reset{stmt};
  SqliteRow row(stmt);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) on_row(row);
  if (rc != SQLITE_DONE) fail("query");
  if (depth_ == 0 && !sqlite3_stmt_readonly(stmt))
    make_durable();  // e.g. an INSERT … RETURNING on its own
  if (depth_ == 0) report_cache();
}

void SqliteDatabase::execute_script(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("SQLite: " + msg);
  }
  if (depth_ == 0) make_durable();  // a script outside a transaction commits as it goes
}

std::unique_ptr<BulkWriter> SqliteDatabase::bulk_insert(std::string_view table,
                                                        const std::vector<std::string>& columns) {
  std::string sql = "INSERT INTO " + std::string(table) + " (";
  std::string marks;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + columns[i];
    marks += i ? ", ?" : "?";
  }
  sql += ") VALUES (" + marks + ")";
  return std::make_unique<SqliteBulkWriter>(*this, prepare(sql));
}

// A private in-memory database keeps its access log in itself (nothing else can see it anyway).
Database& SqliteDatabase::access_log(std::size_t part) {
  if (holds_access_log_) return *this;
  if (part >= access_log_parts())
    throw StoreError("the access log has no part " + std::to_string(part + 1));
  if (access_log_[part]) return *access_log_[part];
  SqliteDatabase& log =
      in_memory()
          ? *this
          : *(access_log_[part] = std::make_unique<SqliteDatabase>(access_log_path(path_, part)));
  log.execute_script(translate_ddl(kAccessLogSchema));
  for (const char* column : {"operation", "reason", "detail"}) {
    if (!log.query_integer("SELECT 1 FROM pragma_table_info('access_events') WHERE name = ?",
                           {std::string(column)}))
      log.execute_script(std::string("ALTER TABLE access_events ADD COLUMN ") + column +
                         " TEXT NOT NULL DEFAULT ''");
  }
  // The access log holds the audit of reads, committed a thousand times a second: NORMAL syncs at
  // checkpoints only, so a process crash loses nothing, and a power cut may lose the events of the
  // reads answered in the moments before it (docs/operations.md has the figures).
  if (&log != this) log.execute_script("PRAGMA synchronous=NORMAL;");
  log.holds_access_log_ = true;
  return log;
}

// An advisory lock (flock) on a file of its own: held for one append, it serialises appenders in
// this process (each connection has its own descriptor) and in others; the system drops it if
// the process dies.
void SqliteDatabase::lock_access_log() {
  if (in_memory()) return;
  if (access_lock_fd_ < 0) {
    std::string path = access_log_lock_path(path_);
    access_lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (access_lock_fd_ < 0)
      throw StoreError("cannot open the access log's lock file " + path + ": " +
                       std::strerror(errno));
  }
  while (::flock(access_lock_fd_, LOCK_EX) != 0) {
    if (errno != EINTR)
      throw StoreError(std::string("cannot lock the access log: ") + std::strerror(errno));
  }
}

void SqliteDatabase::unlock_access_log() {
  if (access_lock_fd_ >= 0) ::flock(access_lock_fd_, LOCK_UN);
}

std::int64_t SqliteDatabase::wal_bytes() const {
  struct stat st {};
  if (in_memory() || ::stat((path_ + "-wal").c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_size);
}

std::string SqliteDatabase::translate_ddl(std::string_view ddl) const {
  std::string s(ddl);
  // The access log lives in files of its own, made when first opened (access_log()).
  const std::string access = "@ACCESS_LOG@";
  for (std::size_t p; (p = s.find(access)) != std::string::npos;) s.replace(p, access.size(), "");
  // Columns added since a log file was made: access_log() adds them (SQLite has no ADD COLUMN IF
  // NOT EXISTS).
  const std::string columns = "@ACCESS_LOG_COLUMNS@";
  for (std::size_t p; (p = s.find(columns)) != std::string::npos;) s.replace(p, columns.size(), "");
  // A table that is its primary key (SQLite stores it as that one B-tree).
  const std::string without_rowid = "@WITHOUT_ROWID@";
  for (std::size_t p; (p = s.find(without_rowid)) != std::string::npos;)
    s.replace(p, without_rowid.size(), "WITHOUT ROWID");
  const std::string token = "@ID_PK@";
  for (std::size_t p; (p = s.find(token)) != std::string::npos;)
    s.replace(p, token.size(), "INTEGER PRIMARY KEY");
  // A key the application assigns (a sequence number), stored as the row's own key.
  const std::string seq = "@SEQ_PK@";
  for (std::size_t p; (p = s.find(seq)) != std::string::npos;)
    s.replace(p, seq.size(), "INTEGER PRIMARY KEY");
  return s;
}

// The outermost transaction by a prepared statement (a read per request should not parse SQL);
// nested ones as savepoints. The depth counts only a transaction that began.
void SqliteDatabase::begin() {
  if (depth_ == 0) {
    execute("BEGIN IMMEDIATE", {});
    write_transaction_ = true;
  } else {
    execute_script("SAVEPOINT sp" + std::to_string(depth_ + 1));
  }
  ++depth_;
}

void SqliteDatabase::begin_read() {
  if (depth_ == 0) {
    execute("BEGIN DEFERRED", {});
    write_transaction_ = false;
  } else {
    execute_script("SAVEPOINT sp" + std::to_string(depth_ + 1));
  }
  ++depth_;
}

void SqliteDatabase::commit() {
  if (depth_ <= 0) throw StoreError("commit without a transaction");
  if (depth_ == 1) {
    execute("COMMIT", {});
  } else {
    execute_script("RELEASE sp" + std::to_string(depth_));
  }
  --depth_;
  if (depth_ == 0 && write_transaction_) make_durable();
  if (depth_ == 0) report_cache();
}

long long SqliteDatabase::cache_bytes() { return g_cache_bytes.load(std::memory_order_relaxed); }

void SqliteDatabase::report_cache() {
  int used = 0, highest = 0;
  if (sqlite3_db_status(db_, SQLITE_DBSTATUS_CACHE_USED, &used, &highest, 0) != SQLITE_OK) return;
  g_cache_bytes.fetch_add(used - cache_reported_, std::memory_order_relaxed);
  cache_reported_ = used;
}

void SqliteDatabase::rollback() {
  if (depth_ <= 0) return;
  if (depth_ == 1) {
    execute_script("ROLLBACK");
  } else {
    execute_script("ROLLBACK TO sp" + std::to_string(depth_) + "; RELEASE sp" +
                   std::to_string(depth_));
  }
  --depth_;
  if (depth_ == 0) report_cache();
}

}  // namespace jc::store
