// Independent units: claims, commits out of order, takeover from a dead run, leaving a job.
#include <gtest/gtest.h>

#include "ferry/sql/statement.h"
#include "state/jobs_fixture.h"

namespace ferry::state::testing {
namespace {

// Ten units; the checkpoint is "u" followed by the count done in order.
UnitMap ten_units() {
  UnitMap m;
  m.count = 10;
  m.done_before = [](const std::string& c) -> int64_t {
    return c.empty() ? 0 : std::stoll(c.substr(1));
  };
  m.checkpoint_at = [](int64_t k) { return "u" + std::to_string(k); };
  return m;
}

JobOutput out(const std::string& name) {
  JobOutput o;
  o.name = name;
  o.rows = 1;
  return o;
}

int64_t claim(JobStore& jobs, int64_t id, TimePoint now = kT0) {
  auto c = jobs.claim_unit(id, ten_units(), now);
  return c.result == UnitClaim::Result::kClaimed ? c.unit : -1;
}

// Claims and records units 0 .. n - 1 of job `id` in order, as the store's lease holder.
void do_units(JobStore& jobs, int64_t id, int64_t n) {
  for (int64_t u = 0; u < n; ++u) {
    ASSERT_EQ(claim(jobs, id), u);
    jobs.commit_unit_of(id, u, ten_units(), {}, kT0);
  }
}

int64_t unit_rows(Store& store) {
  sql::Statement q(store.db(), "SELECT count(*) FROM job_units");
  return q.step() ? q.column(0).int64() : -1;
}

TEST(JobUnitsTest, RunsClaimDifferentUnitsAndTheCheckpointCoversThoseDoneInOrder) {
  JobsFixture f;
  int64_t id = f.running();
  int64_t b = RunStore(f.store).begin(kT0, 2);
  f.store.hold_leases_as(f.run_id);
  EXPECT_EQ(claim(f.jobs, id), 0);
  f.store.hold_leases_as(b);
  EXPECT_EQ(claim(f.jobs, id), 1);
  EXPECT_FALSE(f.jobs.commit_unit_of(id, 1, ten_units(), {out("1")}, kT0));
  auto j = *f.jobs.get(id);
  EXPECT_EQ(j.checkpoint, "u0");  // unit 0 is not done yet
  EXPECT_EQ(j.progress_done, 1);
  EXPECT_EQ(j.progress_total, 10);
  EXPECT_EQ(claim(f.jobs, id), 2);  // 0 is still the first run's
  auto held = f.jobs.held_units();
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].unit * 100 + held[0].run_id, f.run_id);  // unit 0, the first run's
  EXPECT_EQ(held[1].unit * 100 + held[1].run_id, 200 + b);
  f.store.hold_leases_as(f.run_id);
  EXPECT_FALSE(f.jobs.commit_unit_of(id, 0, ten_units(), {out("0")}, kT0));
  j = *f.jobs.get(id);
  EXPECT_EQ(j.checkpoint, "u2");
  EXPECT_EQ(j.progress_done, 2);
  EXPECT_EQ(j.outputs.size(), 2u);
  EXPECT_EQ(unit_rows(f.store), 1);  // only b's claim on 2: rows the checkpoint covers go
  EXPECT_THROW(f.jobs.commit_unit_of(id, 2, ten_units(), {out("2")}, kT0), LeaseLost);
  EXPECT_THROW(f.jobs.commit_unit_of(id, 1, ten_units(), {out("1")}, kT0), LeaseLost);
  EXPECT_EQ(f.jobs.get(id)->outputs.size(), 2u);  // nothing recorded twice
}

TEST(JobUnitsTest, TheLastUnitDoneSaysSoAndThenAllAreDone) {
  JobsFixture f;
  int64_t id = f.running();
  f.store.hold_leases_as(f.run_id);
  for (int64_t u = 0; u < 10; ++u) {
    ASSERT_EQ(claim(f.jobs, id), u);
    EXPECT_EQ(f.jobs.commit_unit_of(id, u, ten_units(), {}, kT0), u == 9);
  }
  EXPECT_EQ(f.jobs.claim_unit(id, ten_units(), kT0).result, UnitClaim::Result::kAllDone);
  EXPECT_EQ(f.jobs.get(id)->checkpoint, "u10");
  EXPECT_EQ(unit_rows(f.store), 0);
}

TEST(JobUnitsTest, AClaimOfARunWhoseLeasePassedIsTakenOverAndItsCommitRefused) {
  JobsFixture f;
  int64_t id = f.running();
  int64_t dying = RunStore(f.store).begin(kT0, 2, "beta", kT0 + seconds(60));
  int64_t b = RunStore(f.store).begin(kT0, 3, "gamma", kT0 + seconds(600));
  f.store.hold_leases_as(dying);
  EXPECT_EQ(claim(f.jobs, id), 0);
  f.store.hold_leases_as(b);
  EXPECT_EQ(claim(f.jobs, id, kT0 + seconds(30)), 1);  // 0 is held while its lease lasts
  EXPECT_EQ(claim(f.jobs, id, kT0 + seconds(61)), 0);  // then taken over
  f.store.hold_leases_as(dying);
  EXPECT_THROW(f.jobs.commit_unit_of(id, 0, ten_units(), {}, kT0 + seconds(62)), LeaseLost);
  f.store.hold_leases_as(b);
  EXPECT_FALSE(f.jobs.commit_unit_of(id, 0, ten_units(), {}, kT0 + seconds(62)));
  f.jobs.release_unit(id, 1);
  EXPECT_EQ(claim(f.jobs, id, kT0 + seconds(62)), 1);  // given back, free again
}

