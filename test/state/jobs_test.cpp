#include "ferry/state/jobs.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "state/jobs_fixture.h"

namespace ferry::state::testing {
namespace {

TEST(JobsTest, StatusWordsRoundTrip) {
  EXPECT_STREQ(status_word(JobStatus::kQueued), "queued");
  EXPECT_STREQ(status_word(JobStatus::kRunning), "running");
  EXPECT_STREQ(status_word(JobStatus::kSucceeded), "succeeded");
  EXPECT_STREQ(status_word(JobStatus::kFailed), "failed");
  EXPECT_STREQ(status_word(JobStatus::kCancelled), "cancelled");
  for (JobStatus s : kAll) EXPECT_EQ(parse_status(status_word(s)), s);
  EXPECT_EQ(parse_status("done"), std::nullopt);
  EXPECT_EQ(parse_status("Queued"), std::nullopt);
  EXPECT_EQ(parse_status(""), std::nullopt);
}

TEST(JobsTest, TransitionTable) {
  using S = JobStatus;
  // rows: from; columns: to (queued, running, succeeded, failed, cancelled)
  const bool expected[5][5] = {
      /* queued    */ {false, true, false, false, true},
      /* running   */ {true, false, true, true, true},
      /* succeeded */ {false, false, false, false, false},
      /* failed    */ {true, false, false, false, false},
      /* cancelled */ {true, false, false, false, false},
  };
  for (int from = 0; from < 5; ++from)
    for (int to = 0; to < 5; ++to)
      EXPECT_EQ(job_transition_allowed(static_cast<S>(from), static_cast<S>(to)),
                expected[from][to])
          << status_word(static_cast<S>(from)) << " -> " << status_word(static_cast<S>(to));
}

TEST(JobsTest, ARunningJobsOwnerIsTheHostAndPidOfItsRun) {
  JobsFixture f;
  int64_t run = RunStore(f.store).begin(kT0, 4242, "alpha");
  int64_t running = f.jobs.enqueue("cake_clicks", "2016-01-01", "2016-01-01", "{}", kT0);
  ASSERT_TRUE(f.jobs.start(running, run, kT0));
  int64_t other = f.jobs.enqueue("cake_clicks", "2016-01-02", "2016-01-02", "{}", kT0);
  ASSERT_TRUE(f.jobs.start(other, f.run_id, kT0));  // a run recorded without a host
  int64_t queued = f.jobs.enqueue("cake_clicks", "2016-01-03", "2016-01-03", "{}", kT0);
  EXPECT_EQ(f.jobs.get(running)->owner, "alpha pid 4242");
  EXPECT_EQ(f.jobs.get(other)->owner, "pid 1");
  EXPECT_EQ(f.jobs.get(queued)->owner, "");
  for (const auto& j : f.jobs.list({true, "", "", 50}, kT0))
    EXPECT_EQ(j.owner, j.id == running ? "alpha pid 4242" : j.id == other ? "pid 1" : "") << j.id;
}

TEST(JobsTest, EnqueueAndGet) {
  JobsFixture f;
  int64_t id = f.jobs.enqueue("cake_clicks", "2016-01-01", "2016-01-03", "{\"site\":1}", kT0);
  EXPECT_GT(id, 0);
  auto job = f.jobs.get(id);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, id);
  EXPECT_EQ(job->kind, "cake_clicks");
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->from_date, "2016-01-01");
  EXPECT_EQ(job->to_date, "2016-01-03");
  EXPECT_EQ(job->params, "{\"site\":1}");
  EXPECT_EQ(job->attempts, 0);
  EXPECT_EQ(job->failures, 0);
  EXPECT_EQ(job->progress_done, 0);
  EXPECT_EQ(job->progress_total, 0);
  EXPECT_EQ(job->checkpoint, "");
  EXPECT_EQ(job->error, "");
  EXPECT_EQ(job->created_at, "2016-01-11T00:05:00Z");
  EXPECT_EQ(job->updated_at, "2016-01-11T00:05:00Z");
  EXPECT_EQ(job->started_at, "");
  EXPECT_EQ(job->finished_at, "");
  EXPECT_TRUE(job->outputs.empty());
  EXPECT_EQ(f.jobs.get(id + 1000), std::nullopt);
}

