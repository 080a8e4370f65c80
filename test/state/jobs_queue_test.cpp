// The job store's queue queries: filters of `ferry jobs`, identical active jobs, waiting jobs.
#include <gtest/gtest.h>

#include "state/jobs_fixture.h"

namespace ferry::state::testing {
namespace {

TEST(JobsTest, ListFiltersByStatusAndKind) {
  JobsFixture f;
  int64_t a = f.queued();
  int64_t b = f.in(JobStatus::kFailed);
  int64_t c = f.jobs.enqueue("other", "2016-01-10", "2016-01-10", "{}", kT0);
  EXPECT_EQ(ids(f.jobs.list({true, "queued", "", 10}, kT0)), (std::vector<int64_t>{c, a}));
  EXPECT_EQ(ids(f.jobs.list({true, "failed", "", 10}, kT0)), (std::vector<int64_t>{b}));
  EXPECT_EQ(ids(f.jobs.list({true, "", "other", 10}, kT0)), (std::vector<int64_t>{c}));
  EXPECT_EQ(ids(f.jobs.list({true, "queued", "other", 10}, kT0)), (std::vector<int64_t>{c}));
}

TEST(JobsTest, FindActiveMatchesOnlyQueuedOrRunningJobsOfTheSameRange) {
  JobsFixture f;
  int64_t failed = f.in(JobStatus::kFailed);
  std::string kind = f.jobs.get(failed)->kind;
  EXPECT_EQ(f.jobs.find_active(kind, "2016-01-10", "2016-01-10", "{}"), std::nullopt);
  int64_t q = f.jobs.enqueue(kind, "2016-01-10", "2016-01-11", "{}", kT0);
  EXPECT_EQ(f.jobs.find_active(kind, "2016-01-10", "2016-01-11", "{}"), q);
  EXPECT_EQ(f.jobs.find_active(kind, "2016-01-10", "2016-01-12", "{}"), std::nullopt);
  EXPECT_EQ(f.jobs.find_active(kind, "2016-01-10", "2016-01-11", "{\"a\":1}"), std::nullopt);
  EXPECT_EQ(f.jobs.find_active("other", "2016-01-10", "2016-01-11", "{}"), std::nullopt);
}

TEST(JobsTest, WaitingJobIsQueuedAndSkippedUntilItsTime) {
  JobsFixture f;
  int64_t a = f.queued();
  ASSERT_TRUE(f.jobs.start(a, f.run_id, kT0));
  f.jobs.commit_unit(a, "cp", 1, 4, {}, kT0);
  ASSERT_TRUE(f.jobs.wait(a, kT0 + hours(2), true, kT0));
  auto j = *f.jobs.get(a);
  EXPECT_EQ(j.status, JobStatus::kQueued);
  EXPECT_EQ(j.not_before, format_iso8601(kT0 + hours(2)));
  EXPECT_EQ(j.checkpoint, "cp");
  EXPECT_EQ(j.attempts, 0);
  EXPECT_EQ(j.failures, 0);
  EXPECT_EQ(f.jobs.next_queued(0, kT0 + hours(1)), std::nullopt);
  EXPECT_EQ(f.jobs.next_queued(0, kT0 + hours(2))->id, a);
  EXPECT_FALSE(f.jobs.wait(a, kT0, false, kT0));  // not running
  ASSERT_TRUE(f.jobs.start(a, f.run_id, kT0 + hours(2)));
  EXPECT_EQ(f.jobs.get(a)->not_before, "");
}

}  // namespace
}  // namespace ferry::state::testing
