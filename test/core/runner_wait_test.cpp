// The runner and jobs that wait for final data (StepResult::wait_until), and the clean-up hook
// of a cancelled job's kind.
#include <gtest/gtest.h>

#include "core/runner_fixture.h"

namespace ferry::core::testing {
namespace {

TEST_F(RunnerTest, WaitingJobIsQueuedWithItsCheckpointAndNoFailure) {
  add_settling(services_.now - 1h, 4);  // units 1 and 2 are ready, 3 at now + 1h
  int64_t id = enqueue("settle");
  RunReport r = run();
  EXPECT_EQ(r.outcome(), "ok");
  EXPECT_EQ(r.counts.units_done, 2);
  EXPECT_EQ(r.counts.units_failed, 0);
  auto job = *jobs_.get(id);
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_EQ(job.not_before, format_iso8601(services_.now + 1h));
  EXPECT_EQ(job.checkpoint, "u2");
  EXPECT_EQ(job.progress_done, 2);
  EXPECT_EQ(job.failures, 0);
  EXPECT_EQ(job.attempts, 1);  // this start did units
  EXPECT_EQ(job.error, "");
  EXPECT_TRUE(alerts_.events.empty());
}

TEST_F(RunnerTest, WaitingJobIsNotStartedBeforeItsTimeAndOthersRunMeanwhile) {
  add_settling(services_.now - 1h, 4);
  add_counting(1, 1ms);
  int64_t id = enqueue("settle");
  run();
  int64_t other = enqueue("count");
  services_.now += 30min;  // still before not_before
  RunReport r = run();
  EXPECT_EQ(r.counts.units_done, 1);  // only the other job
  EXPECT_EQ(jobs_.get(other)->status, JobStatus::kSucceeded);
  auto job = *jobs_.get(id);
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.progress_done, 2);
}

TEST_F(RunnerTest, WaitingJobResumesFromItsCheckpointWhenDue) {
  add_settling(services_.now - 1h, 4);
  int64_t id = enqueue("settle");
  run();
  services_.now += 2h;  // units 3 and 4 ready
  RunReport r = run();
  EXPECT_EQ(r.counts.units_done, 2);
  auto job = *jobs_.get(id);
  EXPECT_EQ(job.status, JobStatus::kSucceeded);
  EXPECT_EQ(job.checkpoint, "u4");
  EXPECT_EQ(job.not_before, "");
  EXPECT_EQ(job.failures, 0);
}

TEST_F(RunnerTest, CancelledJobGetsItsKindsCleanUpAfterItsHandlerIsGone) {
  std::vector<int64_t> cleaned;
  registry_.add_job_kind({"count", "",
                          [this](Services& s) {
                            return std::make_unique<CountingJob>(
                                s, timer_, 5, 1ms, [this](state::Job& job) {
                                  std::string why;
                                  if (job.progress_done == 1) jobs_.cancel(job.id, s_now(), &why);
                                });
                          },
                          [&cleaned](const config::Config&, io::Env&, const state::Job& job) {
                            cleaned.push_back(job.id);
                          }});
  int64_t id = enqueue("count");
  run();
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kCancelled);
  EXPECT_EQ(cleaned, std::vector<int64_t>{id});
}

TEST_F(RunnerTest, WaitWithoutAUnitCountsNoAttempt) {
  add_settling(services_.now + 3h, 2);
  int64_t id = enqueue("settle");
  RunReport r = run();
  EXPECT_EQ(r.counts.units_done, 0);
  auto job = *jobs_.get(id);
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_EQ(job.attempts, 0);
  EXPECT_EQ(job.not_before, format_iso8601(services_.now + 3h));
}

}  // namespace
}  // namespace ferry::core::testing
