// The command line at its edges through the real binary: dates out of range, long and
// duplicate ranges, job filters, unknown commands, huge ids, a run in progress in `status`,
// and what `cancel` cleans up. Test-only pipelines come from FERRY_SELFTEST.
#include <gtest/gtest.h>

#include <thread>

#include "e2e/ferry_fixture.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

RunResult queue(const FerryEnv& f, const std::string& from, const std::string& to,
                const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"queue", "selftest", "--from", from, "--to", to};
  args.insert(args.end(), extra.begin(), extra.end());
  return f.run(args);
}

TEST(CliE2E, QueueRefusesYearsOutside2000To2100NamingTheDate) {
  FerryEnv f;
  f.env = {{"FERRY_SELFTEST", "1"}};
  RunResult r = queue(f, "0001-01-01", "2016-01-01");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--from 0001-01-01: the year 1 is outside 2000..2100"), std::string::npos)
      << r.err;
  r = queue(f, "2016-01-01", "01-01-2101");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--to 01-01-2101"), std::string::npos) << r.err;
  EXPECT_EQ(queue(f, "1999-12-31", "2000-01-01").exit_code, 2);
  EXPECT_EQ(queue(f, "2000-01-01", "2000-01-01").exit_code, 0);
  EXPECT_EQ(f.sql("SELECT count(*) FROM jobs"), "1");  // only the last one
}

TEST(CliE2E, QueueRefusesARangeLongerThanMaxRangeUnlessForced) {
  FerryEnv f("[run]\nmax_range = \"7d\"\n");
  f.env = {{"FERRY_SELFTEST", "1"}};
  EXPECT_EQ(queue(f, "2016-01-01", "2016-01-07").exit_code, 0);
  RunResult r = queue(f, "2016-02-01", "2016-02-08");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("8 days, longer than run.max_range (7d)"), std::string::npos) << r.err;
  EXPECT_EQ(queue(f, "2016-02-01", "2016-02-08", {"--force"}).exit_code, 0);
  EXPECT_EQ(f.sql("SELECT count(*) FROM jobs"), "2");
}

TEST(CliE2E, QueueRefusesAJobLikeOneQueuedNamingIt) {
  FerryEnv f;
  f.env = {{"FERRY_SELFTEST", "1"}};
  ASSERT_EQ(queue(f, "2016-01-10", "2016-01-11").out, "1\n");
  RunResult r = queue(f, "10-01-2016", "11-01-2016");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("job 1 (selftest 2016-01-10..2016-01-11) is already queued"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(queue(f, "2016-01-10", "2016-01-12").out, "2\n");  // another range is fine
  EXPECT_EQ(queue(f, "2016-01-10", "2016-01-11", {"--force"}).out, "3\n");
  ASSERT_EQ(f.run({"run"}).exit_code, 0);  // finished jobs do not block a new one
  EXPECT_EQ(queue(f, "2016-01-10", "2016-01-11").out, "4\n");
}

TEST(CliE2E, JobsFiltersByStatusAndKindAndLimits) {
  FerryEnv f;
  f.env = {{"FERRY_SELFTEST", "1"}};
  for (int d = 10; d < 14; ++d)
    ASSERT_EQ(queue(f, "2016-01-" + std::to_string(d), "2016-01-" + std::to_string(d)).exit_code,
              0);
  ASSERT_EQ(f.run({"cancel", "2"}).exit_code, 0);
  std::string cancelled = f.run({"jobs", "--status", "cancelled"}).out;
  EXPECT_NE(cancelled.find("2016-01-11"), std::string::npos) << cancelled;
  EXPECT_EQ(cancelled.find("2016-01-10"), std::string::npos) << cancelled;
  std::string limited = f.run({"jobs", "--limit", "2"}).out;
  EXPECT_NE(limited.find("2016-01-13"), std::string::npos) << limited;  // newest first
  EXPECT_NE(limited.find("2016-01-12"), std::string::npos) << limited;
  EXPECT_EQ(limited.find("2016-01-11"), std::string::npos) << limited;
  EXPECT_NE(f.run({"jobs", "--kind", "other"}).out.find("(no jobs)"), std::string::npos);
  EXPECT_EQ(f.run({"jobs", "--status", "bogus"}).exit_code, 2);
}

TEST(CliE2E, UnknownCommandAndHugeJobIdAreUsageErrors) {
  FerryEnv f;
  RunResult r = f.run({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ferry: unknown command 'frobnicate'"), std::string::npos) << r.err;
  for (const char* cmd : {"job", "cancel", "retry"}) {
    r = f.run({cmd, "99999999999999999999"});
    EXPECT_EQ(r.exit_code, 2) << cmd;
    EXPECT_NE(r.err.find("'99999999999999999999' is not a job id"), std::string::npos) << r.err;
  }
  EXPECT_EQ(f.run({"job", "-5"}).exit_code, 2);
}

TEST(CliE2E, StatusShowsTheRunInProgress) {
  FerryEnv f;
  f.env = {
      {"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "2"}, {"FERRY_SELFTEST_SLEEP_MS", "1500"}};
  ASSERT_EQ(queue(f, "2016-01-10", "2016-01-10").exit_code, 0);
  Child run(f.argv({"run"}), f.environment({{"FERRY_RUN_HOST", "alpha"}}), f.dir());
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline &&
         f.sql("SELECT count(*) FROM jobs WHERE status = 'running'") != "1")
    std::this_thread::sleep_for(50ms);
  RunResult status = f.run({"status"});
  EXPECT_NE(status.out.find("running:        #1, pid " + std::to_string(run.pid()) + " on alpha"),
            std::string::npos)
      << status.out;
  // The running job names the host and process working on it.
  std::string owner = "on alpha pid " + std::to_string(run.pid());
  RunResult jobs = f.run({"jobs"});
  EXPECT_NE(jobs.out.find(owner), std::string::npos) << jobs.out;
  RunResult job = f.run({"job", "1"});
  EXPECT_NE(job.out.find("running on   alpha pid " + std::to_string(run.pid())), std::string::npos)
      << job.out;
  EXPECT_EQ(run.wait(20s), 0);
}

TEST(CliE2E, CancellingAQueuedConversionsJobRemovesItsPartialFile) {
  FerryEnv f(
      "[cake]\nadmin_url = \"http://127.0.0.1:9\"\napi_key = \"k\"\n"
      "[s3.reports]\nbucket = \"b\"\nregion = \"us-east-1\"\n");
  RunResult q = f.run({"queue", "cake-conversions", "--from", "2016-01-10", "--to", "2016-01-11"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  std::string partial = f.path("exports/cake/.partial/job-1-report_10012016_11012016.csv");
  std::string other = f.path("exports/cake/.partial/job-2-report_10012016_11012016.csv");
  write_file(partial, "header\n");
  write_file(other, "header\n");
  RunResult c = f.run({"cancel", "1"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_FALSE(file_exists(partial));
  EXPECT_TRUE(file_exists(other));  // another job's file stays
}

}  // namespace
}  // namespace ferry::testing
