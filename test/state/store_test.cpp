#include "ferry/state/store.h"

#include <gtest/gtest.h>
#include "ferry/sql/statement.h"

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::state {
namespace {

using ferry::testing::file_exists;
using ferry::testing::TempDir;
using ferry::testing::write_file;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint(seconds(1452470700));  // 2016-01-11T00:05:00Z

std::set<std::string> schema_objects(Store& store, const std::string& type) {
  sql::Statement q(store.db(),
                   "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%'");
  q.bind(1, type);
  std::set<std::string> out;
  while (q.step()) out.insert(q.column(0).text());
  return out;
}

std::set<std::string> columns(Store& store, const std::string& table) {
  sql::Statement q(store.db(), "SELECT name FROM pragma_table_info(?)");
  q.bind(1, table);
  std::set<std::string> out;
  while (q.step()) out.insert(q.column(0).text());
  return out;
}

int latest_version() {
  return migrations().back().version;
}

TEST(StoreTest, MigrationsAreNumberedFromOneWithoutGaps) {
  const auto& all = migrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_NE(all[i].name, nullptr);
    EXPECT_NE(all[i].sql, nullptr);
  }
}

TEST(StoreTest, FreshDirectoryIsCreatedAndMigratedToLatest) {
  TempDir dir;
  std::string state = dir / "nested/state";
  Store store(state);
  EXPECT_EQ(store.path(), state + "/ferry.db");
  EXPECT_TRUE(file_exists(state + "/ferry.db"));
  EXPECT_EQ(store.schema_version(), latest_version());
  EXPECT_GE(store.schema_version(), 1);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST(StoreTest, EmptyDatabaseGetsCoreTablesAndViews) {
  TempDir dir;
  Store store(dir.path());
  auto tables = schema_objects(store, "table");
  for (const char* t : {"runs", "jobs", "job_outputs", "marks", "schedule", "alerts", "alert_keys"})
    EXPECT_EQ(tables.count(t), 1u) << t;
  auto views = schema_objects(store, "view");
  for (const char* v : {"queue_depth", "failed_jobs", "recent_runs", "pending_alerts"})
    EXPECT_EQ(views.count(v), 1u) << v;
  // Every view compiles against the tables.
  for (const auto& v : views) {
    sql::Statement q(store.db(), "SELECT count(*) FROM " + v);
    EXPECT_TRUE(q.step()) << v;
    EXPECT_EQ(q.column(0).integer(), 0) << v;
  }
}

TEST(StoreTest, JobsTableHasOperatorReadableColumns) {
  TempDir dir;
  Store store(dir.path());
  auto cols = columns(store, "jobs");
  for (const char* c : {"id", "kind", "status", "from_date", "to_date", "params", "attempts",
                        "failures", "crashes", "progress_done", "progress_total", "checkpoint",
                        "error", "created_at", "started_at", "finished_at", "updated_at"})
    EXPECT_EQ(cols.count(c), 1u) << c;
  auto outputs = columns(store, "job_outputs");
  for (const char* c : {"job_id", "name", "path", "s3_key", "size", "sha256", "link"})
    EXPECT_EQ(outputs.count(c), 1u) << c;
}

TEST(StoreTest, StatusWordsAreEnforced) {
  TempDir dir;
  Store store(dir.path());
  EXPECT_THROW(store.db().exec("INSERT INTO jobs(kind, status, created_at, updated_at) "
                               "VALUES ('x', 'done', 't', 't')"),
               sql::Error);
  EXPECT_THROW(store.db().exec("INSERT INTO runs(started_at, pid, outcome) VALUES ('t', 1, 'ok!')"),
               sql::Error);
}

TEST(StoreTest, UsesWalBusyTimeoutAndForeignKeys) {
  TempDir dir;
  Store store(dir.path());
  EXPECT_EQ(sql::Field(store.db().scalar("PRAGMA journal_mode")).text(), "wal");
  EXPECT_GT(sql::Field(store.db().scalar("PRAGMA busy_timeout")).integer(), 0);
  EXPECT_EQ(sql::Field(store.db().scalar("PRAGMA foreign_keys")).integer(), 1);
}

TEST(StoreTest, ReopeningIsIdempotentAndKeepsData) {
  TempDir dir;
  int64_t id = 0;
  {
    Store store(dir.path());
    JobStore jobs(store);
    id = jobs.enqueue("test", "2016-01-01", "2016-01-02", "{}", kT0);
  }
  for (int i = 0; i < 2; ++i) {
    Store store(dir.path());
    EXPECT_EQ(store.schema_version(), latest_version());
    EXPECT_EQ(store.integrity_check(), "ok");
    JobStore jobs(store);
    auto job = jobs.get(id);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->kind, "test");
    EXPECT_EQ(sql::Field(store.db().scalar("SELECT count(*) FROM jobs")).integer(), 1);
  }
}

TEST(StoreTest, TwoOpenStoresOnOneFileAgree) {
  TempDir dir;
  Store a(dir.path());
  Store b(dir.path());
  EXPECT_EQ(a.schema_version(), b.schema_version());
  JobStore(a).enqueue("k", "", "", "{}", kT0);
  EXPECT_EQ(JobStore(b).counts().queued, 1);
}

TEST(StoreTest, NewerDatabaseIsRefused) {
  TempDir dir;
  {
    Store store(dir.path());
    store.db().exec("PRAGMA user_version = 99");
  }
  try {
    Store store(dir.path());
    FAIL() << "opened a newer database";
  } catch (const OperationError& e) {
    std::string what = e.what();
    EXPECT_FALSE(e.is_transient());
    EXPECT_NE(what.find(dir.path() + "/ferry.db"), std::string::npos) << what;
    EXPECT_NE(what.find("99"), std::string::npos) << what;
  }
  // Left as it was.
  auto raw_owner = sql::open_sqlite(dir / "ferry.db", true, 5000);
  sql::Connection& raw = *raw_owner;
  EXPECT_EQ(sql::Field(raw.scalar("PRAGMA user_version")).integer(), 99);
}

TEST(StoreTest, NonDatabaseFileIsRefusedWithItsPath) {
  TempDir dir;
  write_file(dir / "ferry.db", std::string(4096, 'x'));
  try {
    Store store(dir.path());
    FAIL() << "opened a file that is not a database";
  } catch (const OperationError& e) {
    EXPECT_NE(std::string(e.what()).find(dir / "ferry.db"), std::string::npos) << e.what();
  }
}

TEST(StoreTest, PartiallyMigratedDatabaseIsCompleted) {
  // A database at version 0 that already has unrelated content gets the migrations.
  TempDir dir;
  {
    auto raw_owner = sql::open_sqlite(dir / "ferry.db", true);
    sql::Connection& raw = *raw_owner;
    raw.exec("CREATE TABLE operator_notes(t TEXT)");
  }
  Store store(dir.path());
  EXPECT_EQ(store.schema_version(), latest_version());
  EXPECT_EQ(schema_objects(store, "table").count("operator_notes"), 1u);
  EXPECT_EQ(schema_objects(store, "table").count("jobs"), 1u);
}

TEST(StoreTest, TransactionCommitsOnReturn) {
  TempDir dir;
  Store store(dir.path());
  MarkStore marks(store);
  store.transaction([&] { marks.set("mindtrails:prod", "users", "41", kT0); });
  EXPECT_EQ(marks.get("mindtrails:prod", "users"), "41");
}

TEST(StoreTest, TransactionRollsBackWhenFnThrows) {
  TempDir dir;
  Store store(dir.path());
  MarkStore marks(store);
  marks.set("mindtrails:prod", "users", "10", kT0);
  EXPECT_THROW(store.transaction([&] {
    marks.set("mindtrails:prod", "users", "41", kT0);
    marks.set("mindtrails:prod", "tasks", "7", kT0);
    throw std::runtime_error("output not durable");
  }),
               std::runtime_error);
  EXPECT_EQ(marks.get("mindtrails:prod", "users"), "10");
  EXPECT_EQ(marks.get("mindtrails:prod", "tasks"), std::nullopt);
  // The store is usable afterwards.
  store.transaction([&] { marks.set("mindtrails:prod", "tasks", "8", kT0); });
  EXPECT_EQ(marks.get("mindtrails:prod", "tasks"), "8");
}

TEST(StoreTest, MarksGetAndSet) {
  TempDir dir;
  Store store(dir.path());
  MarkStore marks(store);
  EXPECT_EQ(marks.get("mindtrails:prod", "users"), std::nullopt);
  marks.set("mindtrails:prod", "users", "100", kT0);
  marks.set("mindtrails:prod", "tasks", "7", kT0);
  marks.set("mindtrails:staging", "users", "3", kT0);
  EXPECT_EQ(marks.get("mindtrails:prod", "users"), "100");
  EXPECT_EQ(marks.get("mindtrails:prod", "tasks"), "7");
  EXPECT_EQ(marks.get("mindtrails:staging", "users"), "3");
  marks.set("mindtrails:prod", "users", "250", kT0 + seconds(60));
  EXPECT_EQ(marks.get("mindtrails:prod", "users"), "250");
  EXPECT_EQ(sql::Field(store.db().scalar("SELECT count(*) FROM marks")).integer(), 3);
  EXPECT_EQ(sql::Field(store.db().scalar("SELECT updated_at FROM marks WHERE source = "
                                         "'mindtrails:prod' AND stream = 'users'"))
                .text(),
            "2016-01-11T00:06:00Z");
}

TEST(StoreTest, ScheduleLastDone) {
  TempDir dir;
  Store store(dir.path());
  RunStore runs(store);
  ScheduleStore schedule(store);
  EXPECT_EQ(schedule.last_done("matomo"), std::nullopt);
  int64_t run = runs.begin(kT0, 42);
  schedule.set_done("matomo", kT0, run);
  EXPECT_EQ(schedule.last_done("matomo"), kT0);
  schedule.set_done("matomo", kT0 + seconds(86400), run);
  EXPECT_EQ(schedule.last_done("matomo"), kT0 + seconds(86400));
  EXPECT_EQ(schedule.last_done("wenet"), std::nullopt);
  EXPECT_EQ(sql::Field(store.db().scalar("SELECT last_done FROM schedule")).text(),
            "2016-01-12T00:05:00Z");
}

TEST(StoreTest, RunsBeginEndAndCrashed) {
  TempDir dir;
  Store store(dir.path());
  RunStore runs(store);
  EXPECT_EQ(runs.last_finished(), std::nullopt);
  int64_t first = runs.begin(kT0, 100);
  RunCounts counts;
  counts.units_done = 4;
  counts.jobs_finished = 1;
  counts.alerts_sent = 2;
  runs.end(first, kT0 + seconds(30), "ok", counts, "all good");
  int64_t dead = runs.begin(kT0 + seconds(300), 101);
  int64_t current = runs.begin(kT0 + seconds(600), 102);
  EXPECT_EQ(runs.mark_crashed(current), 1);
  auto recent = runs.recent(10);
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent[0].id, current);
  EXPECT_EQ(recent[0].outcome, "running");
  EXPECT_EQ(recent[1].id, dead);
  EXPECT_EQ(recent[1].outcome, "crashed");
  EXPECT_EQ(recent[2].id, first);
  EXPECT_EQ(recent[2].outcome, "ok");
  EXPECT_EQ(recent[2].started_at, "2016-01-11T00:05:00Z");
  EXPECT_EQ(recent[2].finished_at, "2016-01-11T00:05:30Z");
  EXPECT_EQ(recent[2].pid, 100);
  EXPECT_EQ(recent[2].counts.units_done, 4);
  EXPECT_EQ(recent[2].counts.jobs_finished, 1);
  EXPECT_EQ(recent[2].counts.alerts_sent, 2);
  EXPECT_EQ(recent[2].note, "all good");
  auto last = runs.last_finished();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->id, dead);
  EXPECT_EQ(runs.recent(1).size(), 1u);
  EXPECT_EQ(sql::Field(store.db().scalar("SELECT count(*) FROM recent_runs")).integer(), 3);
}

}  // namespace
}  // namespace ferry::state

