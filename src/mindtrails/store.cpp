#include "ferry/mindtrails/store.h"

#include "ferry/sql/statement.h"

namespace ferry::mindtrails {
namespace {

const char* kTables = R"sql(
CREATE TABLE mindtrails_tables (
  server      TEXT NOT NULL,
  name        TEXT NOT NULL,                -- the server's table name, exact
  deleteable  INTEGER NOT NULL DEFAULT 1,   -- 0 once the server answered 403 to a delete
  csv_path    TEXT NOT NULL DEFAULT '',     -- the CSV rows are appended to now
  csv_size    INTEGER NOT NULL DEFAULT 0,   -- its size when the benchmark last moved
  csv_header  TEXT NOT NULL DEFAULT '',     -- its header (JSON array of keys)
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (server, name)
);

CREATE TABLE mindtrails_deletes (
  server      TEXT NOT NULL,
  name        TEXT NOT NULL,
  row_id      INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending','deleted','gone','kept')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (server, name, row_id)
);
CREATE INDEX mindtrails_deletes_pending ON mindtrails_deletes(server, status);
)sql";

const char* kSnapshots = R"sql(
CREATE TABLE mindtrails_snapshots (
  server      TEXT NOT NULL,
  name        TEXT NOT NULL,                -- a table whose rows have no integer id
  csv_path    TEXT NOT NULL,                -- the file the last snapshot was written to
  csv_size    INTEGER NOT NULL,             -- its size then
  sha256      TEXT NOT NULL,                -- hex SHA-256 of the reply body it was made from
  rows        INTEGER NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (server, name)
);
)sql";

}  // namespace

std::vector<state::Migration> migrations() {
  return {{1, "table state, pending deletes", kTables},
          {2, "snapshots of tables without ids", kSnapshots}};
}

const char* delete_status_name(DeleteStatus s) {
  switch (s) {
    case DeleteStatus::kPending:
      return "pending";
    case DeleteStatus::kDeleted:
      return "deleted";
    case DeleteStatus::kGone:
      return "gone";
    case DeleteStatus::kKept:
      return "kept";
  }
  return "pending";
}

std::optional<MindTrailsTable> MindTrailsStore::table(const std::string& server,
                                                      const std::string& name) {
  sql::Statement q(store_.db(),
                   "SELECT deleteable, csv_path, csv_size, csv_header FROM mindtrails_tables "
                   "WHERE server = ? AND name = ?");
  q.bind(1, server);
  q.bind(2, name);
  if (!q.step()) return std::nullopt;
  MindTrailsTable t;
  t.server = server;
  t.name = name;
  t.deleteable = q.column(0).integer() != 0;
  t.csv_path = q.column(1).text();
  t.csv_size = q.column(2).int64();
  t.csv_header = q.column(3).text();
  return t;
}

void MindTrailsStore::save_table(const MindTrailsTable& t, TimePoint now) {
  sql::Statement q(store_.db(),
                   "INSERT INTO mindtrails_tables(server, name, deleteable, csv_path, csv_size, "
                   "csv_header, updated_at) VALUES (?,?,?,?,?,?,?) "
                   "ON CONFLICT(server, name) DO UPDATE SET deleteable = excluded.deleteable, "
                   "csv_path = excluded.csv_path, csv_size = excluded.csv_size, "
                   "csv_header = excluded.csv_header, updated_at = excluded.updated_at");
  q.bind(1, t.server);
  q.bind(2, t.name);
  q.bind(3, t.deleteable ? 1 : 0);
  q.bind(4, t.csv_path);
  q.bind(5, t.csv_size);
  q.bind(6, t.csv_header);
  q.bind(7, format_iso8601(now));
  q.run();
}

std::optional<MindTrailsSnapshot> MindTrailsStore::snapshot(const std::string& server,
                                                            const std::string& name) {
  sql::Statement q(store_.db(),
                   "SELECT csv_path, csv_size, sha256, rows FROM mindtrails_snapshots "
                   "WHERE server = ? AND name = ?");
  q.bind(1, server);
  q.bind(2, name);
  if (!q.step()) return std::nullopt;
  return MindTrailsSnapshot{server,
                            name,
                            q.column(0).text(),
                            q.column(1).int64(),
                            q.column(2).text(),
                            q.column(3).int64()};
}