TEST(JobsTest, EnqueueWithoutDatesStoresNull) {
  JobsFixture f;
  int64_t id = f.jobs.enqueue("selftest", "", "", "{}", kT0);
  auto job = f.jobs.get(id);
  EXPECT_EQ(job->from_date, "");
  EXPECT_EQ(job->to_date, "");
  EXPECT_EQ(sql::Field(f.store.db().scalar("SELECT count(*) FROM jobs WHERE from_date IS NULL"))
                .integer(),
            1);
}

TEST(JobsTest, StartMovesQueuedToRunningOnce) {
  JobsFixture f;
  int64_t id = f.queued();
  EXPECT_TRUE(f.jobs.start(id, f.run_id, kT0 + seconds(60)));
  auto job = f.jobs.get(id);
  EXPECT_EQ(job->status, JobStatus::kRunning);
  EXPECT_EQ(job->attempts, 1);
  EXPECT_EQ(job->started_at, "2016-01-11T00:06:00Z");
  EXPECT_EQ(job->updated_at, "2016-01-11T00:06:00Z");
  EXPECT_FALSE(f.jobs.start(id, f.run_id, kT0));
  EXPECT_EQ(f.jobs.get(id)->attempts, 1);
  EXPECT_FALSE(f.jobs.start(id + 1000, f.run_id, kT0));
}

TEST(JobsTest, PausedJobRestartsKeepingFirstStartTime) {
  JobsFixture f;
  int64_t id = f.queued();
  ASSERT_TRUE(f.jobs.start(id, f.run_id, kT0));
  ASSERT_TRUE(f.jobs.finish(id, JobStatus::kQueued, "", kT0 + seconds(270)));
  auto job = f.jobs.get(id);
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->finished_at, "");
  ASSERT_TRUE(f.jobs.start(id, f.run_id, kT0 + seconds(300)));
  job = f.jobs.get(id);
  EXPECT_EQ(job->attempts, 2);
  EXPECT_EQ(job->started_at, "2016-01-11T00:05:00Z");
}

TEST(JobsTest, FinishFollowsTransitionTable) {
  for (JobStatus from : kAll) {
    for (JobStatus to : kAll) {
      JobsFixture f;
      int64_t id = f.in(from);
      bool allowed = job_transition_allowed(from, to);
      bool moved = f.jobs.finish(id, to, "why", kT0 + seconds(10));
      // finish() is about ending work: queued → running happens only through start().
      if (from == JobStatus::kQueued && to == JobStatus::kRunning) continue;
      EXPECT_EQ(moved, allowed) << status_word(from) << " -> " << status_word(to);
      EXPECT_EQ(f.status(id), moved ? to : from) << status_word(from) << " -> " << status_word(to);
    }
  }
}

TEST(JobsTest, FinishRecordsErrorAndTimes) {
  JobsFixture f;
  int64_t ok = f.running();
  int64_t bad = f.running();
  EXPECT_TRUE(f.jobs.finish(ok, JobStatus::kSucceeded, "", kT0 + seconds(90)));
  EXPECT_TRUE(
      f.jobs.finish(bad, JobStatus::kFailed, "cake: HTTP 403 (bad api_key)", kT0 + seconds(95)));
  auto j = f.jobs.get(ok);
  EXPECT_EQ(j->status, JobStatus::kSucceeded);
  EXPECT_EQ(j->finished_at, "2016-01-11T00:06:30Z");
  EXPECT_EQ(j->error, "");
  j = f.jobs.get(bad);
  EXPECT_EQ(j->status, JobStatus::kFailed);
  EXPECT_EQ(j->error, "cake: HTTP 403 (bad api_key)");
  EXPECT_EQ(j->finished_at, "2016-01-11T00:06:35Z");
  // Nothing leaves succeeded.
  EXPECT_FALSE(f.jobs.finish(ok, JobStatus::kFailed, "late", kT0 + seconds(100)));
  EXPECT_EQ(f.jobs.get(ok)->status, JobStatus::kSucceeded);
  EXPECT_EQ(f.jobs.get(ok)->error, "");
  EXPECT_FALSE(f.jobs.finish(12345, JobStatus::kFailed, "x", kT0));
}

