// Several ferry hosts on one PostgreSQL state, through the real binary: two folders (each its
// own state.dir and run lock, its own run.host) whose runs share one database. Always on the
// test cluster, so these run in the first pass of `make test` (an Integration suite).
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "e2e/ferry_fixture.h"
#include "support/postgres.h"
#include "support/requirements.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

class SharedStateIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    FERRY_REQUIRE(shared_postgres().skip_reason());
    ASSERT_TRUE(shared_postgres().ready()) << shared_postgres().error();
    url_ = shared_postgres().new_database();
    for (auto* host : {&alpha_, &beta_}) {
      host->use_state_url(url_);
      host->env = {{"FERRY_SELFTEST", "1"}, {"FERRY_STATE_LEASE", "10s"}};
    }
    alpha_.env["FERRY_RUN_HOST"] = "alpha";
    beta_.env["FERRY_RUN_HOST"] = "beta";
  }
  // Queues one selftest job per day of January 2016, `n` in all.
  void queue(int n) {
    for (int day = 1; day <= n; ++day) {
      std::string d = "2016-01-" + std::string(day < 10 ? "0" : "") + std::to_string(day);
      ASSERT_EQ(alpha_.run({"queue", "selftest", "--from", d, "--to", d}).exit_code, 0);
    }
  }
  std::string url_;
  FerryEnv alpha_, beta_;
};

TEST_F(SharedStateIntegration, TwoHostsTickingAtOnceDoEveryUnitOnce) {
  queue(6);
  for (auto* host : {&alpha_, &beta_}) {
    host->env["FERRY_SELFTEST_UNITS"] = "4";
    host->env["FERRY_SELFTEST_SLEEP_MS"] = "100";
    host->env["FERRY_SELFTEST_OUTPUTS"] = "1";
  }
  for (int tick = 0; tick < 4 && alpha_.sql("SELECT count(*) FROM jobs WHERE status <> "
                                            "'succeeded'") != "0";
       ++tick) {
    Child a(alpha_.argv({"run"}), alpha_.environment({}), alpha_.dir());
    Child b(beta_.argv({"run"}), beta_.environment({}), beta_.dir());
    ASSERT_EQ(a.wait(60s), 0);
    ASSERT_EQ(b.wait(60s), 0);
  }
  EXPECT_EQ(alpha_.sql("SELECT count(*) FROM jobs WHERE status = 'succeeded'"), "6");
  // Each job was started once, each unit done once: 24 units, 24 outputs, none twice.
  EXPECT_EQ(alpha_.sql("SELECT sum(attempts) FROM jobs"), "6");
  EXPECT_EQ(alpha_.sql("SELECT sum(units_done) FROM runs"), "24");
  EXPECT_EQ(alpha_.sql("SELECT count(DISTINCT name) || ' ' || count(*) FROM job_outputs"), "24 24");
  EXPECT_EQ(alpha_.sql("SELECT count(*) FROM runs WHERE outcome <> 'ok'"), "0");
  EXPECT_EQ(alpha_.sql("SELECT count(*) FROM claims"), "0");
}

