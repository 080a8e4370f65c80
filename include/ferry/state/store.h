// The SQLite state file. All SQL in ferry lives in src/state/.
//
// Opening the store creates the file, turns on WAL and a busy timeout, and applies every
// forward migration in one transaction each. The core's schema version is PRAGMA user_version;
// each other component (a pipeline's own tables) has its own version in `schema_versions`, so
// one component's migration never renumbers another's.
#pragma once

#include <SQLiteCpp/Database.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

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
  // Nested calls become savepoints of the outer transaction.
  void transaction(const std::function<void()>& fn);

  // Applies the migrations of `component` not yet applied. Throws as the constructor does.
  void migrate(const Component& component);

  // The core's schema version (PRAGMA user_version).
  int schema_version();
  // A component's schema version; 0 when none of its migrations ran yet.
  int component_version(const std::string& component);
  // `ok`, or SQLite's first complaint.
  std::string integrity_check();

  SQLite::Database& db() { return *db_; }
  // `text` with every configured secret masked (see Scrubber).
  std::string scrub(std::string_view text) const { return scrubber_(text); }
  const std::string& path() const { return path_; }

 private:
  void migrate_core();
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  int depth_ = 0;  // transaction() nesting
  Scrubber scrubber_;
};

}  // namespace ferry::state
