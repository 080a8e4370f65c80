#include "ferry/state/integrity.h"

#include <sqlite3.h>
#include <unistd.h>

#include "ferry/sql/statement.h"

namespace ferry::state {

std::string check_integrity(const std::string& path, std::chrono::milliseconds busy_timeout) {
  if (::access(path.c_str(), F_OK) != 0) return "no such file";
  try {
    auto db = sql::open_sqlite(path, false, static_cast<int>(busy_timeout.count()), true);
    // A read-only connection cannot checkpoint; say so, so that closing never tries.
    sqlite3_db_config(db->sqlite_handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // At most 5 complaints: enough to say what is wrong, and a broken file stays quick.
    sql::Statement q(*db, "PRAGMA integrity_check(5)");
    std::string out;
    while (q.step()) {
      std::string line = q.column(0).text();
      if (line == "ok") continue;
      out += (out.empty() ? "" : "; ") + line;
    }
    return out;
  } catch (const sql::Error& e) {
    return e.detail();
  }
}

}  // namespace ferry::state
