// `Store::backup`: SQLite's online backup into a temp file that is renamed into place.
#include <SQLiteCpp/Backup.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "ferry/io/files.h"
#include "ferry/state/store.h"

namespace ferry::state {

void Store::backup(const std::string& file) {
  io::AtomicFile out(file);  // an empty temp file beside `file`: a valid empty database
  const std::string temp = out.temp_path();
  try {
    {
      SQLite::Database copy(temp, SQLite::OPEN_READWRITE);
      copy.setBusyTimeout(static_cast<int>(busy_timeout_.count()));
      SQLite::Backup backup(copy, "main", *db_, "main");
      // All pages in one step: the source is read in one read transaction, so the copy is one
      // consistent moment of the state even while a run writes to it.
      // A busy or locked source is retried (SQLite's backup does not use the busy timeout).
      auto deadline = std::chrono::steady_clock::now() + busy_timeout_;
      int rc = backup.executeStep(-1);
      while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (std::chrono::steady_clock::now() > deadline)
          throw SQLite::Exception("the backup could not read the state", rc);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        rc = backup.executeStep(-1);
      }
    }  // closed: its rollback journal is gone and every page is written
    out.commit();
  } catch (const SQLite::Exception& e) {
    std::remove((temp + "-journal").c_str());
    if (auto se = error_of(e)) throw *se;
    throw OperationError(FailureKind::kPermanent,
                         "backup of " + path_ + " to " + file + ": " + e.what());
  }
}

}  // namespace ferry::state
