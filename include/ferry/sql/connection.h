// One SQL database, SQLite or PostgreSQL, behind the same narrow interface: run a script, run a
// statement with parameters and read its rows, and know which dialect it speaks. Knows nothing
// of ferry's tables.
//
// Statements use `?` for parameters in both dialects (for PostgreSQL they become `$1`, `$2`, …
// outside quoted text). Values are NULL, a 64-bit integer, a double or text.
//
// Every failure is an sql::Error naming the database (a PostgreSQL URL with its password
// masked) and saying what the database said; nothing a library throws leaves this layer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "ferry/base/error.h"

namespace ferry::sql {

enum class Dialect { kSqlite, kPostgres };

using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;

// `v` as text the way `sqlite3` prints it: NULL as "", integers in decimal, doubles with
// up to 17 significant digits.
std::string to_text(const Value& v);

// A failure of the database or of a statement on it. Permanent: a bad statement, a refused
// login, a database that cannot be reached stay so until someone acts.
class Error : public OperationError {
 public:
  explicit Error(const std::string& what) : OperationError(FailureKind::kPermanent, what) {}
};

// Rows added to one table, as fast as the database takes them: a prepared INSERT run per row
// (SQLite), COPY FROM STDIN (PostgreSQL). Within the caller's transaction.
class BulkInsert {
 public:
  virtual ~BulkInsert() = default;
  // Adds one row: a value per column, in the order given to bulk_insert(). Throws Error.
  virtual void add(const Row& row) = 0;
  // Ends the insert; rows not yet sent go now. Throws Error (for COPY: a row the table
  // refused). Must be called, or the rows may not be written.
  virtual void finish() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  // The file, or the URL with any password masked: for messages.
  virtual const std::string& name() const = 0;

  // Runs `script`: one or more statements without parameters. Throws Error.
  virtual void exec(const std::string& script) = 0;

  // Runs one statement with `params` bound to its `?`s in order and calls `row` with each row
  // of its result as it arrives (rows are not gathered: memory does not grow with the result).
  // Throws Error; an exception from `row` stops the statement and is rethrown as is.
  virtual void query(const std::string& sql, const std::vector<Value>& params,
                     const std::function<void(const Row&)>& row) = 0;

  // Starts adding rows to `table` (columns `columns`, both quoted as names). Only this
  // insert may use the connection until finish(). Throws Error.
  virtual std::unique_ptr<BulkInsert> bulk_insert(const std::string& table,
                                                  const std::vector<std::string>& columns) = 0;

  // Runs a statement with `params` whose result is not wanted. Throws Error.
  void run(const std::string& sql, const std::vector<Value>& params = {});
  // The first column of the first row, NULL when there is no row. Throws Error.
  Value scalar(const std::string& sql, const std::vector<Value>& params = {});

  // BEGIN, COMMIT and ROLLBACK. Throws Error.
  void begin() { exec("BEGIN"); }
  void commit() { exec("COMMIT"); }
  void rollback() { exec("ROLLBACK"); }
};

// Opens (with `create`, creating) the SQLite file `path`. Throws Error when it cannot be opened.
std::unique_ptr<Connection> open_sqlite(const std::string& path, bool create);

// Connects to the PostgreSQL database of `url` (`postgresql://user@host:port/db`, or libpq's
// `key=value` form). A non-empty `password` is used instead of one in the URL; with neither,
// libpq looks in ~/.pgpass (PGPASSFILE). Throws Error naming the masked URL and libpq's reason.
std::unique_ptr<Connection> open_postgres(const std::string& url, const std::string& password);

// `url` with the password it holds (`user:secret@`, `password=secret`) replaced by `********`.
std::string mask_url(const std::string& url);

// The first non-blank line of a statement, for messages.
std::string first_line(const std::string& sql);

// `sql` with each `?` outside quotes, identifiers and comments made `$1`, `$2`, …
std::string numbered_placeholders(const std::string& sql);

// `name` as a quoted SQL identifier: "name", with any `"` doubled.
std::string quote_name(const std::string& name);

// `INSERT INTO "table" ("a", "b") VALUES (?, ?)`.
std::string insert_statement(const std::string& table, const std::vector<std::string>& columns);

// `row` as one line of PostgreSQL's COPY text format (tab-separated, `\N` for NULL, backslash
// escapes), ending in a newline, appended to `out`.
void append_copy_line(const Row& row, std::string& out);

}  // namespace ferry::sql
