// The run's additions to the cumulative counters: units per pipeline (jobs and tasks), rows and
// uploaded bytes of new outputs, jobs failed per kind, all recorded with the run's end.
#include "core/runner_fixture.h"
#include "ferry/state/history.h"

namespace ferry::core::testing {
namespace {

// A job of two units, each recording one output of 10 rows (the second one uploaded).
class OutputJob : public JobHandler {
 public:
  explicit OutputJob(Services& s) : s_(s) {}
  StepResult step(state::Job& job) override {
    int64_t done = job.progress_done + 1;
    state::JobOutput o;
    o.name = "part" + std::to_string(done) + ".csv";
    o.rows = 10;
    o.size = 1000 * done;
    if (done == 2) {
      o.s3_target = "reports";
      o.s3_key = "x/" + o.name;
    }
    state::JobStore(s_.store).commit_unit(job.id, "", done, 2, {o}, s_.now);
    return done >= 2 ? StepResult::done() : StepResult::more();
  }

 private:
  Services& s_;
};

std::map<std::string, std::map<std::string, int64_t>> totals(state::Store& store) {
  return state::TotalStore(store).all();
}

TEST_F(RunnerTest, TotalsCountUnitsRowsBytesAndFailuresPerPipeline) {
  JobKind out{"out", "", [](Services& s) { return std::make_unique<OutputJob>(s); }};
  out.pipeline = "alpha";
  registry_.add_job_kind(std::move(out));
  registry_.add_job_kind({"bad", "", [](Services&) {
                            return std::make_unique<FailingJob>(Failure::permanent("no"));
                          }});
  int steps = 0;
  TaskKind tick{"tick", "", [&steps](Services&, const TaskArgs&) {
                  return std::make_unique<OnceTask>(&steps);
                }};
  tick.pipeline = "beta";
  registry_.add_task(std::move(tick));
  enqueue("out");
  enqueue("bad");
  RunReport r = run();
  EXPECT_EQ(r.counts.units_done, 4);
  auto t = totals(store_);
  EXPECT_EQ(t["units"]["alpha"], 2);
  EXPECT_EQ(t["units"]["beta"], 2);
  EXPECT_EQ(t["rows"]["alpha"], 20);
  EXPECT_EQ(t["bytes_uploaded"][""], 2000);
  EXPECT_EQ(t["job_failures"]["bad"], 1);  // a kind without pipeline counts under its name
  EXPECT_EQ(t["runs"]["failed"], 1);
  EXPECT_EQ(t["units"].count("bad"), 0u);
}

TEST_F(RunnerTest, TotalsGrowRunAfterRunAndSurvivePruning) {
  add_counting(1, 1ms);
  for (int i = 0; i < 3; ++i) {
    enqueue("count");
    run();
  }
  EXPECT_EQ(totals(store_)["runs"]["ok"], 3);
  EXPECT_EQ(totals(store_)["units"]["count"], 3);
  state::HistoryLimits limits;
  limits.keep_history = Seconds(1);
  limits.keep_jobs = Seconds(1);
  auto pruned = state::prune_history(store_, wall_.now() + std::chrono::hours(24 * 30), limits,
                                     [] { return true; });
  EXPECT_EQ(pruned.runs, 3);
  EXPECT_EQ(sql::Field(store_.db().scalar("SELECT count(*) FROM runs")).integer(), 0);
  EXPECT_EQ(totals(store_)["runs"]["ok"], 3);
  EXPECT_EQ(totals(store_)["units"]["count"], 3);
}

TEST_F(RunnerTest, CrashedRunsAreCountedWhenTheNextRunFindsThem) {
  state::RunStore runs(store_);
  runs.begin(wall_.now(), 1);  // a run whose process died
  add_counting(1, 1ms);
  run();
  auto t = totals(store_);
  EXPECT_EQ(t["runs"]["crashed"], 1);
  EXPECT_EQ(t["runs"]["ok"], 1);
}

}  // namespace
}  // namespace ferry::core::testing
