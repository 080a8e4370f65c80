#include "ferry/state/store.h"

#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <sys/stat.h>

#include <cerrno>

#include "ferry/base/error.h"
#include "ferry/base/time.h"
#include "ferry/io/files.h"

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

// The StateError a SQLite error code stands for, if any.
std::optional<StateError> classify(int code, const std::string& what, const std::string& path,
                                   std::chrono::milliseconds busy_timeout) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StateError(StateError::Cause::kLocked,
                        "the state file " + path +
                            " is locked by another program (an open sqlite3 transaction or a "
                            "backup?); gave up after waiting " +
                            wait_text(busy_timeout) + ": " + what);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_IOERR:
      return StateError(StateError::Cause::kBroken,
                        "the state file " + path + " cannot be used: " + what);
    default:
      return std::nullopt;
  }
}

StateError broken(const std::string& path, const std::string& why) {
  return StateError(StateError::Cause::kBroken, "the state file " + path + " " + why);
}

// SQLite's complaint as a StateError (the file's fault), else a permanent OperationError.
[[noreturn]] void rethrow_state_error(const SQLite::Exception& e, const std::string& path,
                                      std::chrono::milliseconds busy_timeout) {
  if (auto se = classify(e.getErrorCode(), e.what(), path, busy_timeout)) throw *se;
  throw OperationError(FailureKind::kPermanent, "state " + path + ": " + e.what());
}

}  // namespace

std::optional<StateError> Store::error_of(const std::exception& e) const {
  if (auto* se = dynamic_cast<const StateError*>(&e)) return *se;
  if (auto* le = dynamic_cast<const SQLite::Exception*>(&e))
    return classify(le->getErrorCode(), le->what(), path_, busy_timeout_);
  return std::nullopt;
}

std::optional<StateFullError> Store::disk_full_error(const std::exception& e) {
  std::optional<StateFullError> full;
  if (const auto* known = dynamic_cast<const StateFullError*>(&e)) {
    full = *known;
  } else if (const auto* sq = dynamic_cast<const SQLite::Exception*>(&e)) {
    int code = sq->getErrorCode() & 0xff;
    int sys = db_ && code == SQLITE_IOERR ? sqlite3_system_errno(db_->getHandle()) : 0;
    if (code == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT)
      full = StateFullError("state " + path_ + ": the disk is full (" + sq->what() +
                            "); nothing more is recorded until space is freed there");
  }
  if (full && !disk_full_) disk_full_ = full;
  return full;
}

void Store::rethrow(const SQLite::Exception& e) {
  if (auto full = disk_full_error(e)) throw *full;
  rethrow_state_error(e, path_, busy_timeout_);
}

