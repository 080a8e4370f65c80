// The SQLite state file. All SQL in ferry lives in src/state/.
//
// Opening the store creates the file, turns on WAL and a busy timeout, and applies every
// forward migration in one transaction each. The core's schema version is PRAGMA user_version;
// each other component (a pipeline's own tables) has its own version in `schema_versions`, so
// one component's migration never renumbers another's.
#pragma once

#include <SQLiteCpp/Database.h>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/base/scrub.h"

namespace ferry::state {

// One forward migration: it takes its component's schema from `version - 1` to `version`.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// A component's migrations, numbered 1, 2, … without gaps.
struct Component {
  std::string name;  // `cake`; "core" is the core's own (src/state/migrations.cpp)
  std::vector<Migration> migrations;
};

// The core's ordered migrations (src/state/migrations.cpp). Append; never edit a released one.
const std::vector<Migration>& migrations();

// The state file's disk is full: a write to it failed for want of space (SQLITE_FULL, or an
// I/O error whose system error is ENOSPC or EDQUOT), so nothing of that write was recorded.
// Its kind is kInterrupted: the work it stopped continues, with no failure counted, once there
// is space again.
class StateFullError : public OperationError {
 public:
  explicit StateFullError(const std::string& what)
      : OperationError(FailureKind::kInterrupted, what) {}
};

class Store {
 public:
  // Opens (creating `dir` and `dir/ferry.db`) and migrates the core and then `components`, in
  // order. Throws OperationError naming the file when it cannot be opened, is not a ferry
  // database, or holds a schema (core or component) newer than this binary knows.
  // `scrubber` masks the configured secrets in the free text the stores write and read
  // (job errors, alert subjects, bodies and delivery errors, run notes).
  explicit Store(const std::string& dir, const std::vector<Component>& components = {},
                 Scrubber scrubber = {});
  ~Store();

  // Runs `fn` inside one transaction, committed when fn returns, rolled back when it throws.
  // Nested calls become savepoints of the outer transaction. Throws OperationError naming the
  // file (StateFullError when its disk is full).
  void transaction(const std::function<void()>& fn);

  // Applies the migrations of `component` not yet applied. Throws as the constructor does.
  void migrate(const Component& component);

  // The core's schema version (PRAGMA user_version).
  int schema_version();
  // A component's schema version; 0 when none of its migrations ran yet.
  int component_version(const std::string& component);
  // `ok`, or SQLite's first complaint.
  std::string integrity_check();

  // When `e` (a SQLite::Exception from a statement on this store, or an error this store threw)
  // says the state's disk is full: remembers it (see disk_full()) and returns the error to
  // report, naming the file; otherwise nullopt.
  std::optional<StateFullError> disk_full_error(const std::exception& e);
  // The first full-disk error met on this store since it was opened, if any: a later failure
  // may follow from it, so none should be counted or recorded as a failure on its account.
  const std::optional<StateFullError>& disk_full() const { return disk_full_; }

  SQLite::Database& db() { return *db_; }
  // `text` with every configured secret masked (see Scrubber).
  std::string scrub(std::string_view text) const { return scrubber_(text); }
  const std::string& path() const { return path_; }

 private:
  void migrate_core();
  // Throws `e` as an OperationError naming the file: StateFullError for a full disk,
  // transient for a busy or locked database, permanent otherwise.
  [[noreturn]] void rethrow(const SQLite::Exception& e);
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  int depth_ = 0;  // transaction() nesting
  Scrubber scrubber_;
  std::optional<StateFullError> disk_full_;
};

}  // namespace ferry::state