TEST(JobsTest, CancelQueuedOrRunningOnly) {
  JobsFixture f;
  int64_t q = f.queued();
  int64_t r = f.running();
  int64_t s = f.in(JobStatus::kSucceeded);
  int64_t c = f.in(JobStatus::kCancelled);
  std::string why;
  EXPECT_TRUE(f.jobs.cancel(q, kT0 + seconds(5), &why));
  EXPECT_EQ(f.status(q), JobStatus::kCancelled);
  EXPECT_EQ(f.jobs.get(q)->error, "cancelled by operator");
  EXPECT_EQ(f.jobs.get(q)->finished_at, "2016-01-11T00:05:05Z");
  EXPECT_TRUE(f.jobs.cancel(r, kT0, &why));
  EXPECT_EQ(f.status(r), JobStatus::kCancelled);
  why.clear();
  EXPECT_FALSE(f.jobs.cancel(s, kT0, &why));
  EXPECT_EQ(why, "job " + std::to_string(s) + " is succeeded");
  EXPECT_EQ(f.status(s), JobStatus::kSucceeded);
  why.clear();
  EXPECT_FALSE(f.jobs.cancel(c, kT0, &why));
  EXPECT_EQ(why, "job " + std::to_string(c) + " is cancelled");
  why.clear();
  EXPECT_FALSE(f.jobs.cancel(999, kT0, &why));
  EXPECT_EQ(why, "no job 999");
}

TEST(JobsTest, RetryOnlyFailedOrCancelledAndResetsFailures) {
  JobsFixture f;
  int64_t failed = f.running();
  f.jobs.add_failure(failed, "timeout", kT0);
  f.jobs.add_failure(failed, "timeout", kT0);
  ASSERT_TRUE(f.jobs.finish(failed, JobStatus::kFailed, "timeout after 3 tries", kT0));
  ASSERT_EQ(f.jobs.get(failed)->failures, 2);
  std::string why;
  EXPECT_TRUE(f.jobs.retry(failed, kT0 + seconds(600), &why));
  auto j = f.jobs.get(failed);
  EXPECT_EQ(j->status, JobStatus::kQueued);
  EXPECT_EQ(j->failures, 0);
  EXPECT_EQ(j->error, "");
  EXPECT_EQ(j->finished_at, "");
  EXPECT_EQ(j->updated_at, "2016-01-11T00:15:00Z");
  EXPECT_EQ(j->attempts, 1);  // history of runs kept

  int64_t cancelled = f.in(JobStatus::kCancelled);
  EXPECT_TRUE(f.jobs.retry(cancelled, kT0, &why));
  EXPECT_EQ(f.status(cancelled), JobStatus::kQueued);

  for (JobStatus s : {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded}) {
    int64_t id = f.in(s);
    if (s == JobStatus::kRunning) f.jobs.add_failure(id, "x", kT0);
    why.clear();
    EXPECT_FALSE(f.jobs.retry(id, kT0, &why)) << status_word(s);
    EXPECT_EQ(why, "job " + std::to_string(id) + " is " + status_word(s) +
                       "; only failed or cancelled jobs can be retried");
    EXPECT_EQ(f.status(id), s);
    if (s == JobStatus::kRunning) {
      EXPECT_EQ(f.jobs.get(id)->failures, 1) << "a refused retry changed the job";
    }
  }
  why.clear();
  EXPECT_FALSE(f.jobs.retry(999, kT0, &why));
  EXPECT_EQ(why, "no job 999");
}

TEST(JobsTest, AddFailureCountsAndKeepsLastError) {
  JobsFixture f;
  int64_t id = f.running();
  EXPECT_EQ(f.jobs.add_failure(id, "HTTP 502", kT0), 1);
  EXPECT_EQ(f.jobs.add_failure(id, "timeout", kT0 + seconds(1)), 2);
  auto j = f.jobs.get(id);
  EXPECT_EQ(j->failures, 2);
  EXPECT_EQ(j->error, "timeout");
  EXPECT_EQ(j->status, JobStatus::kRunning);
  EXPECT_EQ(f.jobs.add_failure(999, "x", kT0), 0);
}

