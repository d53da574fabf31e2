#include "store/postgres/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace jc::store {
namespace {

struct ResultGuard {
  PGresult* r;
  ~ResultGuard() { PQclear(r); }
};

class PostgresRow final : public Row {
 public:
  PostgresRow(PGresult* r, int row) : r_(r), row_(row) {}
  bool is_null(int col) const override { return PQgetisnull(r_, row_, col) != 0; }
  std::int64_t integer(int col) const override {
    const char* p = PQgetvalue(r_, row_, col);
    if (p[0] == 't' && p[1] == '\0') return 1;  // boolean
    if (p[0] == 'f' && p[1] == '\0') return 0;
    std::int64_t v = 0;
    auto len = static_cast<std::size_t>(PQgetlength(r_, row_, col));
    auto [ptr, ec] = std::from_chars(p, p + len, v);
    if (ec != std::errc()) {
      // numeric(…) results of SUM over BIGINT come back as decimals such as "12.0000"
      return static_cast<std::int64_t>(std::strtod(p, nullptr));
    }
    return v;
  }
  double real(int col) const override { return std::strtod(PQgetvalue(r_, row_, col), nullptr); }
  std::string text(int col) const override {
    return std::string(PQgetvalue(r_, row_, col),
                       static_cast<std::size_t>(PQgetlength(r_, row_, col)));
  }

 private:
  PGresult* r_;
  int row_;
};

void append_copy_field(std::string& out, const Value& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          out += "\\N";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out += std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          char buf[32];
          auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
          out.append(buf, end);
        } else {
          for (char c : x) {
            switch (c) {
              case '\\':
                out += "\\\\";
                break;
              case '\t':
                out += "\\t";
                break;
              case '\n':
                out += "\\n";
                break;
              case '\r':
                out += "\\r";
                break;
              default:
                out += c;
            }
          }
        }
      },
      v);
}

// Rows are buffered and sent as whole COPY commands, because a connection can run only one COPY at
// a time while loaders keep several writers open (records and their truth, say). A writer sends
// the buffers of writers opened before it first, so rows that reference earlier tables find them.
class PostgresCopyWriter final : public BulkWriter {
 public:
  PostgresCopyWriter(PostgresDatabase& db, std::string copy_sql)
      : db_(db), copy_sql_(std::move(copy_sql)) {
    db_.copy_writers().push_back(this);
  }
  ~PostgresCopyWriter() override {
    auto& all = db_.copy_writers();
    all.erase(std::remove(all.begin(), all.end(), this), all.end());
  }
  void add(const Params& row) override {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) buffer_ += '\t';
      append_copy_field(buffer_, row[i]);
    }
    buffer_ += '\n';
    if (buffer_.size() > (8 << 20)) flush_in_order();
  }
  void finish() override { flush_in_order(); }

  void send() {
    if (buffer_.empty()) return;
    PGconn* conn = db_.connection();
    {
      PGresult* r = PQexec(conn, copy_sql_.c_str());
      ResultGuard g{r};
      if (PQresultStatus(r) != PGRES_COPY_IN) db_.fail("COPY", r);
    }
    if (PQputCopyData(conn, buffer_.data(), static_cast<int>(buffer_.size())) != 1 ||
        PQputCopyEnd(conn, nullptr) != 1) {
      while (PGresult* more = PQgetResult(conn)) PQclear(more);
      db_.fail("COPY data", nullptr);
    }
    buffer_.clear();
    PGresult* r = PQgetResult(conn);
    ResultGuard g{r};
    while (PGresult* more = PQgetResult(conn)) PQclear(more);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) db_.fail("COPY", r);
  }

 private:
  void flush_in_order() {
    for (auto* w : db_.copy_writers()) {
      static_cast<PostgresCopyWriter*>(w)->send();
      if (w == this) break;
    }
  }
  PostgresDatabase& db_;
  std::string copy_sql_;
  std::string buffer_;
};

}  // namespace

PostgresDatabase::PostgresDatabase(const std::string& conninfo) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreError("cannot connect to PostgreSQL: " + msg);
  }
  execute_script("SET client_min_messages TO WARNING; SET TIME ZONE 'UTC'");
}

PostgresDatabase::~PostgresDatabase() { PQfinish(conn_); }

void PostgresDatabase::fail(std::string_view what, PGresult* res) {
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  throw StoreError("PostgreSQL (" + std::string(what) + "): " + msg);
}

std::string PostgresDatabase::rewrite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

