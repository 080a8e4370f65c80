// sql::Connection over the SQLite C API.
#include <sqlite3.h>

#include "ferry/sql/connection.h"

namespace ferry::sql {
namespace {

// A prepared INSERT, bound and stepped once per row.
class SqliteBulkInsert : public BulkInsert {
 public:
  SqliteBulkInsert(sqlite3* db, const std::string& path, const std::string& sql)
      : db_(db), path_(path), sql_(sql) {
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) fail();
  }
  ~SqliteBulkInsert() override { sqlite3_finalize(st_); }
  void add(const Row& row) override {
    for (std::size_t i = 0; i < row.size(); ++i)
      if (bind(st_, static_cast<int>(i) + 1, row[i]) != SQLITE_OK) fail();
    if (sqlite3_step(st_) != SQLITE_DONE) fail();
    sqlite3_reset(st_);
  }
  void finish() override {}

  // Binds `v` to parameter `i` of `st`; returns SQLite's result code.
  static int bind(sqlite3_stmt* st, int i, const Value& v) {
    if (std::holds_alternative<std::monostate>(v)) return sqlite3_bind_null(st, i);
    if (const auto* n = std::get_if<int64_t>(&v)) return sqlite3_bind_int64(st, i, *n);
    if (const auto* d = std::get_if<double>(&v)) return sqlite3_bind_double(st, i, *d);
    const auto& s = std::get<std::string>(v);
    return sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }

 private:
  [[noreturn]] void fail() {
    throw Error("sqlite " + path_ + ": " + sqlite3_errmsg(db_) + " (in: " + sql_ + ")");
  }
  sqlite3* db_;
  std::string path_, sql_;
  sqlite3_stmt* st_ = nullptr;
};

class SqliteConnection : public Connection {
 public:
  SqliteConnection(const std::string& path, bool create) : path_(path) {
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw Error("sqlite " + path + ": cannot open: " + why);
    }
    sqlite3_busy_timeout(db_, 10000);
    exec("PRAGMA foreign_keys=ON");
  }
  ~SqliteConnection() override { sqlite3_close(db_); }

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& name() const override { return path_; }

  void exec(const std::string& script) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw Error("sqlite " + path_ + ": " + why + " (in: " + first_line(script) + ")");
    }
  }

  std::unique_ptr<BulkInsert> bulk_insert(const std::string& table,
                                          const std::vector<std::string>& columns) override {
    return std::make_unique<SqliteBulkInsert>(db_, path_, insert_statement(table, columns));
  }

  void query(const std::string& sql, const std::vector<Value>& params,
             const std::function<void(const Row&)>& row) override {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail(sql);
    Finalizer done{st};
    for (std::size_t i = 0; i < params.size(); ++i)
      if (SqliteBulkInsert::bind(st, static_cast<int>(i) + 1, params[i]) != SQLITE_OK) fail(sql);
    Row r;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) return;
      if (rc != SQLITE_ROW) fail(sql);
      int n = sqlite3_column_count(st);
      r.assign(n, Value{});
      for (int c = 0; c < n; ++c) r[c] = column(st, c);
      row(r);
    }
  }

 private:
  struct Finalizer {
    sqlite3_stmt* st;
    ~Finalizer() { sqlite3_finalize(st); }
  };

  [[noreturn]] void fail(const std::string& sql) {
    throw Error("sqlite " + path_ + ": " + sqlite3_errmsg(db_) + " (in: " + first_line(sql) + ")");
  }

  static Value column(sqlite3_stmt* st, int c) {
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

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, bool create) {
  return std::make_unique<SqliteConnection>(path, create);
}

}  // namespace ferry::sql
