#include "ferry/state/leases.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ferry/sql/statement.h"
#include "state/jobs_fixture.h"

namespace ferry::state::testing {
namespace {

using std::chrono::milliseconds;

std::string lease_of(Store& store, int64_t run) {
  sql::Statement q(store.db(), "SELECT coalesce(lease_until, '') FROM runs WHERE id = ?");
  q.bind(1, run);
  return q.step() ? q.column(0).text() : "?";
}

std::string outcome_of(Store& store, int64_t run) {
  sql::Statement q(store.db(), "SELECT outcome FROM runs WHERE id = ?");
  q.bind(1, run);
  return q.step() ? q.column(0).text() : "?";
}

TEST(ClaimsTest, ATaskIsHeldByOneLiveRunAtATime) {
  JobsFixture f;
  RunStore runs(f.store);
  ClaimStore claims(f.store);
  int64_t a = runs.begin(kT0, 10, "alpha", kT0 + seconds(60));
  int64_t b = runs.begin(kT0, 20, "beta", kT0 + seconds(60));
  EXPECT_TRUE(claims.claim("task:cake-daily", a, kT0));
  EXPECT_TRUE(claims.claim("task:cake-daily", a, kT0 + seconds(1)));  // again: still a's
  EXPECT_FALSE(claims.claim("task:cake-daily", b, kT0 + seconds(1)));
  EXPECT_TRUE(claims.claim("task:mindtrails", b, kT0));  // another stream at once
  auto held = claims.held();
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].name, "task:cake-daily");
  EXPECT_EQ(held[0].owner, "alpha pid 10");
  EXPECT_EQ(held[0].lease_until, format_iso8601(kT0 + seconds(60)));
  claims.release("task:cake-daily", b);  // not b's: nothing changes
  EXPECT_FALSE(claims.claim("task:cake-daily", b, kT0 + seconds(2)));
  claims.release("task:cake-daily", a);
  EXPECT_TRUE(claims.claim("task:cake-daily", b, kT0 + seconds(2)));
}

TEST(ClaimsTest, AClaimLapsesWithItsRunsLeaseOrEnd) {
  JobsFixture f;
  RunStore runs(f.store);
  ClaimStore claims(f.store);
  int64_t a = runs.begin(kT0, 10, "alpha", kT0 + seconds(60));
  int64_t b = runs.begin(kT0, 20, "beta", kT0 + seconds(60));
  ASSERT_TRUE(claims.claim("task:x", a, kT0));
  EXPECT_FALSE(claims.claim("task:x", b, kT0 + seconds(60)));  // the lease runs to its second
  EXPECT_TRUE(claims.claim("task:x", b, kT0 + seconds(61)));   // then a is taken for dead
  runs.end(b, kT0 + seconds(62), "ok", {}, "");
  EXPECT_TRUE(claims.held().empty());
  EXPECT_TRUE(claims.claim("task:x", a, kT0 + seconds(62)));  // b ended: free again
}

TEST(SlotsTest, AtMostLimitCallsAreInFlightAcrossRuns) {
  JobsFixture f;
  RunStore runs(f.store);
  SlotStore slots(f.store);
  int64_t a = runs.begin(kT0, 10, "alpha", kT0 + seconds(60));
  int64_t b = runs.begin(kT0, 20, "beta", kT0 + seconds(60));
  EXPECT_EQ(slots.take("cake:x", 2, a, kT0), 0);
  EXPECT_EQ(slots.take("cake:x", 2, b, kT0), 1);
  EXPECT_EQ(slots.take("cake:x", 2, b, kT0), std::nullopt);  // both held
  EXPECT_EQ(slots.take("cake:y", 2, b, kT0), 0);             // another instance's own count
  EXPECT_EQ(slots.in_use("cake:x"), 2);
  slots.give("cake:x", 0, b);  // not b's: still a's
  EXPECT_EQ(slots.take("cake:x", 2, b, kT0), std::nullopt);
  slots.give("cake:x", 0, a);
  EXPECT_EQ(slots.take("cake:x", 2, b, kT0), 0);
  EXPECT_EQ(slots.in_use("cake:x"), 2);
}

