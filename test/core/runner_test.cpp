// The runner with fake pipelines: budget, scheduling, crash recovery, failures and alerts.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "core/runner_fixture.h"

namespace ferry::core::testing {
namespace {

TEST_F(RunnerTest, RunsQueuedJobsToCompletionTheOldestFinishingFirst) {
  add_counting(3, 1ms);
  int64_t a = enqueue("count"), b = enqueue("count");
  RunReport r = run();
  EXPECT_EQ(r.outcome(), "ok");
  EXPECT_EQ(r.counts.jobs_finished, 2);
  EXPECT_EQ(r.counts.units_done, 6);
  EXPECT_EQ(jobs_.get(a)->status, JobStatus::kSucceeded);
  EXPECT_EQ(jobs_.get(b)->status, JobStatus::kSucceeded);
  EXPECT_LE(jobs_.get(a)->finished_at, jobs_.get(b)->finished_at);
  EXPECT_EQ(jobs_.get(a)->checkpoint, "u3");
}

TEST_F(RunnerTest, StopsStartingUnitsWhenBudgetIsSpent) {
  add_counting(10, 4s);  // 10 s budget: units start at 0, 4 and 8 s
  int64_t id = enqueue("count");
  RunReport r = run();
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.outcome(), "interrupted");
  auto job = jobs_.get(id);
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->progress_done, 3);
  EXPECT_EQ(job->error, "");
}

TEST_F(RunnerTest, OrphanedRunningJobIsResumedThenFailsAfterTooManyCrashes) {
  // Crashes count against run.job_crashes (here 4), not against job_attempts (here 2).
  add_counting(2, 1ms);
  RunOptions options{2, "", true, false, {}};
  options.job_crashes = 4;
  int64_t id = enqueue("count");
  int64_t dead_run = state::RunStore(store_).begin(services_.now, 1);
  ASSERT_TRUE(jobs_.start(id, dead_run, services_.now));  // a run that died left it running
  jobs_.add_crash(id, "crashed before", services_.now);
  jobs_.add_crash(id, "crashed before", services_.now);
  jobs_.add_failure(id, "a transient failure", services_.now);
  RunReport r = run(options);
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kSucceeded);
  EXPECT_EQ(jobs_.get(id)->crashes, 3);
  EXPECT_EQ(jobs_.get(id)->failures, 1);
  EXPECT_EQ(r.counts.jobs_finished, 1);
  EXPECT_TRUE(alerts_.events.empty());

  int64_t other = enqueue("count");
  ASSERT_TRUE(jobs_.start(other, dead_run, services_.now));
  for (int i = 0; i < 3; ++i) jobs_.add_crash(other, "crashed before", services_.now);
  RunReport r2 = run(options);
  EXPECT_EQ(jobs_.get(other)->status, JobStatus::kFailed);
  EXPECT_EQ(jobs_.get(other)->crashes, 4);
  EXPECT_EQ(jobs_.get(other)->failures, 0);
  EXPECT_EQ(jobs_.get(other)->error,
            "gave up after 4 crashes: its run ended while it was running");
  EXPECT_EQ(r2.counts.jobs_failed, 1);
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(alerts_.events[0].key, "count:job:" + std::to_string(other));
}

TEST_F(RunnerTest, RetryClearsFailuresAndCrashes) {
  registry_.add_job_kind({"bad", "", [](Services&) {
                            return std::make_unique<FailingJob>(Failure::permanent("401"));
                          }});
  int64_t id = enqueue("bad");
  int64_t dead_run = state::RunStore(store_).begin(services_.now, 1);
  ASSERT_TRUE(jobs_.start(id, dead_run, services_.now));
  jobs_.add_crash(id, "crashed before", services_.now);
  jobs_.add_failure(id, "a transient failure", services_.now);
  ASSERT_TRUE(jobs_.finish(id, JobStatus::kFailed, "401", services_.now));
  std::string why;
  ASSERT_TRUE(jobs_.retry(id, services_.now, &why)) << why;
  EXPECT_EQ(jobs_.get(id)->crashes, 0);
  EXPECT_EQ(jobs_.get(id)->failures, 0);
}

