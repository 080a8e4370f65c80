// The totals table: what a run's end adds, rows a task recorded in run_stats, and the start
// values migration 10 gives a state that has history.
#include <gtest/gtest.h>

#include "ferry/state/copy.h"
#include "ferry/state/runs.h"
#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::state {
namespace {

using ferry::testing::TempDir;

const TimePoint kNow = *parse_iso8601("2026-12-01T12:00:00Z");

TEST(Totals, RunEndAddsOutcomeMailsAndTheRunsTotalsInOneGo) {
  TempDir dir;
  ferry::testing::TestStore store(dir.path());
  RunStore runs(store);
  int64_t id = runs.begin(kNow, 1);
  RunStatStore(store).add(id, "mindtrails:prod:rows_exported", 7);
  RunStatStore(store).add(id, "mindtrails:test:rows_exported", 5);
  RunStatStore(store).add(id, "mindtrails:prod:decrypt_failures", 3);
  RunCounts counts;
  counts.alerts_sent = 2;
  RunTotals totals;
  totals.units = {{"cake", 4}};
  totals.rows = {{"cake", 100}};
  totals.job_failures = {{"cake-clicks", 1}};
  totals.bytes_uploaded = 12345;
  runs.end(id, kNow, "failed", counts, "", totals);
  auto t = TotalStore(store).all();
  EXPECT_EQ(t["runs"]["failed"], 1);
  EXPECT_EQ(t["alerts_sent"][""], 2);
  EXPECT_EQ(t["units"]["cake"], 4);
  EXPECT_EQ(t["rows"]["cake"], 100);
  EXPECT_EQ(t["rows"]["mindtrails"], 12);
  EXPECT_EQ(t["job_failures"]["cake-clicks"], 1);
  EXPECT_EQ(t["bytes_uploaded"][""], 12345);
  EXPECT_EQ(t["rows"].size(), 2u);
}

TEST(Totals, UnrecordedRunsCountAsInterrupted) {
  TempDir dir;
  ferry::testing::TestStore store(dir.path());
  RunStore runs(store);
  int64_t id = runs.begin(kNow, 1);
  runs.close_unrecorded({id}, kNow);
  EXPECT_EQ(TotalStore(store).all()["runs"]["interrupted"], 1);
  runs.close_unrecorded({id}, kNow);  // already closed: not counted again
  EXPECT_EQ(TotalStore(store).all()["runs"]["interrupted"], 1);
}

TEST(Totals, MigrationStartsFromTheHistoryAStateHolds) {
  TempDir dir;
  {
    ferry::testing::TestStore store(dir.path());
    store.db().exec("DROP TABLE totals");
    store.db().exec("ALTER TABLE runs DROP COLUMN host");  // added by migration 11
    store.db().exec("DROP INDEX runs_lease");              // migration 12's
    store.db().exec("DROP TABLE claims");
    store.db().exec("DROP TABLE call_slots");
    store.db().exec("DROP TABLE job_units");
    store.db().exec("ALTER TABLE runs DROP COLUMN lease_until");
    store.db().exec(
        "INSERT INTO runs(started_at, finished_at, outcome, pid, alerts_sent) VALUES "
        "('2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z', 'ok', 1, 2), "
        "('2026-01-01T00:05:00Z', '2026-01-01T00:05:05Z', 'ok', 1, 0), "
        "('2026-01-01T00:10:00Z', '2026-01-01T00:10:05Z', 'failed', 1, 1), "
        "('2026-01-01T00:15:00Z', NULL, 'running', 1, 0)");
    record_version(store.db(), "core", 9);
  }
  ferry::testing::TestStore store(dir.path());
  EXPECT_EQ(store.schema_version(), migrations().back().version);
  auto t = TotalStore(store).all();
  EXPECT_EQ(t["runs"]["ok"], 2);
  EXPECT_EQ(t["runs"]["failed"], 1);
  EXPECT_EQ(t["runs"].count("running"), 0u);
  EXPECT_EQ(t["alerts_sent"][""], 3);
}

}  // namespace
}  // namespace ferry::state
