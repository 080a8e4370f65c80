// Pruning history keeps what is still of use: running, queued and failed jobs, pending alerts,
// kept jobs with their outputs and the runs they name, and the schedule's last runs.
#include "ferry/state/history.h"

#include <gtest/gtest.h>

#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::state {
namespace {

using ferry::testing::TempDir;
using std::chrono::hours;

const TimePoint kNow = *parse_iso8601("2026-12-01T12:00:00Z");
const Seconds kDay{86400};

class HistoryTest : public ::testing::Test {
 protected:
  std::string at(int days_ago) const { return format_iso8601(kNow - days_ago * kDay); }
  int64_t run(int days_ago, const std::string& outcome = "ok") {
    sql::Statement q(store_.db(),
                     "INSERT INTO runs(started_at, finished_at, outcome, pid) "
                     "VALUES (?, ?, ?, 1) RETURNING id");
    q.bind(1, at(days_ago));
    q.bind(2, at(days_ago));
    q.bind(3, outcome);
    int64_t id = q.inserted_id();
    store_.db().exec("INSERT INTO run_stats(run_id, name, value) VALUES (" + std::to_string(id) +
                     ", 'rows', 5)");
    return id;
  }
  int64_t job(const std::string& status, int days_ago, int64_t run_id) {
    sql::Statement q(store_.db(),
                     "INSERT INTO jobs(kind, status, run_id, created_at, finished_at, "
                     "updated_at) VALUES ('k', ?, ?, ?, ?, ?) RETURNING id");
    q.bind(1, status);
    q.bind(2, run_id);
    q.bind(3, at(days_ago));
    if (status == "queued" || status == "running")
      q.bind(4);
    else
      q.bind(4, at(days_ago));
    q.bind(5, at(days_ago));
    int64_t id = q.inserted_id();
    store_.db().exec("INSERT INTO job_outputs(job_id, name, created_at) VALUES (" +
                     std::to_string(id) + ", 'out.csv', '" + at(days_ago) + "')");
    return id;
  }
  void alert(const std::string& status, int days_ago) {
    sql::Statement q(store_.db(),
                     "INSERT INTO alerts(key, subject, body, created_at, status) "
                     "VALUES ('k', 's', 'b', ?, ?)");
    q.bind(1, at(days_ago));
    q.bind(2, status);
    q.run();
  }
  std::string count(const std::string& from_where) {
    return sql::Field(store_.db().scalar("SELECT count(*) FROM " + from_where)).text();
  }
  PruneCounts prune(int keep_history_days, int keep_jobs_days, int batch = 3) {
    HistoryLimits limits;
    limits.keep_history = keep_history_days * kDay;
    limits.keep_jobs = keep_jobs_days * kDay;
    limits.batch = batch;
    return prune_history(store_, kNow, limits, [] { return true; });
  }

  TempDir dir_;
  ferry::testing::TestStore store_{dir_.path()};
};

TEST_F(HistoryTest, OldHistoryGoesAndWhatIsStillOfUseStays) {
  for (int i = 0; i < 10; ++i) run(500 + i);                      // old runs: go
  const int64_t running = run(600, "running");                    // never pruned
  const int64_t named_by_failed = run(700);                       // a failed job names it
  const int64_t named_by_schedule = run(800);                     // the schedule's last run
  const int64_t named_by_kept = run(450);                         // a recent job names it
  for (int i = 0; i < 4; ++i) run(10 + i);                        // young runs: stay
  job("succeeded", 500, run(501));                                // old: goes with its output
  job("cancelled", 500, named_by_kept);                           // old: goes
  const int64_t kept_done = job("succeeded", 20, named_by_kept);  // young: stays
  const int64_t failed = job("failed", 900, named_by_failed);     // failed: stays
  const int64_t queued = job("queued", 900, running);             // queued: stays
  store_.db().exec("INSERT INTO schedule(task, last_done, last_run) VALUES ('t', '', " +
                   std::to_string(named_by_schedule) + ")");
  for (int i = 0; i < 5; ++i) alert("sent", 500);
  alert("suppressed", 500);
  alert("pending", 900);
  alert("sent", 5);

  PruneCounts c = prune(400, 60);
  EXPECT_TRUE(c.complete);
  EXPECT_EQ(c.jobs, 2);
  EXPECT_EQ(c.alerts, 6);
  EXPECT_EQ(c.runs, 11);  // the 10 old ones and the one only the pruned job named
  EXPECT_EQ(c.run_stats, 11);
  EXPECT_EQ(count("runs"), "8");
  for (int64_t id : {running, named_by_failed, named_by_schedule, named_by_kept})
    EXPECT_EQ(count("runs WHERE id = " + std::to_string(id)), "1") << id;
  EXPECT_EQ(count("run_stats"), "8");
  EXPECT_EQ(count("jobs"), "3");
  for (int64_t id : {kept_done, failed, queued})
    EXPECT_EQ(count("job_outputs WHERE job_id = " + std::to_string(id)), "1") << id;
  EXPECT_EQ(count("job_outputs"), "3");
  EXPECT_EQ(count("alerts WHERE status = 'pending'"), "1");
  EXPECT_EQ(count("alerts"), "2");

  // Nothing left to do: a second prune deletes nothing.
  PruneCounts again = prune(400, 60);
  EXPECT_EQ(again.runs + again.alerts + again.jobs + again.run_stats, 0);
}

TEST_F(HistoryTest, ZeroKeepsForEverAndAStopLeavesTheRestForLater) {
  for (int i = 0; i < 10; ++i) job("succeeded", 500, run(500 + i));
  PruneCounts none = prune(0, 0);
  EXPECT_EQ(none.runs + none.jobs, 0);
  EXPECT_EQ(count("jobs"), "10");

  PruneCounts runs_only = prune(400, 0);
  EXPECT_EQ(runs_only.runs, 0);  // every old run is named by a kept job
  EXPECT_EQ(count("jobs"), "10");

  HistoryLimits limits{400 * kDay, 60 * kDay, 3};
  int calls = 0;
  PruneCounts cut = prune_history(store_, kNow, limits, [&] { return ++calls <= 2; });
  EXPECT_FALSE(cut.complete);
  EXPECT_EQ(cut.jobs, 6);  // two batches of 3
  PruneCounts rest = prune(400, 60);
  EXPECT_TRUE(rest.complete);
  EXPECT_EQ(rest.jobs, 4);
  EXPECT_EQ(rest.runs, 10);
  EXPECT_EQ(count("runs"), "0");
}

}  // namespace
}  // namespace ferry::state
