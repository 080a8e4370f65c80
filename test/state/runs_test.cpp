// RunStore: the host each run records, and the hosts seen in a period (`ferry workers`).
#include <gtest/gtest.h>

#include "ferry/base/time.h"
#include "ferry/state/runs.h"
#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::state {
namespace {

using std::chrono::minutes;

TimePoint at(const char* iso) {
  return *parse_iso8601(iso);
}

TEST(RunHosts, EachHostWithItsNewestRunAndItsCountInThePeriod) {
  testing::TempDir dir;
  ferry::testing::TestStore store(dir.path());
  RunStore runs(store);
  TimePoint now = at("2026-12-02T12:00:00Z");
  int64_t old = runs.begin(now - minutes(90), 11, "gamma");  // before the hour
  runs.end(old, now - minutes(89), "ok", {}, "");
  int64_t a1 = runs.begin(now - minutes(50), 21, "alpha");
  runs.end(a1, now - minutes(49), "failed", {}, "");
  int64_t b1 = runs.begin(now - minutes(40), 31, "beta");
  runs.end(b1, now - minutes(39), "ok", {}, "");
  int64_t a2 = runs.begin(now - minutes(5), 22, "alpha");  // still running

  auto hosts = runs.hosts_since(now - minutes(60));
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].host, "alpha");
  EXPECT_EQ(hosts[0].runs, 2);
  EXPECT_EQ(hosts[0].last.id, a2);
  EXPECT_EQ(hosts[0].last.pid, 22);
  EXPECT_EQ(hosts[0].last.outcome, "running");
  EXPECT_EQ(hosts[0].last.started_at, "2026-12-02T11:55:00Z");
  EXPECT_EQ(hosts[1].host, "beta");
  EXPECT_EQ(hosts[1].runs, 1);
  EXPECT_EQ(hosts[1].last.outcome, "ok");
  EXPECT_EQ(runs.in_progress()->host, "alpha");

  EXPECT_EQ(runs.hosts_since(now - minutes(120)).size(), 3u);
  EXPECT_TRUE(runs.hosts_since(now).empty());
}

}  // namespace
}  // namespace ferry::state
