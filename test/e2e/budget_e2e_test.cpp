// The run budget end to end: `run.max_time` bounds a tick against a CAKE server that never
// answers, a hanging SMTP server costs one timeout per run, and a short CAKE job queued behind
// a long backfill finishes in the first tick. The real bin/ferry, the CAKE stand-in
// (test/standins/cake_server.py), s3rver and aiosmtpd on loopback.
#include <gtest/gtest.h>

#include "ferry/sql/statement.h"

#include <chrono>

#include "e2e/ferry_fixture.h"
#include "ferry/base/time.h"
#include "support/requirements.h"
#include "support/s3rver.h"
#include "support/silent_listener.h"
#include "support/smtp_server.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kKey = "e2e-budget-key-51c2";

// Runs `ferry run` and returns the result with its wall time.
struct TimedRun {
  RunResult result;
  std::chrono::milliseconds took{0};
};
TimedRun timed_run(const FerryEnv& f, std::chrono::seconds kill_after) {
  auto start = Clock::now();
  TimedRun t;
  t.result = run_command(f.argv({"run"}), f.environment({}), f.dir(), kill_after);
  t.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return t;
}

class BudgetE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { s3_ = std::make_unique<S3rver>("budget-bucket"); }
  static void TearDownTestSuite() { s3_.reset(); }

  // Starts a CAKE stand-in with `extra` arguments; false when it does not listen.
  bool start_cake(const std::vector<std::string>& extra) {
    cake_port_ = free_port();
    std::vector<std::string> argv = {system_python(),
                                     repo_root() + "/test/standins/cake_server.py",
                                     "--port",
                                     std::to_string(cake_port_),
                                     "--api-key",
                                     kKey,
                                     "--clicks-per-hour",
                                     "20"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    cake_log_ = dir_ / "cake.log";
    cake_ = std::make_unique<Child>(argv, std::map<std::string, std::string>{}, "", cake_log_);
    return wait_for_port(cake_port_, 10s);
  }
  std::string cake_config(const std::string& max_time, const std::string& extra = "") const {
    return "[alerts]\nto = []\n[run]\nmax_time = \"" + max_time +
           "\"\n[cake]\nadmin_url = " + "\"http://127.0.0.1:" + std::to_string(cake_port_) +
           "\"\napi_key = \"" + kKey + "\"\ns3_prefix = \"budget/\"\n" + extra + "\n" +
           s3_->config_table("reports");
  }
  static int64_t queue(const FerryEnv& f, const std::string& from, const std::string& to,
                       bool force = false) {
    std::vector<std::string> args = {"queue", "cake-clicks", "--from", from, "--to", to};
    if (force) args.push_back("--force");  // longer than run.max_range
    RunResult r = f.run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? std::stoll(r.out) : 0;
  }
  static std::string job(const FerryEnv& f, int64_t id, const std::string& column) {
    return f.sql("SELECT " + column + " FROM jobs WHERE id = " + std::to_string(id));
  }

  static inline std::unique_ptr<S3rver> s3_;
  TempDir dir_;
  std::unique_ptr<Child> cake_;
  std::string cake_log_;
  int cake_port_ = 0;
};

TEST_F(BudgetE2E, MaxTimeEndsARunAgainstACakeServerThatNeverAnswers) {
  FERRY_REQUIRE(s3_->skip_reason());
  ASSERT_TRUE(s3_->ready()) << s3_->error();
  ASSERT_TRUE(start_cake({"--fail", "hang:100000"})) << read_file(cake_log_);
  FerryEnv f(cake_config("10s"));          // CAKE's connect timeout: 10 s, its call timeout: 120 s
  ASSERT_EQ(f.run({"run"}).exit_code, 0);  // makes the state
  int64_t id = queue(f, "2016-01-10", "2016-01-10");

  TimedRun t = timed_run(f, 100s);
  EXPECT_EQ(t.result.exit_code, 0) << t.result.err;
  // 10 s of budget plus one connect timeout (10 s), with a generous margin.
  EXPECT_LT(t.took.count(), 25000) << "ms the run took";
  EXPECT_EQ(job(f, id, "status"), "queued");
  EXPECT_EQ(job(f, id, "failures"), "0");
  EXPECT_EQ(job(f, id, "error"), "");
  EXPECT_EQ(f.sql("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1"), "interrupted");
  EXPECT_NE(f.all_logs().find("time budget is spent"), std::string::npos) << f.all_logs();
}