TEST_F(RunnerTest, PermanentFailureFailsAtOnceWithOneAlert) {
  registry_.add_job_kind({"bad", "", [](Services&) {
                            return std::make_unique<FailingJob>(
                                Failure::permanent("401 from CAKE"));
                          }});
  int64_t id = enqueue("bad");
  RunReport r = run();
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kFailed);
  EXPECT_EQ(jobs_.get(id)->error, "401 from CAKE");
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_NE(alerts_.events[0].body.find("ferry retry"), std::string::npos);
}

TEST_F(RunnerTest, TransientFailureIsRequeuedUntilAttemptsRunOut) {
  registry_.add_job_kind({"flaky", "", [](Services&) {
                            return std::make_unique<FailingJob>(
                                Failure::transient("HTTP 502 after 5 tries"));
                          }});
  int64_t id = enqueue("flaky");
  run(RunOptions{3, "", true, false, {}});
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kQueued);
  EXPECT_EQ(jobs_.get(id)->failures, 1);
  EXPECT_TRUE(alerts_.events.empty());
  run(RunOptions{3, "", true, false, {}});
  run(RunOptions{3, "", true, false, {}});
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kFailed);
  EXPECT_EQ(alerts_.events.size(), 1u);
}

TEST_F(RunnerTest, InterruptedUnitRequeuesTheJobWithNoFailureCounted) {
  registry_.add_job_kind({"stopped", "", [](Services&) {
                            return std::make_unique<FailingJob>(
                                Failure::interrupted("stopped by SIGTERM"));
                          }});
  int64_t id = enqueue("stopped");
  for (int i = 0; i < 4; ++i) {
    RunReport r = run(RunOptions{3, "", true, false, {}});
    EXPECT_EQ(r.outcome(), "interrupted");
  }
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kQueued);
  EXPECT_EQ(jobs_.get(id)->failures, 0);
  EXPECT_EQ(jobs_.get(id)->error, "");
  EXPECT_TRUE(alerts_.events.empty());
}

TEST_F(RunnerTest, UnknownKindFailsWithReason) {
  int64_t id = enqueue("from-a-newer-build");
  run();
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kFailed);
  EXPECT_NE(jobs_.get(id)->error.find("no pipeline in this build"), std::string::npos);
}

TEST_F(RunnerTest, CancelledWhileRunningStopsAfterCurrentUnit) {
  add_counting(5, 1ms, [this](state::Job& job) {
    std::string why;
    if (job.progress_done == 1) jobs_.cancel(job.id, services_.now, &why);
  });
  int64_t id = enqueue("count");
  run();
  auto job = jobs_.get(id);
  EXPECT_EQ(job->status, JobStatus::kCancelled);
  EXPECT_EQ(job->progress_done, 2);
}

TEST_F(RunnerTest, DueTaskRunsToCompletionAndIsRecorded) {
  int steps = 0;
  registry_.add_task({"once", "", [&steps](Services&, const TaskArgs&) {
                        return std::make_unique<OnceTask>(&steps);
                      }});
  run();
  EXPECT_EQ(steps, 2);
  EXPECT_TRUE(state::ScheduleStore(store_).last_done("once").has_value());
  run();
  EXPECT_EQ(steps, 2);  // not due any more
}

TEST_F(RunnerTest, CrashingTaskIsContainedAndAlerted) {
  int steps = 0;
  registry_.add_task({"bad", "", [&steps](Services&, const TaskArgs&) {
                        return std::make_unique<OnceTask>(&steps, true);
                      }});
  add_counting(1, 1ms);
  int64_t id = enqueue("count");
  RunReport r = run();
  EXPECT_EQ(r.counts.units_failed, 1);
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kSucceeded);
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(alerts_.events[0].key, "bad:task");
  EXPECT_NE(alerts_.events[0].body.find("boom in task"), std::string::npos);
}

