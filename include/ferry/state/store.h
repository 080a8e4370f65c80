// The state: a SQLite file (the default), or a PostgreSQL database shared by several hosts.
// All SQL in ferry lives in the stores (src/state/, and each pipeline's store).
//
// Opening the store creates the file (SQLite: WAL, a busy timeout) and applies every forward
// migration in one transaction each. The core's schema version is PRAGMA user_version on SQLite
// and the `core` row of `schema_versions` on PostgreSQL; each other component (a pipeline's own
// tables) has its own row there, so one component's migration never renumbers another's.
//
// Failures of the state itself are StateErrors: another program holding a lock past the busy
// timeout, or a PostgreSQL conflict or lost connection (locked: kInterrupted, the work is taken
// up again with no failure counted), or a state ferry cannot use (broken: corrupt, unreadable,
// read-only, a newer schema, a refused login, or a file missing while its -wal file exists;
// kPermanent). Store's own members throw them; a statement run on db() throws sql::Error, which
// the code that turns exceptions into failures (the runner, the command line) maps with
// Store::error_of().
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/base/scrub.h"
#include "ferry/sql/connection.h"
#include "ferry/sql/statement.h"

namespace ferry::state {

// One forward migration: it takes its component's schema from `version - 1` to `version`.
// `sql` is SQLite's; PostgreSQL runs postgres_ddl(sql) (src/state/schema.cpp), or `postgres`
// where that translation does not serve (the one place a statement differs).
struct Migration {
  int version;
  const char* name;
  const char* sql;
  const char* postgres = nullptr;
};

// A component's migrations, numbered 1, 2, … without gaps.
struct Component {
  std::string name;  // `cake`; "core" is the core's own (src/state/migrations.cpp)
  std::vector<Migration> migrations;
};

// The core's ordered migrations (src/state/migrations.cpp). Append; never edit a released one.
const std::vector<Migration>& migrations();

// A failure of the state file itself (see the file comment). what() names the file.
class StateError : public OperationError {
 public:
  enum class Cause { kLocked, kBroken };
  StateError(Cause cause, const std::string& what)
      : OperationError(
            cause == Cause::kLocked ? FailureKind::kInterrupted : FailureKind::kPermanent, what),
        cause_(cause) {}
  bool locked() const { return cause_ == Cause::kLocked; }
  bool broken() const { return cause_ == Cause::kBroken; }

 private:
  Cause cause_;
};

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
  // Where a state is: the SQLite file `dir`/ferry.db, or with `url` set the PostgreSQL
  // database it names (`password`: see sql::open_postgres).
  struct Location {
    std::string dir;
    std::string url;
    std::string password;
  };

  // Opens (creating `dir` and `dir/ferry.db`) and migrates the core and then `components`, in
  // order. A statement waits up to `busy_timeout` for another program's lock. Throws
  // StateError (broken) naming the file when it cannot be opened or written, is not a ferry
  // database, holds a schema (core or component) newer than this binary knows, or is missing
  // while its -wal file exists (never recreated empty then); StateError (locked) when a
  // migration waited out the busy timeout. `scrubber` masks the configured secrets in the
  // free text the stores write and read (job errors, alert subjects, bodies and delivery
  // errors, run notes).
  explicit Store(const std::string& dir, const std::vector<Component>& components = {},
                 Scrubber scrubber = {},
                 std::chrono::milliseconds busy_timeout = std::chrono::seconds(10));
  // The state at `at`: as above for a file; a PostgreSQL database is connected to (its URL,
  // password masked, is path() and names it in every error) and migrated the same way, hosts
  // migrating at once applying each migration once (under an advisory lock). `busy_timeout`
  // is PostgreSQL's lock_timeout there. Throws as above; StateError (broken) also when the
  // database cannot be reached or refuses the login.
  Store(const Location& at, const std::vector<Component>& components = {}, Scrubber scrubber = {},
        std::chrono::milliseconds busy_timeout = std::chrono::seconds(10));
  ~Store();

  // Runs `fn` inside one transaction, committed when fn returns, rolled back when it throws.
  // Nested calls become savepoints of the outer transaction. SQLite's errors leave it as
  // StateFullError (its disk is full), StateError (locked, broken) or OperationError (kPermanent).
  void transaction(const std::function<void()>& fn);

  // `e` as the StateError it stands for: itself when it is one; an sql::Error for a lock held
  // past the busy timeout or a lost connection (locked) or a state that cannot be used
  // (broken); nullopt for anything else (other errors are ferry's own mistakes, not the
  // state's).
  std::optional<StateError> error_of(const std::exception& e) const;

