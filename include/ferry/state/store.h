// The SQLite state file. All SQL in ferry lives in src/state/.
//
// Opening the store creates the file, turns on WAL and a busy timeout, and applies every
// forward migration in one transaction each, tracked by PRAGMA user_version.
#pragma once

#include <SQLiteCpp/Database.h>

#include <functional>
#include <memory>
#include <string>

namespace ferry::state {

// One forward migration: it takes the schema from `version - 1` to `version`.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// The ordered list of migrations (src/state/migrations.cpp). Later issues append to it.
const std::vector<Migration>& migrations();

class Store {
 public:
  // Opens (creating `dir` and `dir/ferry.db`) and migrates. Throws OperationError naming the
  // file when it cannot be opened, is not a ferry database, or is newer than this binary.
  explicit Store(const std::string& dir);
  ~Store();

  // Runs `fn` inside one transaction, committed when fn returns, rolled back when it throws.
  void transaction(const std::function<void()>& fn);

  int schema_version();
  // `ok`, or SQLite's first complaint.
  std::string integrity_check();

  SQLite::Database& db() { return *db_; }
  const std::string& path() const { return path_; }

 private:
  void migrate();
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace ferry::state
