// The runner on a full state disk: the run stops, nothing is counted as a failure, the job goes
// back to the queue, no alert is raised, and the run's row says why.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include "ferry/sql/statement.h"

#include "core/runner_fixture.h"
#include "support/test_store.h"

namespace ferry::core::testing {
namespace {

// Like a pipeline's step whose commit meets a full disk and that returns the store's error as
// a Failure value (as the CAKE jobs do), or lets it through (`as_value` false).
class FullDiskJob : public JobHandler {
 public:
  FullDiskJob(Services& s, bool as_value) : s_(s), as_value_(as_value) {}
  StepResult step(state::Job&) override {
    try {
      s_.store.transaction([&] {
        throw sql::Error("sqlite " + s_.store.path(), "database or disk is full",
                         sql::Error::Cause::kFull);
      });
    } catch (const OperationError& e) {
      if (!as_value_) throw;
      return StepResult::failed(Failure{e.kind(), std::string("pipeline: ") + e.what()});
    }
    return StepResult::done();
  }

 private:
  Services& s_;
  bool as_value_;
};

class RunnerDiskTest : public RunnerTest, public ::testing::WithParamInterface<bool> {};

TEST_P(RunnerDiskTest, AFullStateDiskStopsTheRunWithNothingCountedOrAlerted) {
  bool as_value = GetParam();
  registry_.add_job_kind(
      {"full", "", [=](Services& s) { return std::make_unique<FullDiskJob>(s, as_value); }});
  add_counting(2, 1ms);
  int64_t full = enqueue("full");
  int64_t other = enqueue("count");

  RunReport report = run();
  EXPECT_TRUE(report.failed());
  EXPECT_NE(report.state_full.find("disk is full"), std::string::npos) << report.state_full;
  EXPECT_NE(report.state_full.find(store_.path()), std::string::npos) << report.state_full;
  EXPECT_EQ(report.counts.jobs_failed, 0);
  EXPECT_EQ(report.counts.units_failed, 0);

  auto j = jobs_.get(full);
  EXPECT_EQ(j->status, JobStatus::kQueued);
  EXPECT_EQ(j->failures, 0);
  EXPECT_EQ(j->error, "");
  EXPECT_EQ(jobs_.get(other)->attempts, 0) << "the run stopped before the next job";
  EXPECT_TRUE(alerts_.events.empty());
  auto last = state::RunStore(store_).last_finished();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->outcome, "failed");
  EXPECT_NE(last->note.find("disk is full"), std::string::npos) << last->note;
}

INSTANTIATE_TEST_SUITE_P(ThrownOrReturned, RunnerDiskTest, ::testing::Bool());

TEST(StoreDiskFull, FullDiskErrorsAreRecognisedAndRemembered) {
  ferry::testing::TempDir dir;
  ferry::testing::TestStore store(dir.path());
  EXPECT_FALSE(store.disk_full());
  EXPECT_FALSE(store.disk_full_error(
      sql::Error("sqlite " + store.path(), "database is locked", sql::Error::Cause::kBusy)));
  EXPECT_FALSE(store.disk_full_error(std::runtime_error("database or disk is full")));
  EXPECT_FALSE(store.disk_full());
  auto full = store.disk_full_error(
      sql::Error("sqlite " + store.path(), "database or disk is full", sql::Error::Cause::kFull));
  ASSERT_TRUE(full);
  EXPECT_EQ(full->kind(), FailureKind::kInterrupted);
  EXPECT_NE(std::string(full->what()).find("state " + store.path() + ": the disk is full"),
            std::string::npos)
      << full->what();
  ASSERT_TRUE(store.disk_full());
  EXPECT_EQ(std::string(store.disk_full()->what()), full->what());
  try {
    store.transaction([&] {
      throw sql::Error("sqlite " + store.path(), "database or disk is full",
                       sql::Error::Cause::kFull);
    });
    ADD_FAILURE() << "no exception";
  } catch (const state::StateFullError& e) {
    EXPECT_NE(std::string(e.what()).find("disk is full"), std::string::npos);
  }
}

}  // namespace
}  // namespace ferry::core::testing
