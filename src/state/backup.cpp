// `Store::backup`: SQLite's online backup into a temp file that is renamed into place.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "ferry/io/files.h"
#include "ferry/state/store.h"

namespace ferry::state {

void Store::backup(const std::string& file) {
  sqlite3* from = db_->sqlite_handle();
  if (!from)
    throw OperationError(FailureKind::kPermanent,
                         "ferry backup copies a SQLite state; " + path_ +
                             " is PostgreSQL: copy it with pg_dump, or to a SQLite file with "
                             "`ferry state migrate --to sqlite:PATH`");
  io::AtomicFile out(file);  // an empty temp file beside `file`: a valid empty database
  const std::string temp = out.temp_path();
  try {
    {
      auto copy = sql::open_sqlite(temp, false, static_cast<int>(busy_timeout_.count()));
      sqlite3* to = copy->sqlite_handle();
      sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
      if (!backup)
        throw sql::Error("sqlite " + temp, sqlite3_errmsg(to), sql::Error::Cause::kOther);
      // All pages in one step: the source is read in one read transaction, so the copy is one
      // consistent moment of the state even while a run writes to it.
      // A busy or locked source is retried (SQLite's backup does not use the busy timeout).
      auto deadline = std::chrono::steady_clock::now() + busy_timeout_;
      int rc = sqlite3_backup_step(backup, -1);
      while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
             std::chrono::steady_clock::now() <= deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        rc = sqlite3_backup_step(backup, -1);
      }
      sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE) {
        bool busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
        throw sql::Error("sqlite " + path_,
                         std::string("the backup could not read the state: ") + sqlite3_errstr(rc),
                         busy ? sql::Error::Cause::kBusy : sql::Error::Cause::kOther);
      }
    }  // closed: its rollback journal is gone and every page is written
    out.commit();
  } catch (const sql::Error& e) {
    std::remove((temp + "-journal").c_str());
    if (auto se = error_of(e)) throw *se;
    throw OperationError(FailureKind::kPermanent,
                         "backup of " + path_ + " to " + file + ": " + e.what());
  }
}

}  // namespace ferry::state