// A task whose pass fails returns a Failure; the runner honours its kind: transient failures
// alert only after job_attempts passes in a row, a permanent one at once. A good pass resets.
class FailingTask : public ScheduledTask {
 public:
  explicit FailingTask(const Failure* failure) : failure_(failure) {}
  bool due(std::optional<TimePoint>) override { return true; }
  StepResult step() override {
    return failure_->message.empty() ? StepResult::done() : StepResult::failed(*failure_);
  }

 private:
  const Failure* failure_;
};

TEST_F(RunnerTest, TaskFailureLineNamesTheTaskOnce) {
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  Failure named = Failure::transient("named: prod: unreachable");
  Failure plain = Failure::transient("unreachable");
  for (auto* f : {&named, &plain})
    registry_.add_task({f == &named ? "named" : "plain", "", [f](Services&, const TaskArgs&) {
                          return std::make_unique<FailingTask>(f);
                        }});
  run();
  spdlog::set_default_logger(previous);
  EXPECT_NE(out.str().find("named: prod: unreachable (1 pass"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("named: named:"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("plain: unreachable (1 pass"), std::string::npos) << out.str();
}

TEST_F(RunnerTest, FailingTaskAlertsByItsKind) {
  Failure failure = Failure::transient("server unreachable");
  registry_.add_task({"flaky", "", [&failure](Services&, const TaskArgs&) {
                        return std::make_unique<FailingTask>(&failure);
                      }});
  RunOptions options;
  options.job_attempts = 3;
  EXPECT_EQ(run(options).counts.units_failed, 1);
  run(options);
  EXPECT_TRUE(alerts_.events.empty());
  run(options);  // the third transient failure in a row
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(alerts_.events[0].key, "flaky:task");
  EXPECT_NE(alerts_.events[0].body.find("server unreachable"), std::string::npos);

  failure = Failure::permanent("");  // a good pass resets the count
  run(options);
  failure = Failure::transient("again");
  run(options);
  EXPECT_EQ(alerts_.events.size(), 1u);
  failure = Failure::permanent("bad credentials");
  run(options);
  ASSERT_EQ(alerts_.events.size(), 2u);
  EXPECT_NE(alerts_.events[1].body.find("bad credentials"), std::string::npos);
}

TEST_F(RunnerTest, TaskArgumentsReachOnlyTheNamedTask) {
  TaskArgs seen_a, seen_b;
  int steps = 0;
  registry_.add_task({"a", "", [&](Services&, const TaskArgs& args) {
                        seen_a = args;
                        return std::make_unique<OnceTask>(&steps);
                      }});
  registry_.add_task({"b", "", [&](Services&, const TaskArgs& args) {
                        seen_b = args;
                        return std::make_unique<OnceTask>(&steps);
                      }});
  RunOptions options;
  options.only_task = "b";
  options.force_tasks = true;
  options.task_args = {{"server", "prod"}};
  run(options);
  EXPECT_TRUE(seen_a.empty());
  EXPECT_EQ(seen_b, (TaskArgs{{"server", "prod"}}));
}

TEST_F(RunnerTest, RunsRowRecordsOutcomeAndCounts) {
  add_counting(2, 1ms);
  enqueue("count");
  RunReport r = run();
  auto recent = state::RunStore(store_).recent(1);
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].id, r.run_id);
  EXPECT_EQ(recent[0].outcome, "ok");
  EXPECT_EQ(recent[0].counts.units_done, 2);
  EXPECT_EQ(recent[0].counts.jobs_finished, 1);
  // Timestamps come from the wall clock, not the run's logical now (2016-01-11T00:00:00Z).
  EXPECT_EQ(recent[0].started_at, "2016-01-11T00:00:03Z");
  EXPECT_EQ(recent[0].finished_at, "2016-01-11T00:00:03Z");
}

}  // namespace
}  // namespace ferry::core::testing
