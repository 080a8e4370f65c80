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
  // Queues an `hours` job and starts it under a live run of host beta; returns its id.
  int64_t started_by_beta() {
    int64_t id = enqueue("hours");
    beta_ = state::RunStore(store_).begin(wall_.now(), 77, "beta", wall_.now() + 60s);
    EXPECT_TRUE(jobs_.start(id, beta_, wall_.now()));
    beta_store_.hold_leases_as(beta_);
    return id;
  }
  // The job store as beta's run sees it, on a connection of its own.
  state::JobStore beta_jobs() { return state::JobStore(beta_store_, true); }
  RunOptions shared() {
    RunOptions o;
    o.shared = true;
    o.host = "alpha";
    return o;
  }
  int64_t beta_ = 0;
  ferry::testing::TestStore beta_store_{dir_.path()};
};

TEST_F(RunnerUnitsTest, ARunJoinsAJobAnotherLiveRunLeads) {
  add_hours(4);
  int64_t id = started_by_beta();
  RunReport r = run(shared());
  EXPECT_EQ(r.counts.units_done, 4);
  auto job = jobs_.get(id);
  EXPECT_EQ(job->status, JobStatus::kSucceeded);
  EXPECT_EQ(job->progress_done, 4);
  EXPECT_EQ(job->attempts, 1);  // beta's start; joining is not one
}

TEST_F(RunnerUnitsTest, AJobItsLeaderLeftToTheQueueBetweenTwoUnitsIsTakenUpAndFinished) {
  int64_t id = 0;
  add_hours(6, [&](int64_t unit) {
    // beta stops (its budget spent) while this run holds no unit: the job goes to the queue.
    if (unit == 0) {
      EXPECT_EQ(beta_jobs().leave(id, wall_.now()), state::Left::kQueued);
    }
  });
  id = started_by_beta();
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
  int64_t id = 0;
  add_hours(6, [&](int64_t unit) {
    if (unit != 0) return;
    beta_jobs().add_failure(id, "boom", wall_.now());
    ASSERT_TRUE(beta_jobs().finish(id, JobStatus::kQueued, "boom", wall_.now()));
  });
  id = started_by_beta();
  RunReport r = run(shared());
  EXPECT_EQ(r.counts.units_done, 1);
  auto job = jobs_.get(id);
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->attempts, 1);
}

}  // namespace
}  // namespace ferry::core::testing