void MindTrailsStore::save_snapshot(const MindTrailsSnapshot& s, TimePoint wall) {
  sql::Statement q(store_.db(),
                   "INSERT INTO mindtrails_snapshots(server, name, csv_path, csv_size, sha256, "
                   "rows, updated_at) VALUES (?,?,?,?,?,?,?) "
                   "ON CONFLICT(server, name) DO UPDATE SET csv_path = excluded.csv_path, "
                   "csv_size = excluded.csv_size, sha256 = excluded.sha256, "
                   "rows = excluded.rows, updated_at = excluded.updated_at");
  q.bind(1, s.server);
  q.bind(2, s.name);
  q.bind(3, s.csv_path);
  q.bind(4, s.csv_size);
  q.bind(5, s.sha256);
  q.bind(6, s.rows);
  q.bind(7, format_iso8601(wall));
  q.run();
}

int MindTrailsStore::queue_deletes(const std::string& server, const std::string& name,
                                   const std::vector<int64_t>& ids, TimePoint now) {
  sql::Statement q(store_.db(),
                   "INSERT INTO mindtrails_deletes(server, name, row_id, status, created_at, "
                   "updated_at) VALUES (?,?,?,'pending',?,?) "
                   "ON CONFLICT(server, name, row_id) DO UPDATE SET status = 'pending', "
                   "attempts = 0, updated_at = excluded.updated_at "
                   "WHERE mindtrails_deletes.status IN ('deleted','gone')");
  const std::string at = format_iso8601(now);
  int queued = 0;
  for (int64_t id : ids) {
    q.bind(1, server);
    q.bind(2, name);
    q.bind(3, id);
    q.bind(4, at);
    q.bind(5, at);
    queued += q.run();
    q.reset();
  }
  return queued;
}

std::vector<MindTrailsDelete> MindTrailsStore::pending_deletes(const std::string& server,
                                                               int limit) {
  sql::Statement q(store_.db(),
                   "SELECT name, row_id, attempts FROM mindtrails_deletes "
                   "WHERE server = ? AND status = 'pending' ORDER BY row_id LIMIT ?");
  q.bind(1, server);
  q.bind(2, limit);
  std::vector<MindTrailsDelete> out;
  while (q.step()) out.push_back({q.column(0).text(), q.column(1).int64(), q.column(2).int64()});
  return out;
}

int64_t MindTrailsStore::count_pending(const std::string& server, const std::string& name) {
  sql::Statement q(store_.db(),
                   "SELECT count(*) FROM mindtrails_deletes "
                   "WHERE server = ? AND name = ? AND status = 'pending'");
  q.bind(1, server);
  q.bind(2, name);
  q.step();
  return q.column(0).int64();
}

void MindTrailsStore::finish_delete(const std::string& server, const std::string& name,
                                    int64_t row_id, DeleteStatus status, const std::string& note,
                                    TimePoint now) {
  sql::Statement q(store_.db(),
                   "UPDATE mindtrails_deletes SET status = ?, attempts = attempts + 1, "
                   "last_error = ?, updated_at = ? WHERE server = ? AND name = ? AND row_id = ?");
  q.bind(1, delete_status_name(status));
  q.bind(2, note);
  q.bind(3, format_iso8601(now));
  q.bind(4, server);
  q.bind(5, name);
  q.bind(6, row_id);
  q.run();
}

int MindTrailsStore::keep_table(const std::string& server, const std::string& name,
                                const std::string& why, TimePoint now) {
  const std::string at = format_iso8601(now);
  sql::Statement t(store_.db(),
                   "INSERT INTO mindtrails_tables(server, name, deleteable, updated_at) "
                   "VALUES (?,?,0,?) ON CONFLICT(server, name) DO UPDATE SET deleteable = 0, "
                   "updated_at = excluded.updated_at");
  t.bind(1, server);
  t.bind(2, name);
  t.bind(3, at);
  t.run();
  sql::Statement q(store_.db(),
                   "UPDATE mindtrails_deletes SET status = 'kept', last_error = ?, "
                   "updated_at = ? WHERE server = ? AND name = ? AND status = 'pending'");
  q.bind(1, why);
  q.bind(2, at);
  q.bind(3, server);
  q.bind(4, name);
  return q.run();
}

}  // namespace ferry::mindtrails
