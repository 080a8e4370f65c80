// `ferry workers`: the hosts recorded by real runs, named by run.host or the hostname.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

#include "e2e/ferry_fixture.h"
#include "ferry/base/time.h"
#include "support/requirements.h"

namespace ferry::testing {
namespace {

TEST(WorkersE2E, ListsTheHostsOfTheLastHourWithTheirLastRun) {
  if (refused_in_unit_run("bin/ferry")) return;
  FerryEnv f;
  ASSERT_EQ(f.run({"run"}, {{"FERRY_RUN_HOST", "alpha"}}).exit_code, 0);
  ASSERT_EQ(f.run({"run"}, {{"FERRY_RUN_HOST", "alpha"}}).exit_code, 0);
  ASSERT_EQ(f.run({"run"}).exit_code, 0);  // the machine's hostname
  char name[256] = {};
  ASSERT_EQ(::gethostname(name, sizeof name - 1), 0);
  RunResult status = f.run({"status"});
  EXPECT_NE(status.out.find("last run:       #3 ok on " + std::string(name) + ", started "),
            std::string::npos)
      << status.out;
  // A run of another host two hours ago is not listed.
  std::string two_hours_ago = format_iso8601(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) -
      std::chrono::hours(2));
  f.exec("INSERT INTO runs(started_at, finished_at, outcome, pid, host) VALUES ('" + two_hours_ago +
         "', '" + two_hours_ago + "', 'ok', 7, 'gone')");
  auto hosts = f.column("SELECT host FROM runs ORDER BY id");
  ASSERT_GE(hosts.size(), 2u);
  EXPECT_EQ(hosts[0], "alpha");
  EXPECT_EQ(hosts[1], "alpha");

  RunResult w = f.run({"workers"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_NE(w.out.find("HOST"), std::string::npos) << w.out;
  EXPECT_NE(w.out.find("alpha"), std::string::npos) << w.out;
  EXPECT_NE(w.out.find(name), std::string::npos) << w.out;
  EXPECT_EQ(w.out.find("gone"), std::string::npos) << w.out;
  std::istringstream alpha(w.out.substr(w.out.find("alpha")));
  std::string host, runs, last, pid, started, outcome;
  alpha >> host >> runs >> last >> pid >> started >> outcome;
  EXPECT_EQ(runs, "2");  // runs in the hour
  EXPECT_EQ(last, "2");  // its last run's id
  EXPECT_EQ(outcome, "ok");
  EXPECT_EQ(started.size(), 20u) << started;
}

}  // namespace
}  // namespace ferry::testing
