// The state file in trouble: locked by another connection, corrupt, too new, missing with its
// WAL; the checkpoint, the backup and the runs that could not record their end.
#include <gtest/gtest.h>
#include "ferry/sql/statement.h"

#include <filesystem>
#include <future>

#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "ferry/state/store.h"
#include "support/process.h"

namespace ferry::state {
namespace {

using ferry::testing::file_exists;
using ferry::testing::list_dir;
using ferry::testing::TempDir;
using ferry::testing::write_file;
using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1452470700));

// Another program's connection holding the write lock, as `sqlite3` with BEGIN IMMEDIATE.
struct LockHolder {
  explicit LockHolder(const std::string& path) : db(sql::open_sqlite(path, false)) {
    db->exec("BEGIN IMMEDIATE");
  }
  std::unique_ptr<sql::Connection> db;
};

TEST(StateErrorsTest, LockHeldPastTheBusyTimeoutIsLockedAndInterrupted) {
  TempDir dir;
  Store store(dir.path(), {}, {}, 100ms);
  LockHolder other(store.path());
  try {
    store.transaction([] {});
    FAIL() << "no error";
  } catch (const StateError& e) {
    EXPECT_TRUE(e.locked());
    EXPECT_EQ(e.kind(), FailureKind::kInterrupted);
    EXPECT_NE(std::string(e.what()).find("the state file " + store.path() +
                                         " is locked by another program"),
              std::string::npos)
        << e.what();
  }
  // A statement outside a transaction throws SQLite's exception; error_of maps it the same.
  try {
    JobStore(store).enqueue("k", "", "", "{}", kT0);
    FAIL() << "no error";
  } catch (const std::exception& e) {
    auto se = store.error_of(e);
    ASSERT_TRUE(se.has_value()) << e.what();
    EXPECT_TRUE(se->locked());
    EXPECT_EQ(se->failure().kind, FailureKind::kInterrupted);
  }
  EXPECT_FALSE(store.error_of(std::runtime_error("other")).has_value());
}

