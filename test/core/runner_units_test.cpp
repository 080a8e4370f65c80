// The runner on a shared state with a job kind whose units are independent: runs join a job
// another run leads, and go on with it when that run leaves it.
#include <gtest/gtest.h>

#include "core/runner_fixture.h"
#include "ferry/core/units.h"

namespace ferry::core::testing {
namespace {

// `units` units, unit k recorded with checkpoint "k + 1"; `after(unit)` runs once it is.
class HoursJob : public JobHandler {
 public:
  HoursJob(Services& s, int units, std::function<void(int64_t)> after)
      : s_(s), after_(std::move(after)) {
    map_.count = units;
    map_.done_before = [](const std::string& c) -> int64_t {
      return c.empty() ? 0 : std::stoll(c);
    };
    map_.checkpoint_at = [](int64_t k) { return std::to_string(k); };
  }
  StepResult step(state::Job& job) override {
    return step_free_unit(s_, job, map_, [&](int64_t unit) {
      bool all =
          state::JobStore(s_.store, true).commit_unit_of(job.id, unit, map_, {}, s_.wall.now());
      if (after_) after_(unit);
      return all ? StepResult::done() : StepResult::more();
    });
  }

 private:
  Services& s_;
  state::UnitMap map_;
  std::function<void(int64_t)> after_;
};

class RunnerUnitsTest : public RunnerTest {
 protected:
  void add_hours(int units, std::function<void(int64_t)> after = {}) {
    JobKind kind{"hours", "",
                 [=](Services& s) { return std::make_unique<HoursJob>(s, units, after); }};
    kind.independent_units = true;
    registry_.add_job_kind(kind);
  }
  RunOptions shared() {
    RunOptions o;
    o.shared = true;
    o.host = "alpha";
    return o;
  }
};

TEST_F(RunnerUnitsTest, ARunJoinsAJobAnotherLiveRunLeads) {
  add_hours(4);
  int64_t id = enqueue("hours");
  int64_t beta = state::RunStore(store_).begin(wall_.now(), 77, "beta", wall_.now() + 60s);
  ASSERT_TRUE(jobs_.start(id, beta, wall_.now()));
  RunReport r = run(shared());
  EXPECT_EQ(r.counts.units_done, 4);
  auto job = jobs_.get(id);
  EXPECT_EQ(job->status, JobStatus::kSucceeded);
  EXPECT_EQ(job->progress_done, 4);
  EXPECT_EQ(job->attempts, 1);  // beta's start; joining is not one
}

TEST_F(RunnerUnitsTest, AJobItsLeaderLeftToTheQueueBetweenTwoUnitsIsTakenUpAndFinished) {
  int64_t id = 0, beta = 0;
  ferry::testing::TestStore beta_store(dir_.path());
  add_hours(6, [&](int64_t unit) {
    if (unit != 0) return;
    // beta stops (its budget spent) while this run holds no unit: the job goes to the queue.
    beta_store.hold_leases_as(beta);
    EXPECT_EQ(state::JobStore(beta_store, true).leave(id, wall_.now()), state::Left::kQueued);
  });
  id = enqueue("hours");
  beta = state::RunStore(store_).begin(wall_.now(), 77, "beta", wall_.now() + 60s);
  ASSERT_TRUE(jobs_.start(id, beta, wall_.now()));
  RunReport r = run(shared());
  EXPECT_EQ(r.counts.units_done, 6);
  EXPECT_EQ(r.counts.jobs_finished, 1);
  auto job = jobs_.get(id);
  EXPECT_EQ(job->status, JobStatus::kSucceeded);
  EXPECT_EQ(job->progress_done, 6);
  EXPECT_EQ(job->attempts, 2);
  EXPECT_EQ(job->failures, 0);
}

TEST_F(RunnerUnitsTest, AJobSentBackAfterAFailureIsNotTakenUpAgainInTheSameRun) {
  int64_t id = 0, beta = 0;
  ferry::testing::TestStore beta_store(dir_.path());
  add_hours(6, [&](int64_t unit) {
    if (unit != 0) return;
    beta_store.hold_leases_as(beta);
    state::JobStore jobs(beta_store, true);
    jobs.add_failure(id, "boom", wall_.now());
    ASSERT_TRUE(jobs.finish(id, JobStatus::kQueued, "boom", wall_.now()));
  });
  id = enqueue("hours");
  beta = state::RunStore(store_).begin(wall_.now(), 77, "beta", wall_.now() + 60s);
  ASSERT_TRUE(jobs_.start(id, beta, wall_.now()));
  RunReport r = run(shared());
  EXPECT_EQ(r.counts.units_done, 1);
  auto job = jobs_.get(id);
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->attempts, 1);
}

}  // namespace
}  // namespace ferry::core::testing