TEST_F(SharedStateIntegration, AKilledHostsJobIsTakenOverOnceItsLeasePasses) {
  queue(1);
  for (auto* host : {&alpha_, &beta_}) {
    host->env["FERRY_SELFTEST_UNITS"] = "5";
    host->env["FERRY_SELFTEST_SLEEP_MS"] = "300";
    host->env["FERRY_SELFTEST_OUTPUTS"] = "1";
  }
  {
    Child run(alpha_.argv({"run"}), alpha_.environment({}), alpha_.dir());
    ASSERT_TRUE(wait_until(
        [&] { return alpha_.sql("SELECT count(*) FROM jobs WHERE progress_done >= 2") == "1"; },
        15s));
    run.signal(SIGKILL);
    run.wait(5s);
  }
  auto killed_at = std::chrono::steady_clock::now();
  // Within the lease beta leaves alpha's job alone: alpha may only be slow.
  RunResult early = beta_.run({"run"});
  EXPECT_EQ(early.exit_code, 0) << early.err;
  EXPECT_EQ(alpha_.sql("SELECT status || ' ' || crashes FROM jobs WHERE id = 1"), "running 0");
  EXPECT_EQ(alpha_.sql("SELECT outcome FROM runs WHERE host = 'alpha'"), "running");
  RunResult jobs = beta_.run({"jobs"});
  EXPECT_NE(jobs.out.find("alpha pid"), std::string::npos) << jobs.out;
  RunResult status = beta_.run({"status"});
  EXPECT_NE(status.out.find("lease:          #1 alpha pid "), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(": job 1\n"), std::string::npos) << status.out;
  int before = std::stoi(alpha_.sql("SELECT progress_done FROM jobs WHERE id = 1"));
  std::this_thread::sleep_until(killed_at + 11s);
  RunResult late = beta_.run({"run"});
  EXPECT_EQ(late.exit_code, 0) << late.err;
  EXPECT_NE(late.err.find("resuming from its checkpoint"), std::string::npos) << late.err;
  EXPECT_EQ(alpha_.sql("SELECT status || ' ' || progress_done || ' ' || failures || ' ' || "
                       "crashes FROM jobs WHERE id = 1"),
            "succeeded 5 0 1");
  EXPECT_EQ(alpha_.sql("SELECT outcome FROM runs WHERE host = 'alpha'"), "crashed");
  EXPECT_NE(alpha_.sql("SELECT note FROM runs WHERE host = 'alpha'").find("its lease ran out"),
            std::string::npos);
  // The units alpha committed are not done again: 5 outputs, once each.
  EXPECT_EQ(alpha_.sql("SELECT count(DISTINCT name) || ' ' || count(*) FROM job_outputs"), "5 5");
  EXPECT_EQ(alpha_.sql("SELECT sum(units_done) FROM runs WHERE host = 'beta'"),
            std::to_string(5 - before));
}

TEST_F(SharedStateIntegration, ARunLongerThanItsLeaseKeepsItByRenewingIt) {
  queue(1);
  alpha_.env["FERRY_SELFTEST_UNITS"] = "7";
  alpha_.env["FERRY_SELFTEST_SLEEP_MS"] = "2000";  // 14 s: longer than the 10 s lease
  Child run(alpha_.argv({"run"}), alpha_.environment({}), alpha_.dir());
  ASSERT_TRUE(wait_until(
      [&] { return alpha_.sql("SELECT count(*) FROM jobs WHERE progress_done >= 1") == "1"; },
      15s));
  std::this_thread::sleep_for(10s);  // the lease alpha began with has passed by now
  RunResult other = beta_.run({"run"});
  EXPECT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(alpha_.sql("SELECT outcome FROM runs WHERE host = 'alpha'"), "running");
  ASSERT_EQ(run.wait(30s), 0);
  EXPECT_EQ(alpha_.sql("SELECT status || ' ' || progress_done || ' ' || crashes FROM jobs"),
            "succeeded 7 0");
  EXPECT_EQ(alpha_.sql("SELECT outcome FROM runs WHERE host = 'alpha'"), "ok");
}

TEST_F(SharedStateIntegration, ALostConnectionStopsTheRunAndTheNextGoesOnFromItsCheckpoint) {
  queue(1);
  alpha_.env["FERRY_SELFTEST_UNITS"] = "6";
  alpha_.env["FERRY_SELFTEST_SLEEP_MS"] = "300";
  alpha_.env["FERRY_SELFTEST_OUTPUTS"] = "1";
  Child run(alpha_.argv({"run"}), alpha_.environment({}), alpha_.dir(), alpha_.path("run.out"));
  ASSERT_TRUE(wait_until(
      [&] { return alpha_.sql("SELECT count(*) FROM jobs WHERE progress_done >= 2") == "1"; },
      15s));
  // The database server drops every connection of the run (a restart, a failover).
  alpha_.sql(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
      "current_database() AND pid <> pg_backend_pid()");
  int code = run.wait(30s);
  std::string out = read_file(alpha_.path("run.out"));
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(out.find("stopped: the state database stayed busy or its connection was lost"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("is busy (a lock another host holds, a conflict with it, or a lost "
                     "connection)"),
            std::string::npos)
      << out;
  // The next run on this host goes on at once from what was committed, no failure counted.
  RunResult next = alpha_.run({"run"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("1 job(s) queued again with no failure counted"), std::string::npos)
      << next.err;
  EXPECT_EQ(alpha_.sql("SELECT status || ' ' || progress_done FROM jobs"), "succeeded 6");
  EXPECT_EQ(alpha_.sql("SELECT count(DISTINCT name) || ' ' || count(*) FROM job_outputs"), "6 6");
  EXPECT_EQ(alpha_.sql("SELECT failures || ' ' || crashes FROM jobs"), "0 0");
}

}  // namespace
}  // namespace ferry::testing
