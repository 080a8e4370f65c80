// The runner takes units from the queued jobs in turn (round-robin), so a long backfill never
// keeps a short job waiting for a later run.
#include <gtest/gtest.h>

#include "core/runner_fixture.h"

namespace ferry::core::testing {
namespace {

class RunnerTurnsTest : public RunnerTest {
 protected:
  // A kind whose jobs have `units` units of `unit_time` each; every unit's job id is appended
  // to `order`, every handler made counted in `made`.
  void add_kind(
      const std::string& name, int units, std::chrono::milliseconds unit_time,
      std::function<void(state::Job&)> hook = {},
      std::function<void(const config::Config&, io::Env&, const state::Job&)> on_cancel = {}) {
    registry_.add_job_kind({name, "",
                            [=](Services& s) {
                              ++made[name];
                              return std::make_unique<CountingJob>(s, timer_, units, unit_time,
                                                                   [=](state::Job& job) {
                                                                     order.push_back(job.id);
                                                                     if (hook) hook(job);
                                                                   });
                            },
                            on_cancel});
  }
  int64_t enqueue_range(const std::string& kind, const std::string& from, const std::string& to) {
    return jobs_.enqueue(kind, from, to, "{}", services_.now);
  }

  std::vector<int64_t> order;
  std::map<std::string, int> made;
};

TEST_F(RunnerTurnsTest, ADayQueuedBehindAThreeYearBackfillFinishesInTheFirstRun) {
  add_kind("backfill", 3 * 365 * 24, 100ms);  // one unit per hour of three years
  add_kind("day", 24, 100ms);
  int64_t backfill = enqueue_range("backfill", "2013-01-01", "2015-12-31");
  int64_t day = enqueue_range("day", "2016-01-10", "2016-01-10");
  RunReport r = run();  // 10 s budget: 100 units
  EXPECT_EQ(r.outcome(), "interrupted");
  auto d = *jobs_.get(day);
  EXPECT_EQ(d.status, JobStatus::kSucceeded);
  EXPECT_EQ(d.progress_done, 24);
  auto b = *jobs_.get(backfill);
  EXPECT_EQ(b.status, JobStatus::kQueued);
  EXPECT_EQ(b.progress_done, 100 - 24);
  EXPECT_EQ(b.failures, 0);
  EXPECT_EQ(b.error, "");
}

TEST_F(RunnerTurnsTest, EachRoundDoesOneUnitOfEveryRunnableJobInIdOrder) {
  add_kind("three", 3, 1ms);
  add_kind("one", 1, 1ms);
  add_kind("two", 2, 1ms);
  int64_t a = enqueue("three"), b = enqueue("one"), c = enqueue("two");
  RunReport r = run();
  EXPECT_EQ(r.outcome(), "ok");
  EXPECT_EQ(order, (std::vector<int64_t>{a, b, c, a, c, a}));
  EXPECT_EQ(r.counts.jobs_finished, 3);
  for (int64_t id : {a, b, c}) {
    EXPECT_EQ(jobs_.get(id)->status, JobStatus::kSucceeded);
    EXPECT_EQ(jobs_.get(id)->attempts, 1);
  }
}

TEST_F(RunnerTurnsTest, AJobKeepsItsHandlerAcrossRounds) {
  add_kind("four", 4, 1ms);
  enqueue("four");
  enqueue("four");
  run();
  EXPECT_EQ(made["four"], 2);  // one handler per job, not one per unit
  EXPECT_EQ(order.size(), 8u);
}

TEST_F(RunnerTurnsTest, BudgetSpentPutsEveryJobInProgressBackToQueued) {
  add_kind("slow", 10, 4s);  // 10 s budget: units start at 0, 4 and 8 s
  int64_t a = enqueue("slow"), b = enqueue("slow"), c = enqueue("slow");
  RunReport r = run();
  EXPECT_EQ(r.outcome(), "interrupted");
  EXPECT_EQ(order, (std::vector<int64_t>{a, b, c}));
  for (int64_t id : {a, b, c}) {
    auto job = *jobs_.get(id);
    EXPECT_EQ(job.status, JobStatus::kQueued);
    EXPECT_EQ(job.progress_done, 1);
    EXPECT_EQ(job.failures, 0);
    EXPECT_EQ(job.error, "");
  }
  EXPECT_EQ(state::JobStore(store_).counts().running, 0);
}

TEST_F(RunnerTurnsTest, AJobNotReachedBeforeTheBudgetEndsIsNotStarted) {
  add_kind("slow", 10, 6s);  // 10 s budget: units start at 0 and 6 s
  int64_t a = enqueue("slow"), b = enqueue("slow"), c = enqueue("slow");
  run();
  EXPECT_EQ(jobs_.get(a)->progress_done, 1);
  EXPECT_EQ(jobs_.get(b)->progress_done, 1);
  EXPECT_EQ(jobs_.get(c)->attempts, 0);
  EXPECT_EQ(jobs_.get(c)->status, JobStatus::kQueued);
}

TEST_F(RunnerTurnsTest, AJobCancelledWhileOthersWorkStopsBeforeItsNextUnit) {
  int64_t b = 0;
  std::vector<int64_t> cleaned;
  add_kind("canceller", 3, 1ms, [&](state::Job& job) {
    std::string why;
    if (job.progress_done == 1) {
      EXPECT_TRUE(jobs_.cancel(b, services_.now, &why)) << why;
    }
  });
  add_kind("victim", 5, 1ms, {},
           [&cleaned](const config::Config&, io::Env&, const state::Job& job) {
             cleaned.push_back(job.id);
           });
  int64_t a = enqueue("canceller");
  b = enqueue("victim");
  run();
  EXPECT_EQ(order, (std::vector<int64_t>{a, b, a, a}));
  EXPECT_EQ(jobs_.get(b)->status, JobStatus::kCancelled);
  EXPECT_EQ(jobs_.get(b)->progress_done, 1);
  EXPECT_EQ(cleaned, std::vector<int64_t>{b});
  EXPECT_EQ(jobs_.get(a)->status, JobStatus::kSucceeded);
}

TEST_F(RunnerTurnsTest, AJobCancelledBeforeTheBudgetEndsIsCleanedUpNotRequeued) {
  int64_t b = 0;
  std::vector<int64_t> cleaned;
  add_kind("canceller", 5, 4s, [&](state::Job& job) {  // 10 s budget: units at 0, 4 and 8 s
    std::string why;
    if (job.progress_done == 1) {
      EXPECT_TRUE(jobs_.cancel(b, services_.now, &why)) << why;
    }
  });
  add_kind("victim", 5, 4s, {}, [&cleaned](const config::Config&, io::Env&, const state::Job& job) {
    cleaned.push_back(job.id);
  });
  int64_t a = enqueue("canceller");
  b = enqueue("victim");
  run();
  EXPECT_EQ(order, (std::vector<int64_t>{a, b, a}));
  EXPECT_EQ(jobs_.get(a)->status, JobStatus::kQueued);
  EXPECT_EQ(jobs_.get(b)->status, JobStatus::kCancelled);
  EXPECT_EQ(cleaned, std::vector<int64_t>{b});
}

// Cancels its own job during the unit, which then fails as `failure`.
class CancelledMidUnitJob : public JobHandler {
 public:
  CancelledMidUnitJob(Services& s, Failure failure) : s_(s), failure_(std::move(failure)) {}
  StepResult step(state::Job& job) override {
    std::string why;
    EXPECT_TRUE(state::JobStore(s_.store).cancel(job.id, s_.now, &why)) << why;
    return StepResult::failed(failure_);
  }

