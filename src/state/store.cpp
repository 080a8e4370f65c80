#include "ferry/state/store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "ferry/base/error.h"
#include "ferry/base/time.h"
#include "ferry/io/files.h"
#include "ferry/state/copy.h"

namespace ferry::state {

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// `10s`, `1m30s`; `200ms` below a whole second.
std::string wait_text(std::chrono::milliseconds t) {
  if (t.count() % 1000 != 0) return std::to_string(t.count()) + "ms";
  return format_duration(std::chrono::duration_cast<std::chrono::seconds>(t));
}

// Any number, the same on every host: the advisory lock that migrations of a PostgreSQL state
// are applied under.
constexpr int64_t kMigrationLock = 0x66657272790001;  // "ferry" 1

}  // namespace

std::string Store::what_state() const {
  return (postgres_ ? "the state database " : "the state file ") + path_;
}

std::string Store::json_ints() const {
  return postgres() ? "(SELECT value::bigint FROM json_array_elements_text(?::json))"
                    : "(SELECT value FROM json_each(?))";
}

bool Store::ours(const sql::Error& e) const {
  return e.where() == "sqlite " + path_ || e.where() == "postgresql " + path_;
}

std::optional<StateError> Store::error_of(const std::exception& e) const {
  if (auto* se = dynamic_cast<const StateError*>(&e)) return *se;
  auto* le = dynamic_cast<const sql::Error*>(&e);
  if (!le || !ours(*le)) return std::nullopt;
  switch (le->cause()) {
    case sql::Error::Cause::kBusy:
      if (postgres())
        return StateError(StateError::Cause::kLocked,
                          what_state() +
                              " is busy (a lock another host holds, a conflict with it, or a "
                              "lost connection); the work is taken up again later: " +
                              le->detail());
      return StateError(StateError::Cause::kLocked,
                        what_state() +
                            " is locked by another program (an open sqlite3 transaction or a "
                            "backup?); gave up after waiting " +
                            wait_text(busy_timeout_) + ": " + le->detail());
    case sql::Error::Cause::kBroken:
      return StateError(StateError::Cause::kBroken,
                        what_state() + " cannot be used: " + le->detail());
    default:
      return std::nullopt;
  }
}

std::optional<StateFullError> Store::disk_full_error(const std::exception& e) {
  std::optional<StateFullError> full;
  if (const auto* known = dynamic_cast<const StateFullError*>(&e)) {
    full = *known;
  } else if (const auto* sq = dynamic_cast<const sql::Error*>(&e)) {
    if (sq->cause() == sql::Error::Cause::kFull && ours(*sq))
      full = StateFullError("state " + path_ + ": the disk is full (" + sq->detail() +
                            "); nothing more is recorded until space is freed there");
  }
  if (full && !disk_full_) disk_full_ = full;
  return full;
}

void Store::rethrow(const sql::Error& e) {
  if (auto full = disk_full_error(e)) throw *full;
  if (auto se = error_of(e)) throw *se;
  throw OperationError(FailureKind::kPermanent, "state " + path_ + ": " + e.detail());
}

Store::Store(const std::string& dir, const std::vector<Component>& components, Scrubber scrubber,
             std::chrono::milliseconds busy_timeout)
    : Store(Location{dir, "", ""}, components, std::move(scrubber), busy_timeout) {}

Store::Store(const Location& at, const std::vector<Component>& components, Scrubber scrubber,
             std::chrono::milliseconds busy_timeout)
    : path_(at.url.empty() ? at.dir + "/ferry.db" : sql::mask_url(at.url)),
      at_(at),
      busy_timeout_(busy_timeout),
      postgres_(!at.url.empty()),
      scrubber_(std::move(scrubber)) {
  try {
    if (at.url.empty()) {
      io::make_dirs(at.dir);
      // Without its main file a WAL cannot be applied: opening would make an empty state and
      // lose (or later misapply) what the WAL holds.
      if (!exists(path_) && exists(path_ + "-wal"))
        throw StateError(StateError::Cause::kBroken,
                         "the state file " + path_ + " is missing but its write-ahead log " +
                             path_ +
                             "-wal is there: restore ferry.db (e.g. from a `ferry backup` copy), "
                             "or move " +
                             path_ + "-wal and -shm away to start an empty state");
      db_ = sql::open_sqlite(path_, true, static_cast<int>(busy_timeout_.count()));
    } else {
      db_ = sql::open_postgres(at.url, at.password);
    }
    open();
  } catch (const sql::Error& e) {
    rethrow(e);
  }
  for (const auto& c : components) migrate(c);
}

