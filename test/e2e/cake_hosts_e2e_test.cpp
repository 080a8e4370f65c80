// Two ferry hosts on one PostgreSQL state exporting CAKE clicks from the one stand-in:
// `cake.max_concurrent_calls` is a limit counted across the hosts. Always on the test cluster,
// so it runs in the first pass of `make test` (an Integration suite).
#include <gtest/gtest.h>

#include "e2e/cake_fixture.h"
#include "support/postgres.h"

#include <set>
#include <thread>

namespace ferry::testing {
namespace {

class CakeHostsIntegration : public CakeE2E {
 protected:
  // Two hosts, alpha and beta, on a new database, exporting under `prefix` with `extra` keys.
  std::pair<std::unique_ptr<FerryEnv>, std::unique_ptr<FerryEnv>> hosts(const std::string& prefix,
                                                                        const std::string& extra) {
    const std::string url = shared_postgres().new_database();
    auto alpha = env(prefix, extra), beta = env(prefix, extra);
    alpha->use_state_url(url);
    beta->use_state_url(url);
    alpha->env["FERRY_RUN_HOST"] = "alpha";
    beta->env["FERRY_RUN_HOST"] = "beta";
    return {std::move(alpha), std::move(beta)};
  }
  // The clicks calls the stand-in logged since `from` that asked for a window already asked
  // for, as "START..END@ROW" lines.
  static std::vector<std::string> repeated_windows(const json& log) {
    std::set<std::string> seen;
    std::vector<std::string> again;
    for (const auto& e : log) {
      if (e.value("method", "") != "Clicks") continue;
      std::string w = e.value("start_date", "") + ".." + e.value("end_date", "") + "@" +
                      e["start_at_row"].dump();
      if (!seen.insert(w).second) again.push_back(w);
    }
    return again;
  }
};

TEST_F(CakeHostsIntegration, TwoHostsTogetherKeepToMaxConcurrentCalls) {
  FERRY_REQUIRE(shared_postgres().skip_reason());
  ASSERT_TRUE(shared_postgres().ready()) << shared_postgres().error();
  for (int limit : {1, 2}) {
    SCOPED_TRACE("max_concurrent_calls = " + std::to_string(limit));
    const std::string url = shared_postgres().new_database();
    const std::string prefix = "hosts-" + std::to_string(limit) + "/";
    const std::string extra =
        "click_window = \"1h\"\nmax_concurrent_calls = " + std::to_string(limit) + "\n";
    auto alpha = env(prefix, extra), beta = env(prefix, extra);
    alpha->use_state_url(url);
    beta->use_state_url(url);
    alpha->env["FERRY_RUN_HOST"] = "alpha";
    beta->env["FERRY_RUN_HOST"] = "beta";
    for (int day = 10; day <= 13; ++day) {
      std::string d = "2016-01-" + std::to_string(day);
      queue(*alpha, "cake-clicks", d, d);
    }
    // Each call takes 30 ms at the stand-in: without the shared limit the hosts' calls overlap.
    ASSERT_EQ(
        call("POST", "/_control", R"({"mode": "slow", "seconds": 0.03, "count": 100000})").status,
        200);
    ASSERT_EQ(call("DELETE", "/_control/stats").status, 200);
    Child a(alpha->argv({"run"}), alpha->environment({}), alpha->dir());
    Child b(beta->argv({"run"}), beta->environment({}), beta->dir());
    EXPECT_EQ(a.wait(120s), 0);
    EXPECT_EQ(b.wait(120s), 0);
    call("DELETE", "/_control");
    auto stats = json::parse(call("GET", "/_control/stats").body);
    call("DELETE", "/_control/stats");  // the other tests count from here
    EXPECT_EQ(stats["max_in_flight"], limit) << stats.dump();
    EXPECT_EQ(alpha->sql("SELECT count(*) FROM jobs WHERE status = 'succeeded'"), "4");
    EXPECT_EQ(alpha->sql("SELECT sum(attempts) FROM jobs"), "4");
    EXPECT_EQ(alpha->sql("SELECT count(DISTINCT name) || ' ' || count(*) FROM job_outputs"),
              "96 96");
    EXPECT_EQ(objects(prefix).size(), 96u);
    EXPECT_EQ(alpha->sql("SELECT count(*) FROM call_slots"), "0");
  }
}

// One 14-day clicks backfill worked by both hosts at once, hour by hour: each hour is claimed by
// one host, exported and asked of CAKE once, and the calls of both hosts together stay within
// max_concurrent_calls. Then a host is killed mid-hour: the other finishes the job once the
// killed host's lease has passed, with files identical to those of the undisturbed export.
TEST_F(CakeHostsIntegration, TwoHostsShareTheHoursOfOneBackfill) {
  FERRY_REQUIRE(shared_postgres().skip_reason());
  ASSERT_TRUE(shared_postgres().ready()) << shared_postgres().error();
  const std::string extra = "click_window = \"1h\"\nmax_concurrent_calls = 2\n";
  auto first = hosts("backfill/", extra);
  FerryEnv* alpha = first.first.get();
  FerryEnv* beta = first.second.get();
  queue(*alpha, "cake-clicks", "2016-01-01", "2016-01-14");
  ASSERT_EQ(
      call("POST", "/_control", R"({"mode": "slow", "seconds": 0.01, "count": 100000})").status,
      200);
  ASSERT_EQ(call("DELETE", "/_control/stats").status, 200);
  ASSERT_EQ(call("DELETE", "/_control/log").status, 200);
  {
    Child a(alpha->argv({"run"}), alpha->environment({}), alpha->dir());
    Child b(beta->argv({"run"}), beta->environment({}), beta->dir());
    EXPECT_EQ(a.wait(300s), 0);
    EXPECT_EQ(b.wait(300s), 0);
  }
  call("DELETE", "/_control");
  auto stats = json::parse(call("GET", "/_control/stats").body);
  auto log = json::parse(call("GET", "/_control/log").body);
  call("DELETE", "/_control/stats");
  EXPECT_LE(stats["max_in_flight"].get<int>(), 2) << stats.dump();
  EXPECT_EQ(repeated_windows(log), std::vector<std::string>{});
  EXPECT_EQ(alpha->sql("SELECT status || ' ' || progress_done || ' ' || progress_total || ' ' || "
                       "checkpoint FROM jobs"),
            "succeeded 336 336 2016-01-15T00:00:00Z")
      << alpha->sql("SELECT error FROM jobs");
  EXPECT_EQ(alpha->sql("SELECT count(DISTINCT name) || ' ' || count(*) FROM job_outputs"),
            "336 336");
  // Both hosts did hours of it.
  EXPECT_EQ(alpha->sql("SELECT count(*) FROM runs WHERE units_done > 0"), "2");
  EXPECT_EQ(alpha->sql("SELECT count(*) FROM job_units"), "0");
  auto whole = objects("backfill/");
  EXPECT_EQ(whole.size(), 336u);

  auto second = hosts("killed/", extra);
  FerryEnv* gamma = second.first.get();
  FerryEnv* delta = second.second.get();
  for (auto* host : {gamma, delta}) host->env["FERRY_STATE_LEASE"] = "10s";
  queue(*gamma, "cake-clicks", "2016-01-01", "2016-01-02");
  ASSERT_EQ(
      call("POST", "/_control", R"({"mode": "slow", "seconds": 0.3, "count": 100000})").status,
      200);
  {
    Child g(gamma->argv({"run"}), gamma->environment({}), gamma->dir());
    Child d(delta->argv({"run"}), delta->environment({}), delta->dir());
    ASSERT_TRUE(wait_until(
        [&] {
          return std::stoi(gamma->sql("SELECT count(*) FROM job_outputs")) >= 6 &&
                 gamma->sql(
                     "SELECT count(*) FROM job_units j JOIN runs r ON r.id = j.run_id "
                     "WHERE r.host = 'beta' AND j.done_at IS NULL") == "1";
        },
        60s));
    d.signal(SIGKILL);  // beta, holding an hour it has not finished
    d.wait(5s);
    // Within its lease the killed host still holds its hour.
    RunResult status = gamma->run({"status"});
    const auto at = status.out.find("beta pid " + std::to_string(d.pid()));
    ASSERT_NE(at, std::string::npos) << status.out;
    const std::string line = status.out.substr(at, status.out.find('\n', at) - at);
    EXPECT_NE(line.find("job 1 unit "), std::string::npos) << status.out;
    EXPECT_EQ(g.wait(120s), 0);
  }
  call("DELETE", "/_control");
  std::this_thread::sleep_for(11s);  // beta's lease has passed (if gamma's run was shorter)
  EXPECT_EQ(run_until_finished(*gamma, 1), "succeeded");
  EXPECT_EQ(gamma->sql("SELECT progress_done FROM jobs"), "48");
  EXPECT_EQ(gamma->sql("SELECT outcome FROM runs WHERE host = 'beta'"), "crashed");
  EXPECT_EQ(gamma->sql("SELECT count(DISTINCT name) || ' ' || count(*) FROM job_outputs"), "48 48");
  auto after_kill = objects("killed/");
  ASSERT_EQ(after_kill.size(), 48u);
  for (const auto& [name, bytes] : after_kill) {
    ASSERT_TRUE(whole.count(name)) << name;
    EXPECT_TRUE(whole.at(name) == bytes) << name << " differs from the undisturbed export";
  }
}

}  // namespace
}  // namespace ferry::testing