TEST_F(BudgetE2E, AHangingSmtpServerCostsOneTimeoutPerRun) {
  FERRY_REQUIRE(SmtpServer::missing());
  SilentListener hung;
  ASSERT_TRUE(hung.ok());
  auto config = [](int port) {
    return "[alerts]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(port) +
           "\"\nto = [\"ops@example.org\"]\ntimeout = \"3s\"\n";
  };
  FerryEnv f(config(hung.port()));
  ASSERT_EQ(f.run({"run"}).exit_code, 0);  // makes the state; nothing to mail yet
  {
    for (int i = 0; i < 10; ++i)
      f.exec("INSERT INTO alerts (key, subject, body, created_at) VALUES ('e2e:problem:" +
             std::to_string(i) + "', 'problem " + std::to_string(i) +
             "', 'body', '2016-01-11T00:00:00Z')");
  }

  TimedRun t = timed_run(f, 100s);
  EXPECT_EQ(t.result.exit_code, 0) << t.result.err;
  // One 3 s timeout; ten would be 30 s.
  EXPECT_LT(t.took.count(), 9000) << "ms the run took";
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts WHERE status = 'pending'"), "10");
  EXPECT_EQ(f.sql("SELECT sum(attempts) FROM alerts"), "1");
  EXPECT_NE(f.all_logs().find("9 more alert mail(s) kept for the next run"), std::string::npos)
      << f.all_logs();

  // The next run tries again (one try), and once a server answers all ten go out.
  t = timed_run(f, 100s);
  EXPECT_LT(t.took.count(), 9000) << "ms the run took";
  EXPECT_EQ(f.sql("SELECT sum(attempts) FROM alerts"), "2");
  int port = free_port();
  SmtpServer server(port, f.path("smtp.log"));
  ASSERT_TRUE(server.ready()) << server.log();
  f.write_config(config(port));
  ASSERT_EQ(f.run({"run"}).exit_code, 0);
  EXPECT_TRUE(server.wait_messages(10)) << server.log();
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts WHERE status = 'pending'"), "0");
}

TEST_F(BudgetE2E, ADayQueuedAfterAThreeYearBackfillSucceedsInTheFirstTick) {
  FERRY_REQUIRE(s3_->skip_reason());
  ASSERT_TRUE(s3_->ready()) << s3_->error();
  ASSERT_TRUE(start_cake({})) << read_file(cake_log_);
  FerryEnv f(cake_config("15s", "click_window = \"1h\""));
  f.env["FERRY_NOW"] = "";                 // the real clock: presigned links must be valid now
  ASSERT_EQ(f.run({"run"}).exit_code, 0);  // makes the state
  int64_t backfill = queue(f, "2016-01-01", "2018-12-31", true);
  int64_t day = queue(f, "2019-01-10", "2019-01-10");

  TimedRun t = timed_run(f, 100s);
  EXPECT_EQ(t.result.exit_code, 0) << t.result.err;
  EXPECT_EQ(job(f, day, "status"), "succeeded") << f.all_logs();
  EXPECT_EQ(job(f, day, "progress_done"), "24");
  EXPECT_EQ(job(f, backfill, "status"), "queued");
  EXPECT_GE(std::stoll(job(f, backfill, "progress_done")), 24);
  EXPECT_EQ(job(f, backfill, "failures"), "0");
  EXPECT_EQ(f.sql("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1"), "interrupted");
}

}  // namespace
}  // namespace ferry::testing