TEST(JobsTest, ListNewestFirstHidingOldFinishedJobs) {
  JobsFixture f;
  TimePoint now = kT0 + hours(24 * 30);
  TimePoint old = now - hours(24 * 8);
  TimePoint recent = now - hours(24 * 6);
  int64_t old_ok = f.in(JobStatus::kSucceeded, old);
  int64_t old_cancelled = f.in(JobStatus::kCancelled, old);
  int64_t old_failed = f.in(JobStatus::kFailed, old);
  int64_t recent_ok = f.in(JobStatus::kSucceeded, recent);
  int64_t recent_cancelled = f.in(JobStatus::kCancelled, recent);
  int64_t edge_ok = f.in(JobStatus::kSucceeded, now - hours(24 * 7));
  int64_t running = f.in(JobStatus::kRunning, old);
  int64_t queued = f.in(JobStatus::kQueued, old);

  EXPECT_EQ(ids(f.jobs.list({true}, now)),
            (std::vector<int64_t>{queued, running, edge_ok, recent_cancelled, recent_ok, old_failed,
                                  old_cancelled, old_ok}));
  EXPECT_EQ(
      ids(f.jobs.list({false}, now)),
      (std::vector<int64_t>{queued, running, edge_ok, recent_cancelled, recent_ok, old_failed}));
  EXPECT_EQ(ids(f.jobs.list({true, "", "", 3}, now)),
            (std::vector<int64_t>{queued, running, edge_ok}));
}

TEST(JobsTest, ListIncludesOutputs) {
  JobsFixture f;
  int64_t id = f.running();
  JobOutput o;
  o.name = "clicks_2016-01-01.csv";
  o.link = "https://s3/link";
  f.jobs.commit_unit(id, "c1", 1, 1, {o}, kT0);
  auto all = f.jobs.list({true}, kT0);
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(all[0].outputs.size(), 1u);
  EXPECT_EQ(all[0].outputs[0].link, "https://s3/link");
}

TEST(JobsTest, NextQueuedIsOldestFirstAfterId) {
  JobsFixture f;
  int64_t a = f.queued();
  int64_t b = f.running();
  int64_t c = f.queued();
  int64_t d = f.in(JobStatus::kCancelled);
  int64_t e = f.queued();
  (void)b;
  (void)d;
  EXPECT_EQ(f.jobs.next_queued(0, TimePoint{})->id, a);
  EXPECT_EQ(f.jobs.next_queued(a, TimePoint{})->id, c);
  EXPECT_EQ(f.jobs.next_queued(c, TimePoint{})->id, e);
  EXPECT_EQ(f.jobs.next_queued(e, TimePoint{}), std::nullopt);
  ASSERT_TRUE(f.jobs.start(a, f.run_id, kT0));
  EXPECT_EQ(f.jobs.next_queued(0, TimePoint{})->id, c);
}

TEST(JobsTest, OrphanedListsJobsRunningUnderARunThatIsNot) {
  JobsFixture f;
  f.queued();
  int64_t r1 = f.running();
  f.in(JobStatus::kSucceeded);
  int64_t r2 = f.running();
  EXPECT_TRUE(f.jobs.orphaned().empty());  // their run is still running
  int64_t later = RunStore(f.store).begin(kT0, 2);
  int64_t live = f.queued();
  ASSERT_TRUE(f.jobs.start(live, later, kT0));
  EXPECT_EQ(RunStore(f.store).mark_crashed(later), 1);
  EXPECT_EQ(ids(f.jobs.orphaned()), (std::vector<int64_t>{r1, r2}));
}

TEST(JobsTest, AnOrphanIsAdoptedByOneRunOnly) {
  JobsFixture f;
  int64_t id = f.running();
  int64_t a = RunStore(f.store).begin(kT0, 2), b = RunStore(f.store).begin(kT0, 3);
  EXPECT_TRUE(f.jobs.adopt(id, f.run_id, a));
  EXPECT_FALSE(f.jobs.adopt(id, f.run_id, b));  // it is no longer the dead run's
  EXPECT_EQ(f.jobs.get(id)->run_id, a);
  EXPECT_FALSE(f.jobs.adopt(f.queued(), 0, a));  // not running
}