TEST(StateErrorsTest, MissingFileWithItsWalIsRefusedNotRecreated) {
  TempDir dir;
  write_file(dir / "ferry.db-wal", std::string(4096, '\0'));
  try {
    Store store(dir.path());
    FAIL() << "opened";
  } catch (const StateError& e) {
    EXPECT_TRUE(e.broken());
    EXPECT_NE(std::string(e.what()).find("ferry.db-wal"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(file_exists(dir / "ferry.db"));
}

TEST(StateErrorsTest, CorruptFileIsBroken) {
  TempDir dir;
  write_file(dir / "ferry.db", std::string(8192, 'x'));
  try {
    Store store(dir.path());
    FAIL() << "opened";
  } catch (const StateError& e) {
    EXPECT_TRUE(e.broken());
    EXPECT_EQ(e.kind(), FailureKind::kPermanent);
    EXPECT_NE(std::string(e.what()).find(dir / "ferry.db"), std::string::npos) << e.what();
  }
}

TEST(StateErrorsTest, NewerSchemaIsBroken) {
  TempDir dir;
  { Store(dir.path()).db().exec("PRAGMA user_version = 999"); }
  try {
    Store store(dir.path());
    FAIL() << "opened";
  } catch (const StateError& e) {
    EXPECT_TRUE(e.broken());
    EXPECT_NE(std::string(e.what()).find("schema version 999"), std::string::npos) << e.what();
  }
}

TEST(StateErrorsTest, CheckpointLeavesEverythingInTheFileItself) {
  TempDir dir, copy;
  {
    Store store(dir.path());
    JobStore(store).enqueue("k", "", "", "{}", kT0);
    EXPECT_TRUE(store.checkpoint());
  }
  std::filesystem::copy_file(dir / "ferry.db", copy / "ferry.db");
  auto db_owner = sql::open_sqlite(copy / "ferry.db", false, 5000, true);
  sql::Connection& db = *db_owner;
  EXPECT_EQ(sql::Field(db.scalar("SELECT count(*) FROM jobs")).integer(), 1);
}

// The next process then opens an empty WAL: nothing to re-read, nothing copied twice.
TEST(StateErrorsTest, CheckpointEmptiesTheWal) {
  TempDir dir;
  Store store(dir.path());
  for (int i = 0; i < 20; ++i) JobStore(store).enqueue("k", "", "", "{}", kT0);
  ASSERT_GT(std::filesystem::file_size(dir / "ferry.db-wal"), 0u);
  EXPECT_TRUE(store.checkpoint());
  EXPECT_EQ(std::filesystem::file_size(dir / "ferry.db-wal"), 0u);
  JobStore(store).enqueue("k", "", "", "{}", kT0);  // the WAL starts again from its start
  EXPECT_LT(std::filesystem::file_size(dir / "ferry.db-wal"), 64u * 1024);
}

// A reader (an operator's sqlite3) in the way: the checkpoint returns at once, copying what it
// can, instead of waiting out the store's busy timeout (ten minutes here).
TEST(StateErrorsTest, CheckpointNeverWaitsForAReader) {
  TempDir dir;
  Store store(dir.path(), {}, {}, std::chrono::minutes(10));
  JobStore(store).enqueue("k", "", "", "{}", kT0);
  auto reader_owner = sql::open_sqlite(dir / "ferry.db", false, 5000, true);
  sql::Connection& reader = *reader_owner;
  reader.exec("BEGIN DEFERRED");
  EXPECT_EQ(sql::Field(reader.scalar("SELECT count(*) FROM jobs")).integer(), 1);
  JobStore(store).enqueue("k", "", "", "{}", kT0);
  auto done = std::async(std::launch::async, [&] { return store.checkpoint(); });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "the checkpoint waited for the reader";
  EXPECT_FALSE(done.get());
  // The reader gone, the next one completes and empties the WAL.
  reader.exec("COMMIT");
  EXPECT_TRUE(store.checkpoint());
  EXPECT_EQ(std::filesystem::file_size(dir / "ferry.db-wal"), 0u);
}

TEST(StateErrorsTest, BackupWritesACompleteCopyAndNoTempFile) {
  TempDir dir, out;
  Store store(dir.path());
  JobStore(store).enqueue("k", "", "", "{}", kT0);
  JobStore(store).enqueue("k", "", "", "{}", kT0);
  store.backup(out / "copy.db");
  EXPECT_EQ(list_dir(out.path()), std::vector<std::string>{"copy.db"});
  auto db_owner = sql::open_sqlite(out / "copy.db", false, 5000, true);
  sql::Connection& db = *db_owner;
  EXPECT_EQ(sql::Field(db.scalar("SELECT count(*) FROM jobs")).integer(), 2);
  EXPECT_EQ(sql::Field(db.scalar("PRAGMA integrity_check")).text(), "ok");
}

TEST(StateErrorsTest, UnrecordedRunsAreClosedAndTheirJobsQueuedWithNoFailure) {
  TempDir dir;
  Store store(dir.path());
  RunStore runs(store);
  JobStore jobs(store);
  int64_t locked_run = runs.begin(kT0, 100), dead_run = runs.begin(kT0, 101);
  int64_t a = jobs.enqueue("k", "", "", "{}", kT0), b = jobs.enqueue("k", "", "", "{}", kT0);
  ASSERT_TRUE(jobs.start(a, locked_run, kT0));
  ASSERT_TRUE(jobs.start(b, dead_run, kT0));

  UnrecordedRuns unrecorded(store);
  EXPECT_TRUE(unrecorded.ids().empty());
  unrecorded.add(locked_run);
  unrecorded.add(locked_run);
  EXPECT_EQ(unrecorded.ids(), std::vector<int64_t>{locked_run});
  EXPECT_EQ(unrecorded.path(), store.path() + ".unrecorded");

  EXPECT_EQ(runs.close_unrecorded(unrecorded.ids(), kT0), 1);
  unrecorded.clear();
  EXPECT_FALSE(file_exists(store.path() + ".unrecorded"));
  EXPECT_EQ(jobs.get(a)->status, JobStatus::kQueued);
  EXPECT_EQ(jobs.get(a)->failures, 0);
  EXPECT_EQ(jobs.get(b)->status, JobStatus::kRunning);  // its run died: not this function's
  EXPECT_EQ(runs.recent(2).back().outcome, "interrupted");
  EXPECT_EQ(runs.recent(2).front().outcome, "running");
}

}  // namespace
}  // namespace ferry::state
