// End-to-end tests of the core through the real binary: run lock, budget, crash recovery,
// exit codes, config and date errors, secrets. Test-only pipelines come from FERRY_SELFTEST.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/time.h>

#include <ctime>

#include <thread>

#include "e2e/ferry_fixture.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

TEST(CoreE2E, SecondRunExitsWhileFirstHoldsTheLock) {
  FerryEnv f;
  f.env = {
      {"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "2"}, {"FERRY_SELFTEST_SLEEP_MS", "1500"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "10-01-2016", "--to", "11-01-2016"}).exit_code,
            0);
  Child first(f.argv({"run"}), f.environment({}), f.dir());
  ASSERT_TRUE(wait_until(
      [&] {
        return file_exists(f.path("state/ferry.lock")) &&
               !read_file(f.path("state/ferry.lock")).empty();
      },
      10s));
  RunResult second = f.run({"run"});
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_NE(second.err.find("another run is in progress"), std::string::npos) << second.err;
  EXPECT_EQ(first.wait(20s), 0);
  EXPECT_EQ(f.state_check(), "ok");
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = 1"), "succeeded");
  EXPECT_EQ(f.sql("SELECT count(*) FROM runs"), "1");
}

TEST(CoreE2E, BudgetLeavesWorkForTheNextRun) {
  FerryEnv f("[run]\nmax_time = \"1s\"\n");
  f.env = {
      {"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "6"}, {"FERRY_SELFTEST_SLEEP_MS", "400"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  ASSERT_EQ(f.run({"run"}).exit_code, 0);
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = 1"), "queued");
  int done = std::stoi(f.sql("SELECT progress_done FROM jobs WHERE id = 1"));
  EXPECT_GE(done, 2);
  EXPECT_LT(done, 6);
  EXPECT_EQ(f.sql("SELECT outcome FROM runs WHERE id = 1"), "interrupted");
  for (int i = 0; i < 4 && f.sql("SELECT status FROM jobs WHERE id = 1") != "succeeded"; ++i)
    ASSERT_EQ(f.run({"run"}).exit_code, 0);
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = 1"), "succeeded");
  EXPECT_EQ(f.sql("SELECT progress_done FROM jobs WHERE id = 1"), "6");
}

TEST(CoreE2E, KilledRunIsResumedFromCheckpoint) {
  FerryEnv f;
  f.env = {
      {"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "5"}, {"FERRY_SELFTEST_SLEEP_MS", "300"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  {
    Child run(f.argv({"run"}), f.environment({}), f.dir());
    ASSERT_TRUE(wait_until(
        [&] {
          return f.state_exists() &&
                 f.sql("SELECT count(*) FROM jobs WHERE progress_done >= 2") == "1";
        },
        15s));
    run.signal(SIGKILL);
    run.wait(5s);
  }
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = 1"), "running");
  int before = std::stoi(f.sql("SELECT progress_done FROM jobs WHERE id = 1"));
  RunResult r = f.run({"run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resuming from its checkpoint"), std::string::npos) << r.err;
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = 1"), "succeeded");
  EXPECT_EQ(f.sql("SELECT progress_done FROM jobs WHERE id = 1"), "5");
  // A crash counts against run.job_crashes, not as a failed try.
  EXPECT_EQ(f.sql("SELECT failures || ' ' || crashes FROM jobs WHERE id = 1"), "0 1");
  EXPECT_EQ(f.sql("SELECT outcome FROM runs WHERE id = 1"), "crashed");
  EXPECT_GE(before, 2);
}

TEST(CoreE2E, FailedJobExitsOneAndShowsReason) {
  FerryEnv f;
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_FAIL", "permanent"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  EXPECT_EQ(f.run({"run"}).exit_code, 1);
  RunResult jobs = f.run({"jobs"});
  EXPECT_NE(jobs.out.find("failed"), std::string::npos);
  EXPECT_NE(jobs.out.find("simulated permanent failure"), std::string::npos) << jobs.out;
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts WHERE key = 'selftest:job:1'"), "1");
  // retry puts it back in the queue
  EXPECT_EQ(f.run({"retry", "1"}).exit_code, 0);
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = 1"), "queued");
  EXPECT_EQ(f.run({"retry", "1"}).exit_code, 2);
}

TEST(CoreE2E, TransientFailuresRetryThenFail) {
  FerryEnv f("[run]\njob_attempts = 2\n");
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_FAIL", "transient"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  EXPECT_EQ(f.run({"run"}).exit_code, 1);  // some work failed, though it is retried
  EXPECT_EQ(f.sql("SELECT status || ' ' || failures FROM jobs WHERE id = 1"), "queued 1");
  EXPECT_EQ(f.run({"run"}).exit_code, 1);
  EXPECT_EQ(f.sql("SELECT status || ' ' || failures FROM jobs WHERE id = 1"), "failed 2");
}

TEST(CoreE2E, BadDatesExitTwoWithClearMessage) {
  FerryEnv f;
  f.env = {{"FERRY_SELFTEST", "1"}};
  struct Case {
    std::string from, to, expect;
  } cases[] = {{"31-02-2016", "01-03-2016", "--from: '31-02-2016' is not a valid date"},
               {"10-01-2016", "2016/01/11", "--to: '2016/01/11' is not a valid date"},
               {"tomorrow", "11-01-2016", "dd-mm-yyyy"},
               {"12-01-2016", "11-01-2016", "is after --to"}};
  for (const auto& c : cases) {
    RunResult r = f.run({"queue", "selftest", "--from", c.from, "--to", c.to});
    EXPECT_EQ(r.exit_code, 2) << c.from << " " << c.to;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
  RunResult unknown = f.run({"queue", "nosuchkind", "--from", "10-01-2016", "--to", "11-01-2016"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown kind 'nosuchkind'"), std::string::npos) << unknown.err;
}

TEST(CoreE2E, ConfigErrorsNameFileAndLine) {
  FerryEnv f;
  struct Case {
    std::string toml, expect;
  } cases[] = {
      {"[alerts]\nfrom = \"a@b\"\nfrmo = \"x\"\n", "ferry.toml:3: unknown key 'frmo' in [alerts]"},
      {"[log]\nkeep_days = \"many\"\n",
       "ferry.toml:2: log.keep_days must be an integer, not a string"},
      {"[run]\nmax_time = \"5 minutes\"\n", "ferry.toml:2: run.max_time: bad duration '5 minutes'"},
      {"[nosuch]\nx = 1\n", "ferry.toml:1: unknown table [nosuch]"},
      {"[log\n", "ferry.toml:1: TOML syntax error"},
  };
  for (const auto& c : cases) {
    f.write_config(c.toml);
    RunResult r = f.run({"config", "check"});
    EXPECT_EQ(r.exit_code, 2) << c.toml;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(f.run({"run"}).exit_code, 2);
  }
  f.write_config("");
  RunResult env = f.run({"config", "check"}, {{"FERRY_RUN_MAX_TIME", "soon"}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("environment FERRY_RUN_MAX_TIME: bad duration 'soon'"), std::string::npos)
      << env.err;
  RunResult missing =
      run_command({ferry_bin(), "--config", f.path("nope.toml"), "config", "check"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.toml does not exist"), std::string::npos) << missing.err;
}

TEST(CoreE2E, ConfigShowGivesOriginsAndMasksSecrets) {
  FerryEnv f("[alerts]\npassword = \"hunter2-Secret\"\nfrom = \"ferry@example.org\"\n");
  RunResult r = f.run({"config", "show"}, {{"FERRY_LOG_KEEP_DAYS", "30"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("hunter2-Secret"), std::string::npos);
  EXPECT_NE(r.out.find("password = \"********\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("from = \"ferry@example.org\"    # " + f.path("ferry.toml") + ":3"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("keep_days = 30    # env FERRY_LOG_KEEP_DAYS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("max_time = \"4m30s\"    # default"), std::string::npos) << r.out;
  RunResult flag = f.run({"--state", f.path("other"), "config", "show"});
  EXPECT_NE(flag.out.find("# flag --state"), std::string::npos) << flag.out;
}

TEST(CoreE2E, PasswordNeverReachesLogs) {
  int dead_port = free_port();
  FerryEnv f("[alerts]\nsmtp_url = \"smtp://ops:hunter2-Secret@127.0.0.1:" +
             std::to_string(dead_port) + "\"\nusername = \"ops\"\npassword = \"hunter2-Secret\"\n");
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_CRITICAL", "1"}};
  RunResult r = f.run({"-v", "run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  RunResult test = f.run({"-v", "alert", "test"});
  EXPECT_EQ(test.exit_code, 1);
  std::string logs = f.all_logs();
  EXPECT_NE(logs.find("could not mail"), std::string::npos) << logs;
  for (const std::string& text : {logs, r.err, r.out, test.err, test.out})
    EXPECT_EQ(text.find("hunter2-Secret"), std::string::npos) << text;
}

TEST(CoreE2E, JobsJsonAndStatus) {
  FerryEnv f;
  f.env = {{"FERRY_SELFTEST", "1"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "10-01-2016", "--to", "11-01-2016"}).out, "1\n");
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "12-01-2016", "--to", "12-01-2016"}).out, "2\n");
  EXPECT_EQ(f.run({"cancel", "2"}).exit_code, 0);
  RunResult json = f.run({"jobs", "--json"});
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.out.find("\"status\": \"cancelled\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"from\": \"2016-01-10\""), std::string::npos) << json.out;
  EXPECT_LT(json.out.find("\"id\": 2"), json.out.find("\"id\": 1"));  // newest first
  RunResult status = f.run({"status"});
  EXPECT_NE(status.out.find("1 queued"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("1 cancelled"), std::string::npos) << status.out;
}

}  // namespace
}  // namespace ferry::testing

namespace ferry::testing {
namespace {

TEST(CoreE2E, ExampleConfigIsCurrentAndValid) {
  FerryEnv f;
  RunResult r = f.run({"config", "example"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, read_file(repo_root() + "/config/ferry.example.toml"))
      << "config/ferry.example.toml is stale: regenerate with bin/ferry config example";
  // Every documented key loads as written (ConfigCheckE2E loads the commented-out tables).
  f.write_config(r.out);
  RunResult check = f.run({"config", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

}  // namespace
}  // namespace ferry::testing

namespace ferry::testing {
namespace {

std::string local_day(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

TEST(CoreE2E, LogsFromAnEarlierDayAreRotatedAndOldOnesSwept) {
  FerryEnv f("[log]\nkeep_days = 30\n");
  std::time_t three_days_ago = std::time(nullptr) - 3 * 86400;
  write_file(f.path("logs/daily.log"), "yesterday's line\n");
  struct timeval times[2] = {{three_days_ago, 0}, {three_days_ago, 0}};
  ASSERT_EQ(utimes(f.path("logs/daily.log").c_str(), times), 0);
  std::string ancient = f.path("logs/daily.log." + local_day(std::time(nullptr) - 40 * 86400));
  std::string recent = f.path("logs/daily.log." + local_day(std::time(nullptr) - 10 * 86400));
  write_file(ancient, "old\n");
  write_file(recent, "kept\n");

  ASSERT_EQ(f.run({"run"}).exit_code, 0);
  std::string rotated = f.path("logs/daily.log." + local_day(three_days_ago));
  ASSERT_TRUE(file_exists(rotated));
  EXPECT_EQ(read_file(rotated), "yesterday's line\n");
  EXPECT_EQ(read_file(f.path("logs/daily.log")).find("yesterday's line"), std::string::npos);
  EXPECT_NE(read_file(f.path("logs/daily.log")).find("run 1 ok"), std::string::npos);
  EXPECT_FALSE(file_exists(ancient));  // older than keep_days
  EXPECT_TRUE(file_exists(recent));
}

}  // namespace
}  // namespace ferry::testing
