#include "ferry/state/store.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include "ferry/base/error.h"
#include "ferry/io/files.h"

namespace ferry::state {

Store::Store(const std::string& dir) : path_(dir + "/ferry.db") {
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
    migrate();
  } catch (const SQLite::Exception& e) {
    throw OperationError(FailureKind::kPermanent, "state " + path_ + ": " + e.what());
  }
}

Store::~Store() = default;

void Store::transaction(const std::function<void()>& fn) {
  SQLite::Transaction tx(*db_);
  fn();
  tx.commit();
}

int Store::schema_version() {
  return db_->execAndGet("PRAGMA user_version").getInt();
}

std::string Store::integrity_check() {
  return db_->execAndGet("PRAGMA integrity_check").getString();
}

void Store::migrate() {
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
    // BEGIN IMMEDIATE so two processes opening a fresh file do not both migrate.
    db_->exec("BEGIN IMMEDIATE");
    try {
      if (db_->execAndGet("PRAGMA user_version").getInt() < m.version) {
        db_->exec(m.sql);
        db_->exec("PRAGMA user_version = " + std::to_string(m.version));
      }
      db_->exec("COMMIT");
    } catch (...) {
      db_->exec("ROLLBACK");
      throw;
    }
  }
}

}  // namespace ferry::state
