// The idle tick on a state with a long history, through the real binary: every statement it
// runs (FERRY_TEST_SQL_TRACE) is looked at with EXPLAIN QUERY PLAN, and none may read a table
// that grows with history (runs, jobs, alerts, run_stats, job_outputs) in full. The tick that
// prunes history is checked the same way.
#include <gtest/gtest.h>

#include "ferry/sql/statement.h"

#include <set>
#include <sstream>

#include "e2e/ferry_fixture.h"
#include "support/postgres.h"

namespace ferry::testing {
namespace {

// History: 3,000 finished runs with stats, 1,000 finished jobs with outputs, 1,000 sent alerts.
void add_history(const std::string& db_path) {
  auto db_owner = sql::open_sqlite(db_path, false, 5000);
  sql::Connection& db = *db_owner;
  db.exec("PRAGMA foreign_keys=OFF");  // as sqlite3 opens it
  db.exec(R"sql(
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
    INSERT INTO runs(started_at, finished_at, outcome, pid)
      SELECT strftime('%Y-%m-%dT%H:%M:%SZ', '2024-01-01', '+' || (i * 5) || ' minutes'),
             strftime('%Y-%m-%dT%H:%M:%SZ', '2024-01-01', '+' || (i * 5) || ' minutes'),
             'ok', 1 FROM n;
    INSERT OR IGNORE INTO run_stats(run_id, name, value) SELECT id, 'rows', 1 FROM runs;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
    INSERT INTO jobs(kind, status, run_id, created_at, finished_at, updated_at)
      SELECT 'selftest', 'succeeded', i, '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z',
             '2024-01-02T00:00:00Z' FROM n;
    INSERT INTO job_outputs(job_id, name, created_at) SELECT id, 'a.csv', created_at FROM jobs;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
    INSERT INTO alerts(key, subject, body, created_at, status, sent_at)
      SELECT 'k' || i, 's', 'b', '2024-01-01T00:00:00Z', 'sent', '2024-01-01T00:00:00Z' FROM n;
    ANALYZE;
  )sql");
}

// The plan lines of `sql` that read a growing table in full, each prefixed with the statement.
std::vector<std::string> full_scans(sql::Connection& db, const std::string& sql) {
  static const std::set<std::string> kGrowing = {"runs", "jobs", "alerts", "run_stats",
                                                 "job_outputs"};
  static const std::set<std::string> kPartial = {"runs_running", "alerts_pending"};
  std::vector<std::string> out;
  sql::Statement q(db, "EXPLAIN QUERY PLAN " + sql);
  while (q.step()) {
    std::string detail = q.column(3).text();
    if (detail.rfind("SCAN ", 0) != 0) continue;
    std::istringstream words(detail.substr(5));
    std::string table;
    words >> table;
    // A partial index holds only rows still in play (runs running, alerts pending): reading it
    // whole costs what is in play, not the history.
    std::string using_, index, name;
    words >> using_ >> index;
    if (index == "COVERING") words >> index;
    words >> name;
    if (using_ == "USING" && kPartial.count(name)) continue;
    if (kGrowing.count(table)) out.push_back(detail + "  <-  " + sql);
  }
  return out;
}

std::vector<std::string> statements(const std::string& trace) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  std::istringstream in(trace);
  for (std::string line; std::getline(in, line);) {
    for (const char* skip :
         {"PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "ANALYZE", "-- "})
      if (line.rfind(skip, 0) == 0) line.clear();
    if (!line.empty() && seen.insert(line).second) out.push_back(line);
  }
  return out;
}

TEST(HistoryE2E, IdleTickAndPruningReadNoGrowingTableInFull) {
  FERRY_SQLITE_ONLY();
  FerryEnv f("[alerts]\nto = []\n[state]\nkeep_history = \"400d\"\nkeep_jobs = \"400d\"\n");
  f.env["FERRY_NOW"] = "2026-11-30T12:00:00Z";  // yesterday's run: today's prune is not done
  ASSERT_EQ(f.run({"run"}).exit_code, 0);
  add_history(f.path("state/ferry.db"));
  f.env["FERRY_NOW"] = "2026-12-01T12:00:00Z";
  f.env["FERRY_TEST_SQL_TRACE"] = f.path("trace.sql");
  RunResult pruning = f.run({"run"});  // prunes: the first run of the day with old history
  ASSERT_EQ(pruning.exit_code, 0) << pruning.err;
  EXPECT_EQ(f.sql("SELECT count(*) FROM runs"), "2");  // yesterday's and today's
  EXPECT_EQ(f.sql("SELECT count(*) FROM jobs"), "0");
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts"), "0");
  add_history(f.path("state/ferry.db"));  // old history again: today's prune is done
  RunResult idle = f.run({"run"});
  ASSERT_EQ(idle.exit_code, 0) << idle.err;
  EXPECT_EQ(f.sql("SELECT count(*) FROM runs"), "3003");  // pruned once a day only

  auto traced = statements(read_file(f.path("trace.sql")));
  ASSERT_GT(traced.size(), 10u);
  bool saw_crash_check = false, saw_prune = false;
  auto db_owner = sql::open_sqlite(f.path("state/ferry.db"), false, 5000, true);
  sql::Connection& db = *db_owner;
  std::vector<std::string> scans;
  for (const auto& sql : traced) {
    saw_crash_check |= sql.find("outcome = 'crashed'") != std::string::npos;
    saw_prune |= sql.find("DELETE FROM runs") != std::string::npos;
    for (auto& s : full_scans(db, sql)) scans.push_back(s);
  }
  EXPECT_TRUE(saw_crash_check);
  EXPECT_TRUE(saw_prune);
  std::string all;
  for (const auto& s : scans) all += s + "\n";
  EXPECT_TRUE(scans.empty()) << all;
}

}  // namespace
}  // namespace ferry::testing
