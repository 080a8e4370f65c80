// Two ferry hosts on one PostgreSQL state exporting two MindTrails servers: each server is a
// stream one host at a time works, so the hosts export different servers at once. Always on the
// test cluster, so it runs in the first pass of `make test` (an Integration suite).
#include <gtest/gtest.h>

#include <thread>

#include "e2e/ferry_fixture.h"
#include "e2e/mindtrails_standin.h"
#include "ferry/mindtrails/names.h"
#include "support/postgres.h"
#include "support/requirements.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

const char kNow[] = "2016-02-01T21:05:09Z";

std::vector<std::string> sample_tables() {
  return {"SUDS", "DASS21_DS", "DD", "DD_FU", "DASS21_AS", "OA", "Demographic", "QOL", "TrialDAO"};
}

class MindTrailsHostsIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    FERRY_REQUIRE(shared_postgres().skip_reason());
    ASSERT_TRUE(shared_postgres().ready()) << shared_postgres().error();
    key_ = mindtrails::testing::make_key(shared_.path(), "team.pem", false);
    for (const char* name : {"one", "two"}) {
      auto s =
          std::make_unique<MindTrailsStandin>(repo_root() + "/test/standins/mindtrails_sample.json",
                                              key_.pub, shared_ / (std::string(name) + ".log"));
      ASSERT_TRUE(s->ready()) << read_file(shared_ / (std::string(name) + ".log"));
      servers_.push_back(std::move(s));
    }
    const std::string url = shared_postgres().new_database();
    std::string config = "[alerts]\nto = []\n";
    for (int i = 0; i < 2; ++i) {
      const std::string name = i == 0 ? "one" : "two";
      config += "[[mindtrails.server]]\nname = \"" + name + "\"\nurl = \"" + servers_[i]->url() +
                "\"\nusername = \"" + MindTrailsStandin::kUser + "\"\npassword = \"" +
                MindTrailsStandin::kPassword + "\"\nprivate_key = \"" + key_.pem +
                "\"\ndelete = true\ndata_dir = \"" + shared_ / name +
                "\"\nshared = true\ntimeout = \"30s\"\n";
    }
    for (auto* host : {&alpha_, &beta_}) {
      host->write_config(config);
      host->use_state_url(url);
      host->env["FERRY_NOW"] = kNow;
      host->env["FERRY_STATE_LEASE"] = "10s";
    }
    alpha_.env["FERRY_RUN_HOST"] = "alpha";
    beta_.env["FERRY_RUN_HOST"] = "beta";
  }
  // Requests server `i` answered on its export API.
  int exports(int i) const { return static_cast<int>(servers_[i]->log().size()); }

  TempDir shared_;  // the folder every host mounts: keys and data_dirs
  KeyPair key_;
  std::vector<std::unique_ptr<MindTrailsStandin>> servers_;
  FerryEnv alpha_, beta_;
};

TEST_F(MindTrailsHostsIntegration, TwoHostsExportDifferentServersAtOnce) {
  std::vector<RowLedger> ledgers(2);
  for (int i = 0; i < 2; ++i) ledgers[i].snapshot(*servers_[i]);
  // Slow replies: a pass of one takes seconds, of two three times as long.
  servers_[0]->fail(
      {{"mode", "slow"}, {"seconds", 0.1}, {"path_contains", "/api/export"}, {"count", 1000}});
  servers_[1]->fail(
      {{"mode", "slow"}, {"seconds", 0.3}, {"path_contains", "/api/export"}, {"count", 1000}});
  Child a(alpha_.argv({"run"}), alpha_.environment({}), alpha_.dir());
  ASSERT_TRUE(wait_until([&] { return exports(0) > 0; }, 30s)) << alpha_.all_logs();
  // alpha works on one: beta passes it over and works on two meanwhile.
  Child b(beta_.argv({"run"}), beta_.environment({}), beta_.dir());
  ASSERT_TRUE(wait_until([&] { return exports(1) > 0; }, 30s)) << beta_.all_logs();
  RunResult status = alpha_.run({"status"});
  EXPECT_NE(status.out.find("stream:mindtrails:two"), std::string::npos) << status.out;
  ASSERT_EQ(a.wait(60s), 0) << alpha_.all_logs();
  ASSERT_EQ(b.wait(60s), 0) << beta_.all_logs();

  const std::string in_a = alpha_.all_logs(), in_b = beta_.all_logs();
  EXPECT_NE(in_a.find("mindtrails: one: pass started"), std::string::npos) << in_a;
  EXPECT_NE(in_b.find("mindtrails: one: another host is working on it (alpha pid "),
            std::string::npos)
      << in_b;
  EXPECT_NE(in_b.find("mindtrails: two: pass started"), std::string::npos) << in_b;
  // alpha was done with one while beta still worked on two.
  EXPECT_NE(in_a.find("mindtrails: two: another host is working on it (beta pid "),
            std::string::npos)
      << in_a;
  EXPECT_EQ(in_a.find("mindtrails: two: pass started"), std::string::npos) << in_a;

  // Every row of each server exactly once in its CSVs, deleted where allowed; claims let go.
  const std::string date = mindtrails::file_date(*parse_iso8601(kNow));
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i == 0 ? "one" : "two");
    auto csv = read_csvs(shared_ / ((i == 0 ? "one" : "two") + std::string("/active_data")),
                         sample_tables(), date);
    EXPECT_EQ(check_rows(ledgers[i], csv, servers_[i]->control("GET", "/_control/rows"), true), "");
  }
  EXPECT_EQ(alpha_.sql("SELECT count(*) FROM claims"), "0");
  EXPECT_EQ(alpha_.sql("SELECT count(*) FROM runs WHERE outcome <> 'ok'"), "0");
}

}  // namespace
}  // namespace ferry::testing
