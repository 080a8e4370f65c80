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
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "ferry/base/error.h"

struct sqlite3;

namespace ferry::sql {

enum class Dialect { kSqlite, kPostgres };

using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;

// `v` as text the way `sqlite3` prints it: NULL as "", integers in decimal, doubles with
// up to 17 significant digits.
std::string to_text(const Value& v);

// A failure of the database or of a statement on it. Not an OperationError: code that turns a
// pipeline's failures into job errors lets it pass, for the state's owner (state::Store::
// error_of) to judge. cause() says what kind:
//   kBusy:   another holder of a lock outwaited the busy timeout (SQLite busy/locked), or
//            PostgreSQL gave up on a lock, a deadlock or a serialization conflict, or the
//            connection to the server broke: trying again later may succeed;
//   kFull:   the disk under the database is full (SQLite full, or an I/O error with ENOSPC or
//            EDQUOT; PostgreSQL class 53);
//   kBroken: the database cannot be used as it is (corrupt, not a database, read-only, cannot
//            be opened, refused login or privilege, no such database);
//   kOther:  anything else, e.g. a statement with a mistake in it, a constraint violated.
class Error : public std::runtime_error {
 public:
  enum class Cause { kOther, kBusy, kFull, kBroken };
  explicit Error(const std::string& what) : Error(what, what, Cause::kOther) {}
  // what() is `"where: detail"`: the database (`sqlite FILE`, `postgresql URL`), then what it
  // said and the statement.
  Error(const std::string& where, const std::string& detail, Cause cause)
      : std::runtime_error(where == detail ? detail : where + ": " + detail),
        where_(where),
        detail_(detail),
        cause_(cause) {}
  Cause cause() const { return cause_; }
  // The database: `sqlite FILE`, `postgresql URL` (its password masked).
  const std::string& where() const { return where_; }
  // What the database said, and the statement's first line, without naming the database.
  const std::string& detail() const { return detail_; }

 private:
  std::string where_, detail_;
  Cause cause_;
};

// One statement prepared on a connection, run with bound parameters and read a row at a time.
// Used only from the thread and connection that made it, and not past the connection's life.
class Cursor {
 public:
  virtual ~Cursor() = default;
  // Binds `v` to the `index`th `?` (from 1). Binding after a step() needs a reset() first.
  virtual void bind(int index, const Value& v) = 0;
  // Runs the statement (on the first call) and moves to its next row: false when there is none.
  // A statement that changes rows (also one with RETURNING) has made every change once step()
  // returned false. Throws Error.
  virtual bool step() = 0;
  // Column `i` of the current row (precondition: the last step() returned true).
  virtual const Value& column(int i) const = 0;
  virtual int column_count() const = 0;
  // Rows the statement inserted, updated or deleted (after step() returned false).
  virtual int64_t changes() const = 0;
  // Makes the statement ready to run again; bindings are kept.
  virtual void reset() = 0;
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

  // Prepares one statement. SQLite reads rows as step() asks; PostgreSQL fetches the whole
  // result on the first step(), so other statements may run while a cursor is open (state
  // queries are small; for big results use query()). Throws Error for a statement in error.
  virtual std::unique_ptr<Cursor> prepare(const std::string& sql) = 0;

  // Calls `fn` with the text of every statement as it starts (parameters left as `?`); an
  // empty `fn` stops it. For tests that check which statements run.
  virtual void trace(std::function<void(const std::string&)> fn) = 0;

  // The SQLite handle under this connection, or nullptr for PostgreSQL: for what only SQLite
  // has (its online backup, checkpoints, busy timeout).
  virtual sqlite3* sqlite_handle() { return nullptr; }

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

// Opens (with `create`, creating) the SQLite file `path`, with foreign keys on and a busy
// timeout of `busy_timeout_ms`; `read_only` opens it for reading only. Throws Error when it
// cannot be opened.
std::unique_ptr<Connection> open_sqlite(const std::string& path, bool create,
                                        int busy_timeout_ms = 10000, bool read_only = false);

// Connects to the PostgreSQL database of `url` (`postgresql://user@host:port/db`, or libpq's
// `key=value` form). A non-empty `password` is used instead of one in the URL; with neither,
// libpq looks in ~/.pgpass (PGPASSFILE). Throws Error naming the masked URL and libpq's reason.
std::unique_ptr<Connection> open_postgres(const std::string& url, const std::string& password);

// `url` with the password it holds (`user:secret@`, `password=secret`) replaced by `********`.
std::string mask_url(const std::string& url);

// The first non-blank line of a statement, for messages.
std::string first_line(const std::string& sql);

// `sql` with each `?` outside quotes, identifiers and comments made `$1`, `$2`, …, and each
// `?NNN` `$NNN` (a bare `?` after it is parameter NNN + 1, as in SQLite).
std::string numbered_placeholders(const std::string& sql);

// `name` as a quoted SQL identifier: "name", with any `"` doubled.
std::string quote_name(const std::string& name);

// `INSERT INTO "table" ("a", "b") VALUES (?, ?)`.
std::string insert_statement(const std::string& table, const std::vector<std::string>& columns);

// `row` as one line of PostgreSQL's COPY text format (tab-separated, `\N` for NULL, backslash
// escapes), ending in a newline, appended to `out`.
void append_copy_line(const Row& row, std::string& out);

}  // namespace ferry::sql
