// Heartbeat pings end to end: the real binary and a heartbeat stand-in on loopback
// (test/standins/heartbeat_server.py), and the JSON log lines of the same runs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "e2e/ferry_fixture.h"
#include "support/process.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

class PingServer {
 public:
  explicit PingServer(const FerryEnv& f, bool silent = false)
      : port_(free_port()), log_(f.path("pings.log")) {
    std::vector<std::string> argv{"python3", repo_root() + "/test/standins/heartbeat_server.py",
                                  std::to_string(port_), log_};
    if (silent) argv.push_back("silent");
    child_ = std::make_unique<Child>(argv, std::map<std::string, std::string>{}, "",
                                     f.path("pings.stdout"));
    ready_ = wait_until([&] { return read_file_or_empty(f.path("pings.stdout")) != ""; }, 10s);
  }
  bool ready() const { return ready_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/ping/uuid-1"; }
  std::vector<std::string> pings() const {
    std::vector<std::string> out;
    std::istringstream in(read_file_or_empty(log_));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  static std::string read_file_or_empty(const std::string& path) {
    return file_exists(path) ? read_file(path) : "";
  }
  int port_;
  std::string log_;
  std::unique_ptr<Child> child_;
  bool ready_ = false;
};

std::string config(const std::string& url, const std::string& extra = "") {
  return "[alerts]\nto = []\n[heartbeat]\nurl = \"" + url + "\"\ntimeout = \"1s\"\n" + extra;
}

// The query's rid value of a logged ping line.
std::string rid(const std::string& line) {
  auto at = line.find("?rid=");
  if (at == std::string::npos) return "";
  return line.substr(at + 5, line.find(' ', at) - at - 5);
}

TEST(HeartbeatE2E, AGoodRunPingsStartThenSuccessWithItsSummary) {
  FerryEnv f;
  PingServer server(f);
  ASSERT_TRUE(server.ready());
  f.write_config(config(server.url(), "[log]\nformat = \"json\"\n"));
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "2"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  ASSERT_EQ(f.run({"run"}).exit_code, 0);
  auto pings = server.pings();
  ASSERT_EQ(pings.size(), 2u);
  EXPECT_EQ(pings[0].rfind("GET /ping/uuid-1/start?rid=", 0), 0u) << pings[0];
  EXPECT_EQ(pings[1].rfind("POST /ping/uuid-1?rid=", 0), 0u) << pings[1];
  EXPECT_NE(pings[1].find(" run 1 ok in "), std::string::npos) << pings[1];
  EXPECT_NE(pings[1].find("2 units done, 0 failed; 1 jobs finished"), std::string::npos)
      << pings[1];
  EXPECT_EQ(rid(pings[0]).size(), 36u);
  EXPECT_EQ(rid(pings[0]), rid(pings[1]));

  // The same run's log files are JSON lines naming the run, and the pipeline during its units.
  std::istringstream lines(read_file(f.path("logs/debug.log")));
  int parsed = 0, in_selftest = 0;
  for (std::string line; std::getline(lines, line); ++parsed) {
    auto j = nlohmann::json::parse(line);
    if (j["pipeline"] == "selftest") {
      ++in_selftest;
      EXPECT_EQ(j["run"], 1) << line;
    }
  }
  EXPECT_GT(parsed, 3);
  EXPECT_GT(in_selftest, 0);
  // The ping URL is a secret: never in the logs.
  EXPECT_EQ(f.all_logs().find("uuid-1"), std::string::npos);
}

TEST(HeartbeatE2E, AFailedRunPingsStartThenFail) {
  FerryEnv f;
  PingServer server(f);
  ASSERT_TRUE(server.ready());
  f.write_config(config(server.url()));
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_FAIL", "permanent"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  ASSERT_EQ(f.run({"run"}).exit_code, 1);
  auto pings = server.pings();
  ASSERT_EQ(pings.size(), 2u);
  EXPECT_EQ(pings[0].rfind("GET /ping/uuid-1/start?rid=", 0), 0u) << pings[0];
  EXPECT_EQ(pings[1].rfind("POST /ping/uuid-1/fail?rid=", 0), 0u) << pings[1];
  EXPECT_NE(pings[1].find("run 1 failed"), std::string::npos) << pings[1];
  // Commands other than the cron tick ping nothing.
  ASSERT_EQ(f.run({"jobs"}).exit_code, 0);
  EXPECT_EQ(server.pings().size(), 2u);
}

TEST(HeartbeatE2E, ARunThatFindsTheLockHeldPingsNothing) {
  FerryEnv f;
  PingServer server(f);
  ASSERT_TRUE(server.ready());
  f.write_config(config(server.url()));
  f.env = {
      {"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "2"}, {"FERRY_SELFTEST_SLEEP_MS", "1500"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  Child first(f.argv({"run"}), f.environment({}), f.dir());
  ASSERT_TRUE(wait_until([&] { return server.pings().size() == 1; }, 10s));
  RunResult second = f.run({"run"});
  EXPECT_NE(second.err.find("another run is in progress"), std::string::npos) << second.err;
  EXPECT_EQ(server.pings().size(), 1u);
  EXPECT_EQ(first.wait(20s), 0);
  auto pings = server.pings();
  ASSERT_EQ(pings.size(), 2u);
  EXPECT_EQ(pings[1].rfind("POST /ping/uuid-1?rid=", 0), 0u) << pings[1];
}

// A ping server that never answers costs each ping its timeout (1s here) and nothing more:
// the run does its work, exits 0 and logs the failed pings as warnings.
TEST(HeartbeatE2E, APingServerThatNeverAnswersDoesNotFailTheRun) {
  FerryEnv f;
  PingServer server(f, /*silent=*/true);
  ASSERT_TRUE(server.ready());
  f.write_config(config(server.url()));
  f.env = {{"FERRY_SELFTEST", "1"}};
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  RunResult r = f.run({"run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = 1"), "succeeded");
  std::string logs = f.all_logs();
  EXPECT_NE(logs.find("heartbeat: start ping failed: http://127.0.0.1:"), std::string::npos)
      << logs;
  EXPECT_NE(logs.find("heartbeat: success ping failed"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("uuid-1"), std::string::npos);
}

}  // namespace
}  // namespace ferry::testing
