// The job store's unit-test fixture: a temp state store with a run and jobs in each status.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::state::testing {

using ferry::testing::TempDir;
using std::chrono::hours;
using std::chrono::seconds;

inline const TimePoint kT0 = TimePoint(seconds(1452470700));  // 2016-01-11T00:05:00Z
constexpr JobStatus kAll[] = {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded,
                              JobStatus::kFailed, JobStatus::kCancelled};

struct JobsFixture {
  TempDir dir;
  ferry::testing::TestStore store{dir.path()};
  JobStore jobs{store};
  int64_t run_id = RunStore(store).begin(kT0, 1);

  int64_t queued(const std::string& kind = "cake_clicks") {
    return jobs.enqueue(kind, "2016-01-01", "2016-01-03", "{\"site\":1}", kT0);
  }
  int64_t running() {
    int64_t id = queued();
    EXPECT_TRUE(jobs.start(id, run_id, kT0));
    return id;
  }
  int64_t in(JobStatus s, TimePoint finished = kT0) {
    int64_t id = queued();
    if (s == JobStatus::kQueued) return id;
    EXPECT_TRUE(jobs.start(id, run_id, finished));
    if (s == JobStatus::kRunning) return id;
    EXPECT_TRUE(jobs.finish(id, s, s == JobStatus::kFailed ? "HTTP 403" : "", finished));
    return id;
  }
  JobStatus status(int64_t id) { return jobs.get(id).value().status; }
};

inline std::vector<int64_t> ids(const std::vector<Job>& jobs) {
  std::vector<int64_t> out;
  for (const auto& j : jobs) out.push_back(j.id);
  return out;
}

}  // namespace ferry::state::testing