void Store::open() {
  if (sqlite3* h = db_->sqlite_handle()) {
    if (sqlite3_db_readonly(h, "main") == 1)
      throw StateError(StateError::Cause::kBroken,
                       what_state() +
                           " is read-only: ferry needs to write it (check its owner "
                           "and mode)");
    db_->exec("PRAGMA journal_mode=WAL");
    // FULL: a commit is on disk before ferry acts on it (e.g. deletes data on a server).
    db_->exec("PRAGMA synchronous=FULL");
    // A five-minute process should not checkpoint the WAL on every exit (two more fsyncs and a
    // file delete); `ferry run` checkpoints once at its end (checkpoint()), and SQLite on its
    // own once the WAL reaches 1000 pages.
    sqlite3_db_config(h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  } else {
    // A statement that waits longer for a lock than SQLite's busy timeout would is taken as
    // a busy state: the work is taken up again by a later tick.
    db_->exec("SET lock_timeout = " + std::to_string(busy_timeout_.count()));
  }
  migrate_core();
}

Store::~Store() = default;

std::unique_ptr<sql::Connection> Store::connect_again() const {
  if (!postgres_) return sql::open_sqlite(path_, false, static_cast<int>(busy_timeout_.count()));
  auto db = sql::open_postgres(at_.url, at_.password);
  db->exec("SET lock_timeout = " + std::to_string(busy_timeout_.count()));
  return db;
}

void Store::transaction(const std::function<void()>& fn) {
  const bool outer = depth_ == 0;
  const std::string savepoint = "nested_" + std::to_string(depth_);
  try {
    // IMMEDIATE: take SQLite's write lock up front (waiting out the busy timeout) instead of
    // failing when a read transaction upgrades.
    if (outer)
      db_->exec(postgres() ? "BEGIN" : "BEGIN IMMEDIATE");
    else
      db_->exec("SAVEPOINT " + savepoint);
  } catch (const sql::Error& e) {
    rethrow(e);
  }
  // Undoes what the transaction (or savepoint) did; a failure to is no news (SQLite may have
  // rolled back already, e.g. for a full disk).
  auto undo = [&] {
    try {
      db_->exec(outer ? "ROLLBACK" : "ROLLBACK TO " + savepoint + "; RELEASE " + savepoint);
    } catch (const sql::Error&) {
    }
  };
  ++depth_;
  try {
    fn();
  } catch (const sql::Error& e) {
    --depth_;
    undo();
    rethrow(e);
  } catch (...) {
    --depth_;
    undo();
    throw;
  }
  --depth_;
  try {
    db_->exec(outer ? "COMMIT" : "RELEASE " + savepoint);
  } catch (const sql::Error& e) {
    undo();
    rethrow(e);
  }
}

void Store::trace(std::function<void(const std::string&)> fn) {
  db_->trace(std::move(fn));
}

bool Store::checkpoint() {
  sqlite3* h = db_->sqlite_handle();
  if (!h) return true;
  try {
    // No busy handler: a reader or writer in the way makes the call return at once (busy).
    sqlite3_busy_timeout(h, 0);
    sql::Statement q(*db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    bool done = q.step();
    // busy, frames in the WAL, frames copied into the file
    done = done && q.column(0).int64() == 0 && q.column(1).int64() == q.column(2).int64();
    q.reset();
    sqlite3_busy_timeout(h, static_cast<int>(busy_timeout_.count()));
    return done;
  } catch (const sql::Error& e) {
    sqlite3_busy_timeout(h, static_cast<int>(busy_timeout_.count()));
    rethrow(e);
  }
}

int Store::schema_version() {
  if (postgres()) return component_version("core");
  try {
    return static_cast<int>(std::get<int64_t>(db_->scalar("PRAGMA user_version")));
  } catch (const sql::Error& e) {
    rethrow(e);
  }
}

int Store::component_version(const std::string& component) {
  try {
    if (postgres() && std::holds_alternative<std::monostate>(
                          db_->scalar("SELECT to_regclass('schema_versions')::text")))
      return 0;  // a new database: not even the core's first migration ran
    sql::Statement q(*db_, "SELECT version FROM schema_versions WHERE component = ?");
    q.bind(1, component);
    return q.step() ? q.column(0).integer() : 0;
  } catch (const sql::Error& e) {
    rethrow(e);
  }
}

std::string Store::integrity_check() {
  if (postgres()) return "ok";
  try {
    return sql::to_text(db_->scalar("PRAGMA integrity_check"));
  } catch (const sql::Error& e) {
    rethrow(e);
  }
}

void Store::migrate_step(const std::function<bool()>& needed, const std::function<void()>& fn) {
  // SQLite: IMMEDIATE, so two processes opening a fresh file do not both migrate; PostgreSQL:
  // an advisory lock held to the end of the transaction does the same for several hosts.
  transaction([&] {
    if (postgres()) db_->run("SELECT pg_advisory_xact_lock(?)", {kMigrationLock});
    if (needed()) fn();
  });
}

void Store::migrate_core() {
  // PostgreSQL keeps the core's version in schema_versions: made before the first migration.
  if (postgres() && schema_version() == 0)
    migrate_step([] { return true; },
                 [&] {
                   db_->exec(
                       "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, "
                       "version BIGINT NOT NULL)");
                 });
  int current = schema_version();
  const auto& all = migrations();
  int newest = all.empty() ? 0 : all.back().version;
  if (current > newest) {
    throw StateError(StateError::Cause::kBroken,
                     what_state() + " has schema version " + std::to_string(current) +
                         " but this ferry knows only up to " + std::to_string(newest) +
                         "; use a newer ferry");
  }
  for (const auto& m : all) {
    if (m.version <= current) continue;
    migrate_step([&] { return schema_version() < m.version; },
                 [&] {
                   apply_migration(*db_, m);
                   record_version(*db_, "core", m.version);
                 });
  }
}

void Store::migrate(const Component& component) {
  int newest = component.migrations.empty() ? 0 : component.migrations.back().version;
  int current = component_version(component.name);
  if (current > newest)
    throw StateError(StateError::Cause::kBroken,
                     what_state() + " has " + component.name + " schema version " +
                         std::to_string(current) + " but this ferry knows only up to " +
                         std::to_string(newest) + "; use a newer ferry");
  for (const auto& m : component.migrations) {
    if (m.version <= current) continue;
    migrate_step([&] { return component_version(component.name) < m.version; },
                 [&] {
                   apply_migration(*db_, m);
                   record_version(*db_, component.name, m.version);
                 });
  }
}

}  // namespace ferry::state