  // Copies the WAL's committed pages into ferry.db and empties the WAL (PRAGMA
  // wal_checkpoint(TRUNCATE)) without waiting for readers or writers: one in the way leaves the
  // rest for later. Afterwards the file alone is a usable copy, and the next process opens an
  // empty WAL instead of re-reading (and re-copying) every frame since the WAL last restarted.
  // Returns true when every page was copied (always, on PostgreSQL). Throws StateError.
  bool checkpoint();

  // Writes a consistent copy of the state to `file` (SQLite's online backup, while other
  // programs may read and write it): to a temp file beside it, fsynced, then renamed over
  // `file`. Throws StateError for the state, OperationError for `file` or for a PostgreSQL
  // state (pg_dump copies that).
  void backup(const std::string& file);

  // Applies the migrations of `component` not yet applied. Throws as the constructor does.
  void migrate(const Component& component);

  // The core's schema version.
  int schema_version();
  // A component's schema version; 0 when none of its migrations ran yet.
  int component_version(const std::string& component);
  // `ok`, or SQLite's first complaint (`ok` on PostgreSQL, which checks itself).
  std::string integrity_check();

  // When `e` (an sql::Error from a statement on this store, or an error this store threw)
  // says the state's disk is full: remembers it (see disk_full()) and returns the error to
  // report, naming the file; otherwise nullopt.
  std::optional<StateFullError> disk_full_error(const std::exception& e);
  // The first full-disk error met on this store since it was opened, if any: a later failure
  // may follow from it, so none should be counted or recorded as a failure on its account.
  const std::optional<StateFullError>& disk_full() const { return disk_full_; }

  // Calls `fn` with the text of every statement as it starts (bound parameters left as `?`),
  // from now on; an empty `fn` stops it. For tests that check query plans.
  void trace(std::function<void(const std::string&)> fn);

  sql::Connection& db() { return *db_; }
  // A second connection to the same state (for work on another thread: one connection is
  // never used by two threads), with the same busy timeout. Throws sql::Error.
  std::unique_ptr<sql::Connection> connect_again() const;

  // The run this process works as, once it has begun one (0: none, e.g. an operator's command).
  // While set, the job store changes a running job only when this run holds it (jobs.run_id):
  // a job another host took over after this run's lease ran out is left alone (see JobStore).
  void hold_leases_as(int64_t run_id) { lease_holder_ = run_id; }
  int64_t lease_holder() const { return lease_holder_; }
  // A subquery for `x IN …` yielding the integers of a JSON array bound to its `?` (`[1,2]`):
  // json_each on SQLite, json_array_elements_text on PostgreSQL.
  std::string json_ints() const;
  // The larger-of-its-arguments function: max(a, b) on SQLite, greatest(a, b) on PostgreSQL.
  std::string greatest() const { return postgres() ? "greatest" : "max"; }
  bool postgres() const { return postgres_; }
  // `text` with every configured secret masked (see Scrubber).
  std::string scrub(std::string_view text) const { return scrubber_(text); }
  // The file, or the PostgreSQL URL with its password masked.
  const std::string& path() const { return path_; }
  // A file of this host's beside the state: the state file's path + `suffix` on SQLite;
  // `dir`/ferry`suffix` on PostgreSQL (the folder of this host's ferry.lock).
  std::string beside(const std::string& suffix) const {
    return postgres_ ? at_.dir + "/ferry" + suffix : path_ + suffix;
  }

 private:
  void open();
  void migrate_core();
  // Runs `fn` in a transaction that holds the migration lock, first asking `needed` (inside it)
  // whether another process applied the migration meanwhile.
  void migrate_step(const std::function<bool()>& needed, const std::function<void()>& fn);
  // Throws `e` as an OperationError naming the state: StateFullError for a full disk,
  // StateError for a busy or broken database, permanent otherwise.
  [[noreturn]] void rethrow(const sql::Error& e);
  // Whether `e` is about this store's database (not another one, e.g. a copy's).
  bool ours(const sql::Error& e) const;
  // "the state file PATH" or "the state database URL", for messages.
  std::string what_state() const;
  std::string path_;
  Location at_;
  int64_t lease_holder_ = 0;
  std::chrono::milliseconds busy_timeout_;
  bool postgres_ = false;
  std::unique_ptr<sql::Connection> db_;
  int depth_ = 0;  // transaction() nesting
  Scrubber scrubber_;
  std::optional<StateFullError> disk_full_;
};

}  // namespace ferry::state
