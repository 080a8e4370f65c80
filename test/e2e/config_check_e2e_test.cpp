// `ferry config check` (and every command's start-up) runs each pipeline's check: a value a run
// would reject exits 2 naming the file and line where it was set.
#include <gtest/gtest.h>

#include <sstream>

#include "e2e/ferry_fixture.h"

namespace ferry::testing {
namespace {

struct Case {
  std::string toml;
  std::string expect;
};

TEST(ConfigCheckE2E, ValuesARunWouldRejectAreRefusedWithFileAndLine) {
  FerryEnv f;
  const std::string cake = "[cake]\nadmin_url = \"https://cake.test\"\napi_key = \"k\"\n";
  const std::string s3 = "[s3.reports]\nbucket = \"b\"\n";
  const Case cases[] = {
      {s3 + cake + "daily_at = \"25:00\"\n",
       "ferry.toml:6: [cake] daily_at '25:00' is not a time of day HH:MM"},
      {s3 + cake + "timezone = \"Mars/Olympus_Mons\"\n",
       "ferry.toml:6: [cake] timezone 'Mars/Olympus_Mons' is not in the time zone database"},
      {cake + "s3 = \"archive\"\n", "ferry.toml:4: [cake] s3 = 'archive' names no [s3.archive]"},
      {"[[mindtrails.server]]\nname = \"a\"\ndata_dir = \"data/x\"\n"
       "[[mindtrails.server]]\nname = \"b\"\ndata_dir = \"data/x/\"\n",
       "ferry.toml:6: [[mindtrails.server]] 'b' and 'a' share data_dir"},
      {"[run]\nmax_time = \"0s\"\n", "ferry.toml:2: [run] max_time must be more than 0s"},
      {"[state]\nlease = \"5s\"\n", "ferry.toml:2: [state] lease must be at least 10s"},
      {"[alerts]\nsmtp_url = \"http://u:hunter2@mail.test\"\n",
       "ferry.toml:2: [alerts] smtp_url 'http://u:********@mail.test' must start with smtp://"},
      {"[s3.reports]\nbucket = \"b\"\nendpoint = \"https://user:hunter2@s3.test\"\n",
       "ferry.toml:3: [s3.reports] endpoint 'https://user:********@s3.test' has user info"},
      {"[log]\nlevel = \"info\"\n[s3.reports]\nregion = \"eu-west-1\"\n",
       "ferry.toml:4: [s3.reports] has no bucket"},
      {s3 + cake + "min_window = \"0s\"\n", "ferry.toml:6: [cake] min_window must be at least 1s"},
      {s3 + cake + "min_window = \"20m\"\n",
       "ferry.toml:6: [cake] click_window is shorter than min_window"},
      {"[log]\nlevel = \"info\"\n[[mindtrails.server]]\nurl = \"https://mt.test/api/export\"\n",
       "ferry.toml:4: an entry of [[mindtrails.server]] has no name"},
  };
  for (const auto& c : cases) {
    f.write_config(c.toml);
    RunResult check = f.run({"config", "check"});
    EXPECT_EQ(check.exit_code, 2) << c.toml;
    EXPECT_NE(check.err.find(c.expect), std::string::npos) << c.toml << "\n" << check.err;
    EXPECT_EQ(check.err.find("hunter2"), std::string::npos) << check.err;
    EXPECT_EQ(f.run({"run"}).exit_code, 2) << c.toml;
  }
  f.write_config(s3 + cake + "daily_at = \"02:00\"\ntimezone = \"America/New_York\"\n");
  RunResult ok = f.run({"config", "check"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// With a shared (PostgreSQL) state, a MindTrails folder that later passes append to must be one
// every host mounts: one not marked `shared = true` is a warning, not an error.
TEST(ConfigCheckE2E, AnUnsharedMindTrailsFolderOnASharedStateIsAWarning) {
  FerryEnv f(
      "[[mindtrails.server]]\nname = \"prod\"\nurl = \"https://mt.test/api/export\"\n"
      "data_dir = \"data/prod\"\n[[mindtrails.server]]\nname = \"test\"\n"
      "url = \"https://mt2.test/api/export\"\ndata_dir = \"/mnt/shared/test\"\nshared = true\n");
  const std::map<std::string, std::string> shared = {
      {"FERRY_STATE_URL", "postgresql://ferry@127.0.0.1:1/none"}};
  RunResult check = f.run({"config", "check"}, shared);
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("warning: " + f.path("ferry.toml") +
                           ":4: [[mindtrails.server]] 'prod' data_dir " + f.path("data/prod") +
                           " is not marked "
                           "shared = true"),
            std::string::npos)
      << check.out;
  EXPECT_EQ(check.out.find("'test'"), std::string::npos) << check.out;
  RunResult local = f.run({"config", "check"}, {{"FERRY_STATE_URL", ""}});  // SQLite: one host
  EXPECT_EQ(local.out.find("warning"), std::string::npos) << local.out;
}

// An environment variable's value is checked as the file's are, naming the variable.
TEST(ConfigCheckE2E, EnvironmentValuesAreCheckedToo) {
  FerryEnv f("[s3.reports]\nbucket = \"b\"\n[cake]\nadmin_url = \"https://cake.test\"\n");
  RunResult r =
      f.run({"config", "check"}, {{"FERRY_CAKE_API_KEY", "k"}, {"FERRY_CAKE_DAILY_AT", "7pm"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("FERRY_CAKE_DAILY_AT: [cake] daily_at '7pm'"), std::string::npos) << r.err;
}

// A misspelt or misplaced FERRY_* variable is refused, not silently ignored.
TEST(ConfigCheckE2E, UnknownFerryVariablesAreRefusedByName) {
  FerryEnv f("[s3.reports]\nbucket = \"b\"\n");
  for (const char* name : {"FERRY_LOG_DRI", "FERRY_S3_ARCHIVE_BUCKET", "FERRY_STATE"}) {
    RunResult r = f.run({"config", "check"}, {{name, "x"}});
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_NE(r.err.find(std::string("environment ") + name + ": not a ferry setting"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(f.run({"run"}, {{name, "x"}}).exit_code, 2) << name;
  }
  RunResult ok = f.run({"config", "check"}, {{"FERRY_S3_REPORTS_PREFIX", "p/"},
                                             {"FERRY_NOW", "2016-01-11T00:05:00Z"},
                                             {"FERRY_LOG_LEVEL", "debug"}});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// The generated example, as shipped, passes the check, and its first run does nothing and
// raises nothing; its commented-out tables load once uncommented and filled in.
TEST(ConfigCheckE2E, TheExampleConfigRunsCleanAndItsCommentedTablesLoad) {
  FerryEnv f;
  std::string example = f.run({"config", "example"}).out;
  f.write_config(example);
  RunResult check = f.run({"config", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  RunResult run = f.run({"run"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts"), "0");
  EXPECT_EQ(f.sql("SELECT outcome || ' ' || units_done || ' ' || units_failed FROM runs"),
            "ok 0 0");
  EXPECT_EQ(f.sql("SELECT count(*) FROM jobs"), "0");

  std::string uncommented;
  std::istringstream lines(example);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# [", 0) == 0 ||
        (line.rfind("# ", 0) == 0 && line.find(" = ") != std::string::npos))
      line = line.substr(2);
    if (line.rfind("bucket = \"\"", 0) == 0) line = "bucket = \"b\"";
    if (line.rfind("name = \"\"", 0) == 0) line = "name = \"prod\"";
    uncommented += line + "\n";
  }
  f.write_config(uncommented);
  check = f.run({"config", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.err << uncommented;
  EXPECT_NE(uncommented.find("[s3.NAME]\n"), std::string::npos);
  EXPECT_NE(uncommented.find("[[mindtrails.server]]\n"), std::string::npos);
}

}  // namespace
}  // namespace ferry::testing
