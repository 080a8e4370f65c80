// The runner and a state file locked by another program past the busy timeout.
#include <gtest/gtest.h>
#include "ferry/sql/statement.h"

#include "core/runner_fixture.h"
#include "support/postgres.h"

namespace ferry::core::testing {
namespace {

TEST_F(RunnerTest, StateLockedPastTheRunStopsItAndTheNextRunCountsNoFailure) {
  FERRY_SQLITE_ONLY();                     // another program holding the SQLite file's write lock
  std::unique_ptr<sql::Connection> other;  // another program, as `sqlite3` with BEGIN IMMEDIATE
  bool taken = false;
  add_counting(3, 1ms, [&](state::Job& job) {
    if (job.progress_done == 1 && !taken) {
      taken = true;
      other = sql::open_sqlite(store_.path(), false);
      other->exec("BEGIN IMMEDIATE");
    }
  });
  int64_t a = enqueue("count");
  try {
    run();
    FAIL() << "the run went on";
  } catch (const state::StateError& e) {
    EXPECT_TRUE(e.locked()) << e.what();
  }
  EXPECT_EQ(state::UnrecordedRuns(store_).ids(), std::vector<int64_t>{1});
  other.reset();  // closed: its transaction rolls back and the lock is gone

  RunReport r = run();
  EXPECT_EQ(r.outcome(), "ok");
  EXPECT_EQ(jobs_.get(a)->status, JobStatus::kSucceeded);
  EXPECT_EQ(jobs_.get(a)->failures, 0);
  EXPECT_EQ(jobs_.get(a)->progress_done, 3);
  EXPECT_EQ(state::RunStore(store_).recent(2).back().outcome, "interrupted");
  EXPECT_TRUE(state::UnrecordedRuns(store_).ids().empty());
  EXPECT_TRUE(alerts_.events.empty());
}

}  // namespace
}  // namespace ferry::core::testing