Store::Store(const std::string& dir, const std::vector<Component>& components, Scrubber scrubber,
             std::chrono::milliseconds busy_timeout)
    : path_(dir + "/ferry.db"), busy_timeout_(busy_timeout), scrubber_(std::move(scrubber)) {
  io::make_dirs(dir);
  // Without its main file a WAL cannot be applied: opening would make an empty state and lose
  // (or later misapply) what the WAL holds.
  if (!exists(path_) && exists(path_ + "-wal"))
    throw broken(path_, "is missing but its write-ahead log " + path_ +
                            "-wal is there: restore ferry.db (e.g. from a `ferry backup` copy), "
                            "or move " +
                            path_ + "-wal and -shm away to start an empty state");
  try {
    open();
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
  for (const auto& c : components) migrate(c);
}

void Store::open() {
  db_ = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db_->setBusyTimeout(static_cast<int>(busy_timeout_.count()));
  if (sqlite3_db_readonly(db_->getHandle(), "main") == 1)
    throw broken(path_, "is read-only: ferry needs to write it (check its owner and mode)");
  db_->exec("PRAGMA journal_mode=WAL");
  // FULL: a commit is on disk before ferry acts on it (e.g. deletes data on a server).
  db_->exec("PRAGMA synchronous=FULL");
  // A five-minute process should not checkpoint the WAL on every exit (two more fsyncs and a
  // file delete); `ferry run` checkpoints once at its end (checkpoint()), and SQLite on its own
  // once the WAL reaches 1000 pages.
  sqlite3_db_config(db_->getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  db_->exec("PRAGMA foreign_keys=ON");
  migrate_core();
}

Store::~Store() = default;

void Store::transaction(const std::function<void()>& fn) {
  try {
    if (depth_ > 0) {
      SQLite::Savepoint sp(*db_, "nested_" + std::to_string(depth_));
      ++depth_;
      try {
        fn();
      } catch (...) {
        --depth_;
        throw;
      }
      --depth_;
      sp.release();
      return;
    }
    // IMMEDIATE: take the write lock up front (waiting out the busy timeout) instead of
    // failing when a read transaction upgrades.
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    depth_ = 1;
    try {
      fn();
    } catch (...) {
      depth_ = 0;
      throw;
    }
    depth_ = 0;
    tx.commit();
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
}

void Store::trace(std::function<void(const std::string&)> fn) {
  trace_ = std::move(fn);
  if (!trace_) {
    sqlite3_trace_v2(db_->getHandle(), 0, nullptr, nullptr);
    return;
  }
  auto on_statement = [](unsigned, void* self, void* stmt, void*) -> int {
    const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
    if (sql) static_cast<Store*>(self)->trace_(sql);
    return 0;
  };
  sqlite3_trace_v2(db_->getHandle(), SQLITE_TRACE_STMT, on_statement, this);
}

bool Store::checkpoint() {
  try {
    // No busy handler: a reader or writer in the way makes the call return at once (busy).
    db_->setBusyTimeout(0);
    SQLite::Statement q(*db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    bool done = q.executeStep();
    // busy, frames in the WAL, frames copied into the file
    done =
        done && q.getColumn(0).getInt() == 0 && q.getColumn(1).getInt() == q.getColumn(2).getInt();
    q.reset();
    db_->setBusyTimeout(static_cast<int>(busy_timeout_.count()));
    return done;
  } catch (const SQLite::Exception& e) {
    db_->setBusyTimeout(static_cast<int>(busy_timeout_.count()));
    rethrow(e);
  }
}

int Store::schema_version() {
  try {
    return db_->execAndGet("PRAGMA user_version").getInt();
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
}

int Store::component_version(const std::string& component) {
  try {
    SQLite::Statement q(*db_, "SELECT version FROM schema_versions WHERE component = ?");
    q.bind(1, component);
    return q.executeStep() ? q.getColumn(0).getInt() : 0;
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
}

std::string Store::integrity_check() {
  try {
    return db_->execAndGet("PRAGMA integrity_check").getString();
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
}

void Store::migrate_core() {
  int current = schema_version();
  const auto& all = migrations();
  int newest = all.empty() ? 0 : all.back().version;
  if (current > newest) {
    throw broken(path_, "has schema version " + std::to_string(current) +
                            " but this ferry knows only up to " + std::to_string(newest) +
                            "; use a newer ferry");
  }
  for (const auto& m : all) {
    if (m.version <= current) continue;
    // IMMEDIATE so two processes opening a fresh file do not both migrate.
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (db_->execAndGet("PRAGMA user_version").getInt() < m.version) {
      db_->exec(m.sql);
      db_->exec("PRAGMA user_version = " + std::to_string(m.version));
    }
    tx.commit();
  }
}

void Store::migrate(const Component& component) {
  try {
    int newest = component.migrations.empty() ? 0 : component.migrations.back().version;
    int current = component_version(component.name);
    if (current > newest)
      throw broken(path_, "has " + component.name + " schema version " + std::to_string(current) +
                              " but this ferry knows only up to " + std::to_string(newest) +
                              "; use a newer ferry");
    for (const auto& m : component.migrations) {
      if (m.version <= current) continue;
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      if (component_version(component.name) < m.version) {
        db_->exec(m.sql);
        SQLite::Statement up(*db_,
                             "INSERT INTO schema_versions (component, version) VALUES (?, ?) "
                             "ON CONFLICT (component) DO UPDATE SET version = excluded.version");
        up.bind(1, component.name);
        up.bind(2, m.version);
        up.exec();
      }
      tx.commit();
    }
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
}

}  // namespace ferry::state