TEST(SlotsTest, ASlotOfADeadRunIsFreeAgain) {
  JobsFixture f;
  RunStore runs(f.store);
  SlotStore slots(f.store);
  int64_t a = runs.begin(kT0, 10, "alpha", kT0 + seconds(60));
  int64_t b = runs.begin(kT0, 20, "beta", kT0 + seconds(600));
  ASSERT_EQ(slots.take("cake:x", 1, a, kT0), 0);
  EXPECT_EQ(slots.take("cake:x", 1, b, kT0 + seconds(60)), std::nullopt);
  EXPECT_EQ(slots.take("cake:x", 1, b, kT0 + seconds(61)), 0);  // a's lease passed
  runs.end(b, kT0 + seconds(62), "ok", {}, "");                 // b ended, its slot with it
  EXPECT_EQ(slots.in_use("cake:x"), 0);
  int64_t c = runs.begin(kT0, 30, "gamma", std::nullopt);  // one host on SQLite: no lease
  EXPECT_EQ(slots.take("cake:x", 1, c, kT0 + seconds(9999)), 0);
}

TEST(LeasesTest, OnASharedStateOnlyThisHostsRunsAndExpiredLeasesAreTakenForDead) {
  JobsFixture f;  // its run (pid 1, no host, no lease) counts as dead: it never had a lease
  RunStore runs(f.store);
  int64_t mine_before = runs.begin(kT0, 10, "alpha", kT0 + seconds(60));
  int64_t live = runs.begin(kT0, 20, "beta", kT0 + seconds(60));
  int64_t expired = runs.begin(kT0, 30, "gamma", kT0 + seconds(5));
  int64_t me = runs.begin(kT0 + seconds(10), 40, "alpha", kT0 + seconds(70));
  EXPECT_EQ(runs.mark_crashed(me, RunStore::Shared{"alpha", kT0 + seconds(10)}), 3);
  EXPECT_EQ(outcome_of(f.store, f.run_id), "crashed");
  EXPECT_EQ(outcome_of(f.store, mine_before), "crashed");
  EXPECT_EQ(outcome_of(f.store, expired), "crashed");
  EXPECT_EQ(outcome_of(f.store, live), "running");
  EXPECT_EQ(outcome_of(f.store, me), "running");
  auto notes = runs.recent(10);
  bool said = false;
  for (const auto& r : notes)
    if (r.id == expired)
      said = r.note == "its lease ran out (" + format_iso8601(kT0 + seconds(5)) +
                           "): its host stopped renewing it";
  EXPECT_TRUE(said);
  EXPECT_EQ(runs.mark_crashed(me), 1);  // one host, holding the run lock: every other run
  EXPECT_EQ(outcome_of(f.store, live), "crashed");
}

TEST(LeasesTest, TheKeeperRenewsTheLeaseUntilItsRunIsTakenForDead) {
  JobsFixture f;
  RunStore runs(f.store);
  TimePoint clock = kT0 + seconds(30);
  int64_t run = runs.begin(kT0, 10, "alpha", kT0 + seconds(60));
  std::atomic<int> lost{0};
  auto connect = [&f] { return f.store.connect_again(); };
  {
    // A third of a 3 s lease: the first renewal comes 1 s after the keeper starts.
    LeaseKeeper keeper(
        connect, run, seconds(3), [clock] { return clock; },
        [&lost](const std::string&) { ++lost; });
    EXPECT_EQ(keeper.renewals(), 0);
    EXPECT_EQ(lease_of(f.store, run), format_iso8601(kT0 + seconds(60)));  // begin()'s
    for (int i = 0; i < 500 && keeper.renewals() == 0; ++i)
      std::this_thread::sleep_for(milliseconds(10));
    EXPECT_GE(keeper.renewals(), 1);
  }
  EXPECT_EQ(lease_of(f.store, run), format_iso8601(kT0 + seconds(33)));
  EXPECT_EQ(lost.load(), 0);
  int64_t beta = runs.begin(kT0, 11, "beta", kT0 + seconds(120));
  // Another host finds the lease passed: `run` and the fixture's run (which had none) are dead.
  ASSERT_EQ(runs.mark_crashed(beta, RunStore::Shared{"beta", kT0 + seconds(34)}), 2);
  std::string why;
  {
    LeaseKeeper keeper(
        connect, run, seconds(3), [clock] { return clock; },
        [&lost, &why](const std::string& w) {
          why = w;
          ++lost;
        });
    for (int i = 0; i < 500 && lost.load() == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(lost.load(), 1);
  EXPECT_NE(why.find("run " + std::to_string(run) + " lost its lease"), std::string::npos) << why;
  EXPECT_EQ(outcome_of(f.store, run), "crashed");  // not renewed once it was taken for dead
}

}  // namespace
}  // namespace ferry::state::testing
