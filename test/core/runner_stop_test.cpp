// The runner and a stop request (SIGTERM/SIGINT, base/interrupt.h): the unit in progress ends,
// no other starts, the job goes back to the queue with no failure, the run is interrupted and
// its note names the signal.
#include <gtest/gtest.h>
#include <signal.h>
#include "ferry/sql/statement.h"

#include "core/runner_fixture.h"
#include "ferry/base/interrupt.h"

namespace ferry::core::testing {
namespace {

class RunnerStopTest : public RunnerTest {
 protected:
  void SetUp() override { reset_stop(); }
  void TearDown() override { reset_stop(); }
  std::string run_note(int64_t run_id) {
    sql::Statement q(store_.db(), "SELECT outcome || ': ' || note FROM runs WHERE id = ?");
    q.bind(1, run_id);
    return q.step() ? q.column(0).text() : "";
  }
};

TEST_F(RunnerStopTest, StopDuringAUnitLetsItCommitThenStartsNoOther) {
  set_stop_grace(std::chrono::hours(1));
  add_counting(5, 1ms, [](state::Job& job) {
    if (job.progress_done == 1) request_stop(SIGTERM);  // during the second unit
  });
  int64_t id = enqueue("count");
  RunReport r = run();
  EXPECT_EQ(r.outcome(), "interrupted");
  EXPECT_EQ(r.counts.units_done, 2);
  auto job = jobs_.get(id);
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->progress_done, 2);
  EXPECT_EQ(job->failures, 0);
  EXPECT_EQ(job->crashes, 0);
  EXPECT_EQ(job->error, "");
  EXPECT_EQ(run_note(r.run_id), "interrupted: stopped by SIGTERM; the rest continues next run");
  EXPECT_TRUE(alerts_.events.empty());
}

TEST_F(RunnerStopTest, AbandonedUnitRequeuesTheJobAndTheNextRunFinishesIt) {
  bool stop = true;
  registry_.add_job_kind({"cut", "", [&stop, this](Services& s) -> std::unique_ptr<JobHandler> {
                            if (!stop)
                              return std::make_unique<CountingJob>(s, timer_, 1, 1ms, nullptr);
                            request_stop(SIGINT);
                            return std::make_unique<FailingJob>(
                                Failure::interrupted("cake: POST /api: interrupted: stopped by "
                                                     "SIGINT"));
                          }});
  int64_t id = enqueue("cut");
  RunReport r = run();
  EXPECT_EQ(r.outcome(), "interrupted");
  EXPECT_EQ(r.counts.units_failed, 0);
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kQueued);
  EXPECT_EQ(jobs_.get(id)->failures, 0);
  EXPECT_EQ(run_note(r.run_id), "interrupted: stopped by SIGINT; the rest continues next run");

  reset_stop();
  stop = false;
  RunReport next = run();
  EXPECT_EQ(next.outcome(), "ok");
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kSucceeded);
  EXPECT_EQ(jobs_.get(id)->failures, 0);
}

TEST_F(RunnerStopTest, StopBeforeTheRunStartsNoWork) {
  add_counting(2, 1ms);
  int64_t id = enqueue("count");
  request_stop(SIGTERM);
  RunReport r = run();
  EXPECT_EQ(r.outcome(), "interrupted");
  EXPECT_EQ(r.counts.units_done, 0);
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kQueued);
  EXPECT_EQ(jobs_.get(id)->attempts, 0);
}

}  // namespace
}  // namespace ferry::core::testing
