#include "ferry/state/store.h"

#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <cerrno>

#include "ferry/base/error.h"
#include "ferry/io/files.h"

namespace ferry::state {

namespace {

// SQLite's complaint as an OperationError: a busy or locked database may pass (transient),
// anything else will not (permanent). A full disk is Store::disk_full_error's.
OperationError translate(const SQLite::Exception& e, const std::string& path) {
  int code = e.getErrorCode() & 0xff;
  bool busy = code == SQLITE_BUSY || code == SQLITE_LOCKED;
  return OperationError(
      busy ? FailureKind::kTransient : FailureKind::kPermanent,
      "state " + path + ": " + e.what() + (busy ? " (another program holds a lock on it)" : ""));
}

}  // namespace

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
  throw translate(e, path_);
}

Store::Store(const std::string& dir, const std::vector<Component>& components, Scrubber scrubber)
    : path_(dir + "/ferry.db"), scrubber_(std::move(scrubber)) {
  io::make_dirs(dir);
  try {
    db_ = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db_->setBusyTimeout(10'000);
    db_->exec("PRAGMA journal_mode=WAL");
    // FULL: a commit is on disk before ferry acts on it (e.g. deletes data on a server).
    db_->exec("PRAGMA synchronous=FULL");
    // A five-minute process should not checkpoint the WAL on every exit (two more fsyncs and a
    // file delete); SQLite checkpoints automatically once the WAL reaches 1000 pages.
    sqlite3_db_config(db_->getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    db_->exec("PRAGMA foreign_keys=ON");
    migrate_core();
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
  for (const auto& c : components) migrate(c);
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

int Store::schema_version() {
  return db_->execAndGet("PRAGMA user_version").getInt();
}

int Store::component_version(const std::string& component) {
  SQLite::Statement q(*db_, "SELECT version FROM schema_versions WHERE component = ?");
  q.bind(1, component);
  return q.executeStep() ? q.getColumn(0).getInt() : 0;
}

std::string Store::integrity_check() {
  return db_->execAndGet("PRAGMA integrity_check").getString();
}

void Store::migrate_core() {
  int current = schema_version();
  const auto& all = migrations();
  int newest = all.empty() ? 0 : all.back().version;
  if (current > newest) {
    throw OperationError(FailureKind::kPermanent,
                         "state " + path_ + " has schema version " + std::to_string(current) +
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
      throw OperationError(FailureKind::kPermanent,
                           "state " + path_ + " has " + component.name + " schema version " +
                               std::to_string(current) + " but this ferry knows only up to " +
                               std::to_string(newest) + "; use a newer ferry");
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
