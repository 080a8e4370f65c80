// Two ferry hosts on one PostgreSQL state exporting CAKE clicks from the one stand-in:
// `cake.max_concurrent_calls` is a limit counted across the hosts. Always on the test cluster,
// so it runs in the first pass of `make test` (an Integration suite).
#include <gtest/gtest.h>

#include "e2e/cake_fixture.h"
#include "support/postgres.h"

namespace ferry::testing {
namespace {

class CakeHostsIntegration : public CakeE2E {};

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

}  // namespace
}  // namespace ferry::testing