TEST(JobsTest, ARunChangesOnlyTheRunningJobsItHolds) {
  JobsFixture f;
  int64_t mine = f.running(), queued = f.queued();
  int64_t other_run = RunStore(f.store).begin(kT0, 2);
  int64_t theirs = f.queued();
  ASSERT_TRUE(f.jobs.start(theirs, other_run, kT0));
  f.store.hold_leases_as(f.run_id);
  f.jobs.commit_unit(mine, "unit 1", 1, 3, {}, kT0);
  EXPECT_EQ(f.jobs.get(mine)->checkpoint, "unit 1");
  EXPECT_THROW(f.jobs.commit_unit(theirs, "unit 1", 1, 3, {}, kT0), LeaseLost);
  EXPECT_EQ(f.jobs.get(theirs)->checkpoint, "");
  EXPECT_FALSE(f.jobs.finish(theirs, JobStatus::kQueued, "", kT0));
  EXPECT_FALSE(f.jobs.wait(theirs, kT0 + hours(1), false, kT0));
  f.jobs.add_failure(theirs, "HTTP 503", kT0);
  f.jobs.add_crash(theirs, "died", kT0);
  auto t = *f.jobs.get(theirs);
  EXPECT_EQ(t.status, JobStatus::kRunning);
  EXPECT_EQ(t.failures + t.crashes, 0);
  EXPECT_EQ(t.run_id, other_run);
  // Jobs that are not running are changed as before: a queued one started, a cancelled one.
  EXPECT_TRUE(f.jobs.start(queued, f.run_id, kT0));
  EXPECT_TRUE(f.jobs.finish(mine, JobStatus::kSucceeded, "", kT0));
}

TEST(JobsTest, Counts) {
  JobsFixture f;
  f.queued();
  f.queued();
  f.running();
  f.in(JobStatus::kSucceeded);
  f.in(JobStatus::kSucceeded);
  f.in(JobStatus::kSucceeded);
  f.in(JobStatus::kFailed);
  JobCounts c = f.jobs.counts();
  EXPECT_EQ(c.queued, 2);
  EXPECT_EQ(c.running, 1);
  EXPECT_EQ(c.succeeded, 3);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.cancelled, 0);
}

JobOutput output(const std::string& name, int64_t rows, const std::string& sha) {
  JobOutput o;
  o.name = name;
  o.path = "/data/" + name;
  o.s3_target = "reports";
  o.s3_key = "cake/" + name;
  o.size = rows * 10;
  o.sha256 = sha;
  o.rows = rows;
  return o;
}

TEST(JobsTest, CommitUnitRecordsCheckpointProgressAndOutputs) {
  JobsFixture f;
  int64_t id = f.running();
  f.jobs.set_total(id, 48, kT0);
  EXPECT_EQ(f.jobs.get(id)->progress_total, 48);
  f.jobs.commit_unit(id, "2016-01-01T01", 1, 48, {output("h00.csv", 5, "aa")}, kT0 + seconds(1));
  f.jobs.commit_unit(id, "2016-01-01T02", 2, 48, {output("h01.csv", 7, "bb")}, kT0 + seconds(2));
  auto j = f.jobs.get(id);
  EXPECT_EQ(j->checkpoint, "2016-01-01T02");
  EXPECT_EQ(j->progress_done, 2);
  EXPECT_EQ(j->progress_total, 48);
  EXPECT_EQ(j->updated_at, "2016-01-11T00:05:02Z");
  ASSERT_EQ(j->outputs.size(), 2u);
  EXPECT_EQ(j->outputs[0].name, "h00.csv");
  EXPECT_EQ(j->outputs[0].path, "/data/h00.csv");
  EXPECT_EQ(j->outputs[0].s3_target, "reports");
  EXPECT_EQ(j->outputs[0].s3_key, "cake/h00.csv");
  EXPECT_EQ(j->outputs[0].size, 50);
  EXPECT_EQ(j->outputs[0].sha256, "aa");
  EXPECT_EQ(j->outputs[0].rows, 5);
  EXPECT_EQ(j->outputs[0].created_at, "2016-01-11T00:05:01Z");
  EXPECT_EQ(j->outputs[1].name, "h01.csv");
}