TEST(JobUnitsTest, NoUnitFreeWhileOthersHoldTheRest) {
  JobsFixture f;
  int64_t id = f.running();
  int64_t b = RunStore(f.store).begin(kT0, 2);
  f.store.hold_leases_as(f.run_id);
  do_units(f.jobs, id, 9);
  ASSERT_EQ(claim(f.jobs, id), 9);
  f.store.hold_leases_as(b);
  EXPECT_EQ(f.jobs.claim_unit(id, ten_units(), kT0).result, UnitClaim::Result::kNoneFree);
}

TEST(JobUnitsTest, LeavingHandsTheJobToALiveClaimantOrQueuesIt) {
  JobsFixture f;
  int64_t id = f.running();  // started by f.run_id
  int64_t b = RunStore(f.store).begin(kT0, 2);
  f.store.hold_leases_as(b);
  ASSERT_EQ(claim(f.jobs, id), 0);
  EXPECT_EQ(f.jobs.leave(id, kT0), Left::kNothing);  // the run that started it goes on
  EXPECT_EQ(unit_rows(f.store), 0);                  // b's claim given back
  ASSERT_EQ(claim(f.jobs, id), 0);
  f.store.hold_leases_as(f.run_id);
  EXPECT_EQ(f.jobs.leave(id, kT0), Left::kHandedOver);
  EXPECT_EQ(f.jobs.get(id)->run_id, b);
  EXPECT_EQ(f.jobs.get(id)->status, JobStatus::kRunning);
  f.store.hold_leases_as(b);
  EXPECT_EQ(f.jobs.leave(id, kT0), Left::kQueued);
  EXPECT_EQ(f.jobs.get(id)->status, JobStatus::kQueued);
}

TEST(JobUnitsTest, LeavingAJobWhoseUnitsAreAllDoneEndsIt) {
  JobsFixture f;
  int64_t id = f.running();
  int64_t b = RunStore(f.store).begin(kT0, 2);
  f.store.hold_leases_as(f.run_id);
  do_units(f.jobs, id, 9);
  f.store.hold_leases_as(b);
  ASSERT_EQ(claim(f.jobs, id), 9);
  f.store.hold_leases_as(f.run_id);
  EXPECT_EQ(f.jobs.claim_unit(id, ten_units(), kT0).result, UnitClaim::Result::kNoneFree);
  f.store.hold_leases_as(b);
  EXPECT_TRUE(f.jobs.commit_unit_of(id, 9, ten_units(), {}, kT0));
  // The run with none free leaves before b ends the job: the job ends, not back to the queue.
  f.store.hold_leases_as(f.run_id);
  EXPECT_EQ(f.jobs.leave(id, kT0), Left::kSucceeded);
  EXPECT_EQ(f.jobs.get(id)->status, JobStatus::kSucceeded);
  EXPECT_FALSE(JobStore(f.store, true).finish(id, JobStatus::kSucceeded, "", kT0));
}

TEST(JobUnitsTest, AJobIsNoOrphanWhileALiveRunHoldsOneOfItsUnits) {
  JobsFixture f;
  int64_t id = f.running();
  int64_t b = RunStore(f.store).begin(kT0, 2);
  f.store.hold_leases_as(b);
  ASSERT_EQ(claim(f.jobs, id), 0);
  RunStore(f.store).mark_crashed(b);  // marks the fixture's run (not b's) crashed
  EXPECT_TRUE(f.jobs.orphaned().empty());
  f.jobs.release_unit(id, 0);
  EXPECT_EQ(ids(f.jobs.orphaned()), std::vector<int64_t>{id});
}

TEST(JobUnitsTest, AnyRunStillRunningChangesAJobWithSharedUnits) {
  JobsFixture f;
  int64_t id = f.running();
  int64_t b = RunStore(f.store).begin(kT0, 2);
  f.store.hold_leases_as(b);
  EXPECT_FALSE(f.jobs.finish(id, JobStatus::kQueued, "", kT0));  // one run's job
  JobStore shared(f.store, true);
  EXPECT_TRUE(shared.wait(id, kT0 + hours(1), false, kT0));
  ASSERT_TRUE(f.jobs.start(id, f.run_id, kT0));
  RunStore(f.store).mark_crashed(f.run_id);  // b is taken for dead
  f.store.hold_leases_as(b);
  EXPECT_FALSE(shared.finish(id, JobStatus::kQueued, "", kT0));
}

}  // namespace
}  // namespace ferry::state::testing
