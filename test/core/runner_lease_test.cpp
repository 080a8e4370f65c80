// The runner on a shared state (RunOptions::shared): what another host's live run holds is left
// to it; what a run whose lease passed held is taken over.
#include <gtest/gtest.h>

#include "core/runner_fixture.h"
#include "ferry/core/streams.h"
#include "ferry/state/leases.h"

namespace ferry::core::testing {
namespace {

using state::JobStatus;

class RunnerLeaseTest : public RunnerTest {
 protected:
  RunOptions shared() {
    RunOptions o;
    o.shared = true;
    o.host = "alpha";
    return o;
  }
  // A run of host beta whose lease ends `lease` after the wall clock's now.
  int64_t beta_run(std::chrono::seconds lease) {
    return state::RunStore(store_).begin(wall_.now(), 77, "beta", wall_.now() + lease);
  }
  std::string outcome(int64_t run) {
    for (const auto& r : state::RunStore(store_).recent(20))
      if (r.id == run) return r.outcome;
    return "?";
  }
};

TEST_F(RunnerLeaseTest, ATaskAnotherLiveHostClaimedIsLeftToIt) {
  int steps = 0;
  registry_.add_task({"once", "", [&steps](Services&, const TaskArgs&) {
                        return std::make_unique<OnceTask>(&steps);
                      }});
  int64_t beta = beta_run(std::chrono::seconds(60));
  ASSERT_TRUE(state::ClaimStore(store_).claim("task:once", beta, wall_.now()));
  run(shared());
  EXPECT_EQ(steps, 0);
  EXPECT_EQ(outcome(beta), "running");
  state::RunStore(store_).end(beta, wall_.now(), "ok", {}, "");
  run(shared());
  EXPECT_EQ(steps, 2);
  EXPECT_TRUE(state::ClaimStore(store_).held().empty());  // given up when the pass ended
  EXPECT_TRUE(state::ScheduleStore(store_).last_done("once").has_value());
}

// Claims streams `a` and `b` in its one step and records which it got.
class StreamsTask : public ScheduledTask {
 public:
  StreamsTask(Services& services, std::vector<std::string>* got) : s_(services), got_(got) {}
  bool due(std::optional<TimePoint>) override { return true; }
  StepResult step() override {
    for (const char* name : {"a", "b"}) {
      StreamClaim claim(s_, name);
      got_->push_back(std::string(name) + (claim.held() ? "" : " left to " + claim.holder()));
    }
    return StepResult::done();
  }

 private:
  Services& s_;
  std::vector<std::string>* got_;
};

TEST_F(RunnerLeaseTest, ATaskClaimingItsStreamsLeavesOnlyTheStreamsAnotherHostHolds) {
  std::vector<std::string> got;
  TaskKind kind{"streams", "", [&got](Services& s, const TaskArgs&) {
                  return std::make_unique<StreamsTask>(s, &got);
                }};
  kind.claims_streams = true;
  registry_.add_task(kind);
  int64_t beta = beta_run(std::chrono::seconds(60));
  ASSERT_TRUE(state::ClaimStore(store_).claim("task:streams", beta, wall_.now()));
  ASSERT_TRUE(state::ClaimStore(store_).claim("stream:a", beta, wall_.now()));
  run(shared());
  // On SQLite (one host) a stream is always this run's: beta's run is not live there.
  std::vector<std::string> want{"a", "b"};
  if (store_.postgres()) want[0] = "a left to beta pid 77";
  EXPECT_EQ(got, want);
  EXPECT_EQ(state::ClaimStore(store_).held().size(), 2u);  // beta's; this run's given back
}

TEST_F(RunnerLeaseTest, ALiveHostsJobIsLeftAndADeadOnesTakenOver) {
  add_counting(2, std::chrono::milliseconds(1));
  int64_t id = enqueue("count");
  int64_t beta = beta_run(std::chrono::seconds(60));
  ASSERT_TRUE(jobs_.start(id, beta, wall_.now()));
  RunReport r = run(shared());
  EXPECT_EQ(r.outcome(), "ok");
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kRunning);
  EXPECT_EQ(jobs_.get(id)->run_id, beta);
  EXPECT_EQ(outcome(beta), "running");
  // Without `shared` (SQLite: one host, the caller holds its lock) every other run is dead.
  int64_t gamma = state::RunStore(store_).begin(wall_.now(), 78, "gamma", wall_.now() - 1s);
  int64_t id2 = enqueue("count");
  ASSERT_TRUE(jobs_.start(id2, gamma, wall_.now()));
  r = run(shared());  // gamma's lease has passed: its job is taken over and finished
  EXPECT_EQ(outcome(gamma), "crashed");
  EXPECT_EQ(jobs_.get(id2)->status, JobStatus::kSucceeded);
  EXPECT_EQ(jobs_.get(id2)->crashes, 1);
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kRunning);  // beta's still
  run();
  EXPECT_EQ(outcome(beta), "crashed");
  EXPECT_EQ(jobs_.get(id)->status, JobStatus::kSucceeded);
}

}  // namespace
}  // namespace ferry::core::testing
