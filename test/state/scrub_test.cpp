// The stores mask configured secrets in the free text they write and read.
#include <gtest/gtest.h>

#include "ferry/state/alerts.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::state {
namespace {

using ferry::testing::TempDir;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1452470700));  // 2016-01-11T00:05:00Z
const std::string kKey = "k/y+\"q\\7";
// The reply of a server that repeats the request, as JSON and as a form.
const std::string kEcho =
    R"(HTTP 401 Invalid API Key: request was {"api_key":"k/y+\"q\\7"} (form: api_key=k%2Fy%2B%22q%5C7))";
const std::string kMasked =
    R"(HTTP 401 Invalid API Key: request was {"api_key":"********"} (form: api_key=********))";

std::string raw(Store& store, const std::string& query) {
  return sql::Field(store.db().scalar(query)).text();
}

TEST(StateScrubTest, JobErrorsAreStoredWithoutTheSecret) {
  TempDir dir;
  ferry::testing::TestStore store(dir.path(), {}, Scrubber({kKey}));
  JobStore jobs(store);
  int64_t run = RunStore(store).begin(kT0, 1);
  int64_t id = jobs.enqueue("cake-clicks", "2016-01-01", "2016-01-01", "{}", kT0);
  ASSERT_TRUE(jobs.start(id, run, kT0));
  jobs.add_failure(id, kEcho, kT0);
  EXPECT_EQ(raw(store, "SELECT error FROM jobs"), kMasked);
  ASSERT_TRUE(jobs.finish(id, JobStatus::kFailed, "failed: " + kEcho, kT0));
  EXPECT_EQ(raw(store, "SELECT error FROM jobs"), "failed: " + kMasked);
  RunStore(store).end(run, kT0, "failed", {}, "note " + kKey);
  EXPECT_EQ(raw(store, "SELECT note FROM runs"), "note ********");
}

TEST(StateScrubTest, RowsWrittenBeforeAreMaskedWhenRead) {
  TempDir dir;
  {
    ferry::testing::TestStore plain(dir.path());
    JobStore jobs(plain);
    int64_t id = jobs.enqueue("cake-clicks", "2016-01-01", "2016-01-01", "{}", kT0);
    jobs.add_failure(id, kEcho, kT0);
    AlertStore(plain).add("k", "subject " + kKey, kEcho, kT0);
  }
  ferry::testing::TestStore store(dir.path(), {}, Scrubber({kKey}));
  EXPECT_EQ(JobStore(store).get(1)->error, kMasked);
  JobStore::ListFilter all;
  all.all = true;
  EXPECT_EQ(JobStore(store).list(all, kT0).at(0).error, kMasked);
  auto pending = AlertStore(store).pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].subject, "subject ********");
  EXPECT_EQ(pending[0].body, kMasked);
}

TEST(StateScrubTest, AlertsAreStoredWithoutTheSecret) {
  TempDir dir;
  ferry::testing::TestStore store(dir.path(), {}, Scrubber({kKey}));
  AlertStore alerts(store);
  int64_t id = alerts.add("cake:job:1", "job failed: " + kKey, kEcho, kT0);
  alerts.mark_failed({id}, "smtp said " + kEcho);
  EXPECT_EQ(raw(store, "SELECT subject FROM alerts"), "job failed: ********");
  EXPECT_EQ(raw(store, "SELECT body FROM alerts"), kMasked);
  EXPECT_EQ(raw(store, "SELECT last_error FROM alerts"), "smtp said " + kMasked);
}

}  // namespace
}  // namespace ferry::state