 private:
  Services& s_;
  Failure failure_;
};

TEST_F(RunnerTurnsTest, AJobCancelledDuringAUnitThatFailsStaysCancelled) {
  std::vector<int64_t> cleaned;
  for (auto kind : {FailureKind::kInterrupted, FailureKind::kTransient, FailureKind::kPermanent}) {
    std::string name = "cancelled-" + std::to_string(static_cast<int>(kind));
    registry_.add_job_kind(
        {name, "",
         [kind](Services& s) {
           return std::make_unique<CancelledMidUnitJob>(s, Failure{kind, "the call was cut short"});
         },
         [&cleaned](const config::Config&, io::Env&, const state::Job& job) {
           cleaned.push_back(job.id);
         }});
    int64_t id = enqueue(name);
    RunReport r = run();
    auto job = *jobs_.get(id);
    EXPECT_EQ(job.status, JobStatus::kCancelled) << name;
    EXPECT_EQ(job.failures, 0) << name;
    EXPECT_EQ(r.counts.jobs_failed, 0) << name;
    EXPECT_EQ(cleaned.back(), id) << name;
  }
  EXPECT_TRUE(alerts_.events.empty());
}

TEST_F(RunnerTurnsTest, FailingAndWaitingJobsLeaveTheRoundsToTheOthers) {
  registry_.add_job_kind({"flaky", "", [](Services&) {
                            return std::make_unique<FailingJob>(Failure::transient("HTTP 502"));
                          }});
  add_settling(services_.now + 3h, 2);
  add_kind("three", 3, 1ms);
  int64_t f = enqueue("flaky"), w = enqueue("settle"), t = enqueue("three");
  RunReport r = run();
  EXPECT_EQ(order, (std::vector<int64_t>{t, t, t}));
  EXPECT_EQ(jobs_.get(t)->status, JobStatus::kSucceeded);
  EXPECT_EQ(jobs_.get(f)->status, JobStatus::kQueued);
  EXPECT_EQ(jobs_.get(f)->failures, 1);
  EXPECT_EQ(jobs_.get(w)->status, JobStatus::kQueued);
  EXPECT_EQ(r.counts.units_done, 3);
}

}  // namespace
}  // namespace ferry::core::testing