PGresult* PostgresDatabase::run(std::string_view sql, const Params& params) {
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    PGresult* r = PQprepare(conn_, name.c_str(), rewrite_placeholders(sql).c_str(), 0, nullptr);
    ResultGuard g{r};
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail("prepare: " + key.substr(0, 80), r);
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  std::vector<std::string> text(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Value& v = params[i];
    if (std::holds_alternative<std::monostate>(v)) continue;
    if (const auto* s = std::get_if<std::string>(&v)) {
      values[i] = s->c_str();
      continue;
    }
    if (const auto* n = std::get_if<std::int64_t>(&v)) text[i] = std::to_string(*n);
    if (const auto* d = std::get_if<double>(&v)) {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
      text[i].assign(buf, end);
    }
    values[i] = text[i].c_str();
  }
  PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                               values.data(), nullptr, nullptr, 0);
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    ResultGuard g{r};
    fail("execute", r);
  }
  return r;
}

std::int64_t PostgresDatabase::execute(std::string_view sql, const Params& params) {
  PGresult* r = run(sql, params);
  ResultGuard g{r};
  const char* n = PQcmdTuples(r);
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

void PostgresDatabase::query(std::string_view sql, const Params& params,
                             const std::function<void(const Row&)>& on_row) {
  PGresult* r = run(sql, params);
  ResultGuard g{r};
  int rows = PQntuples(r);
  for (int i = 0; i < rows; ++i) on_row(PostgresRow(r, i));
}

void PostgresDatabase::execute_script(std::string_view sql) {
  std::string s(sql);
  PGresult* r = PQexec(conn_, s.c_str());
  ResultGuard g{r};
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) fail("script", r);
}

std::unique_ptr<BulkWriter> PostgresDatabase::bulk_insert(std::string_view table,
                                                          const std::vector<std::string>& columns) {
  std::string sql = "COPY " + std::string(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
  sql += ") FROM STDIN";
  return std::make_unique<PostgresCopyWriter>(*this, sql);
}

void PostgresDatabase::sync_id_sequence(std::string_view table) {
  std::string t(table);
  execute_script("SELECT setval(pg_get_serial_sequence('" + t +
                 "', 'id'), COALESCE((SELECT MAX(id) FROM " + t + "), 0) + 1, false)");
}

std::string PostgresDatabase::translate_ddl(std::string_view ddl) const {
  std::string s(ddl);
  // The access log's table, in this database.
  const std::string access = "@ACCESS_LOG@";
  for (std::size_t p; (p = s.find(access)) != std::string::npos;)
    s.replace(p, access.size(), kAccessLogSchema);
  // Columns added since the access log's table was first made.
  const std::string columns = "@ACCESS_LOG_COLUMNS@";
  for (std::size_t p; (p = s.find(columns)) != std::string::npos;)
    s.replace(
        p, columns.size(),
        "ALTER TABLE access_events ADD COLUMN IF NOT EXISTS operation TEXT NOT NULL DEFAULT '';\n"
        "ALTER TABLE access_events ADD COLUMN IF NOT EXISTS reason TEXT NOT NULL DEFAULT '';\n"
        "ALTER TABLE access_events ADD COLUMN IF NOT EXISTS detail TEXT NOT NULL DEFAULT '';");
  // A table that is its primary key (SQLite stores it as that one B-tree).
  const std::string without_rowid = "@WITHOUT_ROWID@";
  for (std::size_t p; (p = s.find(without_rowid)) != std::string::npos;)
    s.replace(p, without_rowid.size(), "");
  const std::string token = "@ID_PK@";
  for (std::size_t p; (p = s.find(token)) != std::string::npos;) {
    s.replace(p, token.size(), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  }
  // A key the application assigns (a sequence number), stored as the row's own key.
  const std::string seq = "@SEQ_PK@";
  for (std::size_t p; (p = s.find(seq)) != std::string::npos;)
    s.replace(p, seq.size(), "BIGINT PRIMARY KEY");
  return s;
}

// The depth counts only a transaction that began (a failed BEGIN leaves it as it was).
void PostgresDatabase::begin() {
  execute_script(depth_ == 0 ? std::string("BEGIN") : "SAVEPOINT sp" + std::to_string(depth_ + 1));
  ++depth_;
}

void PostgresDatabase::begin_read() {
  execute_script(depth_ == 0 ? std::string("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                             : "SAVEPOINT sp" + std::to_string(depth_ + 1));
  ++depth_;
}

void PostgresDatabase::commit() {
  if (depth_ <= 0) throw StoreError("commit without a transaction");
  if (depth_ == 1) {
    execute_script("COMMIT");
  } else {
    execute_script("RELEASE SAVEPOINT sp" + std::to_string(depth_));
  }
  --depth_;
}

void PostgresDatabase::rollback() {
  if (depth_ <= 0) return;
  if (depth_ == 1) {
    execute_script("ROLLBACK");
  } else {
    execute_script("ROLLBACK TO SAVEPOINT sp" + std::to_string(depth_) + "; RELEASE SAVEPOINT sp" +
                   std::to_string(depth_));
  }
  --depth_;
}

}  // namespace jc::store
