// sql::Connection over the SQLite C API.
#include <sqlite3.h>

#include <cerrno>

#include "ferry/sql/connection.h"

namespace ferry::sql {
namespace {

// What SQLite's result `rc` (extended or not) says of the database.
Error::Cause cause_of(int rc, sqlite3* db) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::Cause::kBusy;
    case SQLITE_FULL:
      return Error::Cause::kFull;
    case SQLITE_IOERR: {
      int sys = db ? sqlite3_system_errno(db) : 0;
      return sys == ENOSPC || sys == EDQUOT ? Error::Cause::kFull : Error::Cause::kBroken;
    }
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Error::Cause::kBroken;
    default:
      return Error::Cause::kOther;
  }
}

// The Error for SQLite's result `rc` on `db` while running `sql`.
Error failure(sqlite3* db, int rc, const std::string& path, const std::string& sql,
              const char* message = nullptr) {
  std::string why = message ? message : db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error("sqlite " + path, why + " (in: " + first_line(sql) + ")", cause_of(rc, db));
}

// Binds `v` to parameter `i` of `st`; returns SQLite's result code.
int bind_value(sqlite3_stmt* st, int i, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return sqlite3_bind_null(st, i);
  if (const auto* n = std::get_if<int64_t>(&v)) return sqlite3_bind_int64(st, i, *n);
  if (const auto* d = std::get_if<double>(&v)) return sqlite3_bind_double(st, i, *d);
  const auto& s = std::get<std::string>(v);
  return sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

Value column_value(sqlite3_stmt* st, int c) {
  switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL:
      return Value{};
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(st, c));
    case SQLITE_FLOAT:
      return sqlite3_column_double(st, c);
    default: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
    }
  }
}

// A prepared statement, stepped as the caller reads.
class SqliteCursor : public Cursor {
 public:
  SqliteCursor(sqlite3* db, const std::string& path, const std::string& sql)
      : db_(db), path_(path), sql_(sql) {
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &st_, nullptr);
    if (rc != SQLITE_OK) throw failure(db_, rc, path_, sql_);
  }
  ~SqliteCursor() override { sqlite3_finalize(st_); }

  void bind(int index, const Value& v) override {
    int rc = bind_value(st_, index, v);
    if (rc != SQLITE_OK) throw failure(db_, rc, path_, sql_);
  }
  bool step() override {
    if (done_) return false;
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) {
      int n = sqlite3_column_count(st_);
      row_.assign(n, Value{});
      for (int c = 0; c < n; ++c) row_[c] = column_value(st_, c);
      return true;
    }
    done_ = true;
    changes_ = sqlite3_changes64(db_);
    // The statement is reset at once: a finished read must not hold its snapshot open.
    sqlite3_reset(st_);
    if (rc != SQLITE_DONE) throw failure(db_, rc, path_, sql_);
    return false;
  }
  const Value& column(int i) const override { return row_.at(static_cast<std::size_t>(i)); }
  const Row& row() const { return row_; }
  int column_count() const override { return sqlite3_column_count(st_); }
  int64_t changes() const override { return changes_; }
  void reset() override {
    sqlite3_reset(st_);
    done_ = false;
    changes_ = 0;
  }

 private:
  sqlite3* db_;
  const std::string& path_;
  std::string sql_;
  sqlite3_stmt* st_ = nullptr;
  Row row_;
  bool done_ = false;
  int64_t changes_ = 0;
};

// A prepared INSERT, bound and stepped once per row.
class SqliteBulkInsert : public BulkInsert {
 public:
  SqliteBulkInsert(sqlite3* db, const std::string& path, const std::string& sql)
      : insert_(db, path, sql) {}
  void add(const Row& row) override {
    for (std::size_t i = 0; i < row.size(); ++i) insert_.bind(static_cast<int>(i) + 1, row[i]);
    insert_.step();
    insert_.reset();
  }
  void finish() override {}

 private:
  SqliteCursor insert_;
};

class SqliteConnection : public Connection {
 public:
  SqliteConnection(const std::string& path, bool create, int busy_timeout_ms, bool read_only)
      : path_(path) {
    int flags = read_only ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      Error e("sqlite " + path,
              std::string("cannot open: ") + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)),
              Error::Cause::kBroken);
      sqlite3_close(db_);
      throw e;
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    exec("PRAGMA foreign_keys=ON");
  }
  ~SqliteConnection() override {
    trace({});
    sqlite3_close(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& name() const override { return path_; }
  sqlite3* sqlite_handle() override { return db_; }

  void exec(const std::string& script) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      Error e = failure(db_, rc, path_, script, err);
      sqlite3_free(err);
      throw e;
    }
  }

  std::unique_ptr<Cursor> prepare(const std::string& sql) override {
    return std::make_unique<SqliteCursor>(db_, path_, sql);
  }

  std::unique_ptr<BulkInsert> bulk_insert(const std::string& table,
                                          const std::vector<std::string>& columns) override {
    return std::make_unique<SqliteBulkInsert>(db_, path_, insert_statement(table, columns));
  }

  void query(const std::string& sql, const std::vector<Value>& params,
             const std::function<void(const Row&)>& row) override {
    SqliteCursor c(db_, path_, sql);
    for (std::size_t i = 0; i < params.size(); ++i) c.bind(static_cast<int>(i) + 1, params[i]);
    while (c.step()) row(c.row());
  }

  void trace(std::function<void(const std::string&)> fn) override {
    trace_ = std::move(fn);
    if (!trace_) {
      sqlite3_trace_v2(db_, 0, nullptr, nullptr);
      return;
    }
    auto on_statement = [](unsigned, void* self, void* stmt, void*) -> int {
      const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
      if (sql) static_cast<SqliteConnection*>(self)->trace_(sql);
      return 0;
    };
    sqlite3_trace_v2(db_, SQLITE_TRACE_STMT, on_statement, this);
  }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::function<void(const std::string&)> trace_;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, bool create, int busy_timeout_ms,
                                        bool read_only) {
  return std::make_unique<SqliteConnection>(path, create, busy_timeout_ms, read_only);
}

}  // namespace ferry::sql