TEST(JobsTest, CommitUnitUpsertsOutputsByName) {
  JobsFixture f;
  int64_t id = f.running();
  f.jobs.commit_unit(id, "1", 1, 2, {output("conversions.csv", 5, "aa")}, kT0);
  JobOutput again = output("conversions.csv", 9, "cc");
  again.link = "https://bucket.s3.amazonaws.com/conversions.csv?X-Amz-Signature=x";
  again.link_expires_at = "2016-01-12T00:05:00Z";
  f.jobs.commit_unit(id, "2", 2, 2, {again}, kT0 + seconds(5));
  auto j = f.jobs.get(id);
  ASSERT_EQ(j->outputs.size(), 1u);
  EXPECT_EQ(j->outputs[0].rows, 9);
  EXPECT_EQ(j->outputs[0].sha256, "cc");
  EXPECT_EQ(j->outputs[0].link, again.link);
  EXPECT_EQ(j->outputs[0].link_expires_at, "2016-01-12T00:05:00Z");
  EXPECT_EQ(sql::Field(f.store.db().scalar("SELECT count(*) FROM job_outputs")).integer(), 1);
}

TEST(JobsTest, CommitUnitRunsAlsoInTheSameTransaction) {
  JobsFixture f;
  MarkStore marks(f.store);
  int64_t id = f.running();
  f.jobs.commit_unit(id, "page-2", 2, 0, {output("users.csv", 2, "aa")}, kT0,
                     [&] { marks.set("mindtrails:prod", "users", "200", kT0); });
  EXPECT_EQ(marks.get("mindtrails:prod", "users"), "200");
  EXPECT_EQ(f.jobs.get(id)->checkpoint, "page-2");
}

TEST(JobsTest, ThrowingAlsoRollsBackCheckpointOutputsAndMarks) {
  JobsFixture f;
  MarkStore marks(f.store);
  int64_t id = f.running();
  f.jobs.commit_unit(id, "page-1", 1, 0, {output("users.csv", 1, "aa")}, kT0,
                     [&] { marks.set("mindtrails:prod", "users", "100", kT0); });
  EXPECT_THROW(f.jobs.commit_unit(id, "page-2", 2, 0,
                                  {output("users.csv", 2, "bb"), output("tasks.csv", 1, "cc")},
                                  kT0 + seconds(60),
                                  [&] {
                                    marks.set("mindtrails:prod", "users", "200", kT0);
                                    throw std::runtime_error("backup not durable");
                                  }),
               std::runtime_error);
  auto j = f.jobs.get(id);
  EXPECT_EQ(j->checkpoint, "page-1");
  EXPECT_EQ(j->progress_done, 1);
  EXPECT_EQ(j->updated_at, "2016-01-11T00:05:00Z");
  ASSERT_EQ(j->outputs.size(), 1u);
  EXPECT_EQ(j->outputs[0].sha256, "aa");
  EXPECT_EQ(marks.get("mindtrails:prod", "users"), "100");
  EXPECT_EQ(f.store.integrity_check(), "ok");
}

TEST(JobsTest, SetLinkReplacesOutputLink) {
  JobsFixture f;
  int64_t id = f.running();
  f.jobs.commit_unit(id, "", 1, 1, {output("a.csv", 1, "aa"), output("b.csv", 1, "bb")}, kT0);
  f.jobs.set_link(id, "b.csv", "https://link/b", "2016-01-12T00:05:00Z");
  auto j = f.jobs.get(id);
  EXPECT_EQ(j->outputs[0].link, "");
  EXPECT_EQ(j->outputs[1].link, "https://link/b");
  EXPECT_EQ(j->outputs[1].link_expires_at, "2016-01-12T00:05:00Z");
}

TEST(JobsTest, ViewsReflectJobs) {
  JobsFixture f;
  f.queued("cake_clicks");
  f.queued("cake_clicks");
  f.queued("wenet_users");
  f.in(JobStatus::kFailed);
  auto& db = f.store.db();
  EXPECT_EQ(sql::Field(db.scalar("SELECT jobs FROM queue_depth WHERE kind = 'cake_clicks' AND "
                                 "status = 'queued'"))
                .integer(),
            2);
  EXPECT_EQ(sql::Field(db.scalar("SELECT count(*) FROM failed_jobs")).integer(), 1);
  EXPECT_EQ(sql::Field(db.scalar("SELECT error FROM failed_jobs")).text(), "HTTP 403");
}

}  // namespace
}  // namespace ferry::state::testing
