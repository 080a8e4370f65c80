#include "ferry/state/integrity.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <unistd.h>

namespace ferry::state {

std::string check_integrity(const std::string& path, std::chrono::milliseconds busy_timeout) {
  if (::access(path.c_str(), F_OK) != 0) return "no such file";
  try {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    db.setBusyTimeout(static_cast<int>(busy_timeout.count()));
    // A read-only connection cannot checkpoint; say so, so that closing never tries.
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // At most 5 complaints: enough to say what is wrong, and a broken file stays quick.
    SQLite::Statement q(db, "PRAGMA integrity_check(5)");
    std::string out;
    while (q.executeStep()) {
      std::string line = q.getColumn(0).getString();
      if (line == "ok") continue;
      out += (out.empty() ? "" : "; ") + line;
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return e.what();
  }
}

}  // namespace ferry::state