namespace ferry::state {
namespace {

const char* kWidgetsV1 = "CREATE TABLE widgets (id INTEGER PRIMARY KEY);";
const char* kWidgetsV2 = "ALTER TABLE widgets ADD COLUMN name TEXT NOT NULL DEFAULT '';";
const char* kGadgetsV1 = "CREATE TABLE gadgets (id INTEGER PRIMARY KEY);";

TEST(StoreComponentTest, EachComponentHasItsOwnVersion) {
  ferry::testing::TempDir dir;
  {
    Store store(dir.path(), {{"widgets", {{1, "widgets", kWidgetsV1}}},
                             {"gadgets", {{1, "gadgets", kGadgetsV1}}}});
    EXPECT_EQ(store.component_version("widgets"), 1);
    EXPECT_EQ(store.component_version("gadgets"), 1);
    EXPECT_EQ(store.component_version("nothing"), 0);
  }
  // A new migration of one component never renumbers the other or the core.
  Store store(dir.path(), {{"widgets", {{1, "widgets", kWidgetsV1}, {2, "name", kWidgetsV2}}},
                           {"gadgets", {{1, "gadgets", kGadgetsV1}}}});
  EXPECT_EQ(store.component_version("widgets"), 2);
  EXPECT_EQ(store.component_version("gadgets"), 1);
  EXPECT_EQ(store.schema_version(), migrations().back().version);
  store.db().exec("INSERT INTO widgets (name) VALUES ('w')");
}

TEST(StoreComponentTest, NewerComponentSchemaIsRefused) {
  ferry::testing::TempDir dir;
  { Store store(dir.path(), {{"widgets", {{1, "widgets", kWidgetsV1}, {2, "name", kWidgetsV2}}}}); }
  try {
    Store store(dir.path(), {{"widgets", {{1, "widgets", kWidgetsV1}}}});
    FAIL() << "a newer widgets schema was accepted";
  } catch (const OperationError& e) {
    EXPECT_NE(std::string(e.what()).find("widgets schema version 2"), std::string::npos)
        << e.what();
  }
}

// A file made when the CAKE and MindTrails tables were core migrations 3 and 4 keeps them: its
// components start at version 1, so their first migration is not run again.
TEST(StoreComponentTest, FilesFromBeforeComponentsKeepTheirTables) {
  ferry::testing::TempDir dir;
  std::string path = dir / "ferry.db";
  {
    auto db_owner = sql::open_sqlite(path, true);
    sql::Connection& db = *db_owner;
    for (const auto& m : migrations()) {
      if (m.version > 4) break;
      db.exec(m.sql);
    }
    db.exec(
        "CREATE TABLE cake_currencies (admin_url TEXT, currency_id TEXT, abbr TEXT, "
        "fetched_at TEXT, PRIMARY KEY (admin_url, currency_id))");
    db.exec("INSERT INTO cake_currencies VALUES ('https://c', '1', 'USD', 'x')");
    db.exec("PRAGMA user_version = 4");
  }
  Store store(dir.path(), {{"cake", {{1, "currency cache", "CREATE TABLE cake_currencies (x)"}}}});
  EXPECT_EQ(store.component_version("cake"), 1);
  EXPECT_EQ(sql::Field(store.db().scalar("SELECT abbr FROM cake_currencies")).text(), "USD");
  EXPECT_EQ(store.component_version("mindtrails"), 0);
}

TEST(StoreComponentTest, NestedTransactionsAreSavepoints) {
  ferry::testing::TempDir dir;
  ferry::testing::TestStore store(dir.path(), {{"widgets", {{1, "widgets", kWidgetsV1}}}});
  store.transaction([&] {
    store.db().exec("INSERT INTO widgets (id) VALUES (1)");
    try {
      store.transaction([&] {
        store.db().exec("INSERT INTO widgets (id) VALUES (2)");
        throw std::runtime_error("inner fails");
      });
    } catch (const std::runtime_error&) {
    }
    store.transaction([&] { store.db().exec("INSERT INTO widgets (id) VALUES (3)"); });
  });
  std::vector<int64_t> ids;
  store.db().query("SELECT id FROM widgets ORDER BY id", {},
                   [&](const sql::Row& r) { ids.push_back(std::get<int64_t>(r[0])); });
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 3}));
}

}  // namespace
}  // namespace ferry::state
