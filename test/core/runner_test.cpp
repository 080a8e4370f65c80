// The runner with fake pipelines: budget, scheduling, crash recovery, failures and alerts.
#include "ferry/core/runner.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "ferry/config/config.h"
#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/net/fake_http.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "support/process.h"

namespace ferry::core {
namespace {

using namespace std::chrono_literals;
using state::JobStatus;

// A job of `units` units, each advancing the fake timer by `unit_time`.
class CountingJob : public JobHandler {
 public:
  CountingJob(Services& s, FakeTimer& timer, int units, std::chrono::milliseconds unit_time,
              std::function<void(state::Job&)> hook)
      : s_(s), timer_(timer), units_(units), unit_time_(unit_time), hook_(std::move(hook)) {}
  StepResult step(state::Job& job) override {
    timer_.advance(unit_time_);
    if (hook_) hook_(job);
    int64_t done = job.progress_done + 1;
    state::JobStore(s_.store).commit_unit(job.id, "u" + std::to_string(done), done, units_, {},
                                          s_.now);
    return done >= units_ ? StepResult::done() : StepResult::more();
  }

 private:
  Services& s_;
  FakeTimer& timer_;
  int units_;
  std::chrono::milliseconds unit_time_;
  std::function<void(state::Job&)> hook_;
};

class FailingJob : public JobHandler {
 public:
  explicit FailingJob(Failure f) : f_(std::move(f)) {}
  StepResult step(state::Job&) override { return StepResult::failed(f_); }

 private:
  Failure f_;
};

// A job of `units` units; unit i (from 1) may be done once Services::now has reached
// `first + (i - 1) * 1h`; before that it asks to wait until then.
class SettlingJob : public JobHandler {
 public:
  SettlingJob(Services& s, TimePoint first, int units) : s_(s), first_(first), units_(units) {}
  StepResult step(state::Job& job) override {
    TimePoint ready = first_ + std::chrono::hours(job.progress_done);
    if (ready > s_.now) return StepResult::wait_until(ready);
    int64_t done = job.progress_done + 1;
    state::JobStore(s_.store).commit_unit(job.id, "u" + std::to_string(done), done, units_, {},
                                          s_.now);
    return done >= units_ ? StepResult::done() : StepResult::more();
  }

 private:
  Services& s_;
  TimePoint first_;
  int units_;
};

class OnceTask : public ScheduledTask {
 public:
  explicit OnceTask(int* steps, bool throws = false) : steps_(steps), throws_(throws) {}
  bool due(std::optional<TimePoint> last) override { return !last; }
  StepResult step() override {
    if (throws_) throw std::runtime_error("boom in task");
    ++*steps_;
    return *steps_ % 2 == 0 ? StepResult::done() : StepResult::more();
  }

 private:
  int* steps_;
  bool throws_;
};

class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest()
      : store_(dir_.path()),
        http_([](const net::HttpRequest&) { return net::FakeHttpClient::respond(200); }),
        budget_(timer_, 10s),
        services_{config_, store_,  http_, alerts_, TimePoint(std::chrono::seconds(1452470400)),
                  wall_,   budget_, 0,     nullptr, io::Env::posix()} {}

  RunReport run(RunOptions options = {}) {
    Runner runner(registry_, services_, nullptr, options);
    return runner.run();
  }
  int64_t enqueue(const std::string& kind) {
    return jobs_.enqueue(kind, "2016-01-10", "2016-01-10", "{}", services_.now);
  }
  void add_counting(int units, std::chrono::milliseconds unit_time,
                    std::function<void(state::Job&)> hook = {}) {
    registry_.add_job_kind({"count", "", [=](Services& s) {
                              return std::make_unique<CountingJob>(s, timer_, units, unit_time,
                                                                   hook);
                            }});
  }

  TimePoint s_now() const { return services_.now; }
  void add_settling(TimePoint first, int units) {
    registry_.add_job_kind({"settle", "", [=](Services& s) {
                              return std::make_unique<SettlingJob>(s, first, units);
                            }});
  }

  ferry::testing::TempDir dir_;
  state::Store store_;
  state::JobStore jobs_{store_};
  config::Config config_;
  net::FakeHttpClient http_;
  log::RecordingAlertSink alerts_;
  FakeTimer timer_;
  Budget budget_;
  FixedClock wall_{TimePoint(std::chrono::seconds(1452470403))};
  Services services_;
  Registry registry_;
};

TEST_F(RunnerTest, RunsQueuedJobsOldestFirstToCompletion) {
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
  add_counting(2, 1ms);
  int64_t id = enqueue("count");
  int64_t dead_run = state::RunStore(store_).begin(services_.now, 1);
  ASSERT_TRUE(jobs_.start(id, dead_run, services_.now));  // a run that died left it running
  RunReport r = run(RunOptions{2, "", true, false, {}});
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kSucceeded);
  EXPECT_EQ(jobs_.get(id)->failures, 1);
  EXPECT_EQ(r.counts.jobs_finished, 1);

  int64_t other = enqueue("count");
  ASSERT_TRUE(jobs_.start(other, dead_run, services_.now));
  jobs_.add_failure(other, "crashed before", services_.now);
  RunReport r2 = run(RunOptions{2, "", true, false, {}});
  EXPECT_EQ(jobs_.get(other)->status, JobStatus::kFailed);
  EXPECT_NE(jobs_.get(other)->error.find("gave up"), std::string::npos);
  EXPECT_EQ(r2.counts.jobs_failed, 1);
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(alerts_.events[0].key, "count:job:" + std::to_string(other));
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
}  // namespace ferry::core

namespace ferry::core {
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
}  // namespace ferry::core
