// The matomo task (one job per site for yesterday at daily_at in the zone, missed days caught
// up oldest first), the archive's key and member names, and archive_command.
#include <gtest/gtest.h>

#include "ferry/config/config.h"
#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/matomo/archive.h"
#include "ferry/matomo/pipeline.h"
#include "ferry/matomo/shell_command.h"
#include "ferry/net/fake_http.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::matomo {
namespace {

TimePoint at(const char* iso) {
  return *parse_iso8601(iso);
}

class MatomoDaily : public ::testing::Test {
 protected:
  MatomoDaily() {
    settings_.enabled = true;
    settings_.daily = true;
    settings_.token_auth = "tok";
    settings_.url = "https://matomo.test/";
    settings_.timezone = "America/New_York";
    settings_.daily_at = "02:00";
    settings_.sites = {{"a.org", 1, "a/", "", "auto", ""}, {"b.org", 2, "b/", "", "auto", ""}};
  }
  std::unique_ptr<core::ScheduledTask> task(const char* now) {
    services_.now = at(now);
    return make_daily_task(services_, settings_);
  }
  // "from site" of every job, oldest first.
  std::vector<std::string> queued() {
    std::vector<std::string> out;
    auto jobs = state::JobStore(store_).list({true}, services_.now);
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
      EXPECT_EQ(it->kind, kImportKind);
      EXPECT_EQ(it->from_date, it->to_date);
      out.push_back(it->from_date + " " + site_of_params(it->params));
    }
    return out;
  }

  ferry::testing::TempDir dir_;
  ferry::testing::TestStore store_{dir_ / "state"};
  config::Config config_;
  net::FakeHttpClient http_{std::deque<net::HttpResponse>{}};
  log::RecordingAlertSink alerts_;
  FakeTimer timer_;
  Budget budget_{timer_, std::chrono::hours(1)};
  FixedClock wall_{at("2015-03-06T07:00:00Z")};
  core::Services services_{config_, store_,  http_, alerts_, TimePoint{},
                           wall_,   budget_, 1,     nullptr, io::Env::posix()};
  MatomoSettings settings_;
};

TEST_F(MatomoDaily, OffUnlessEnabledAndDaily) {
  settings_.daily = false;
  EXPECT_FALSE(task("2015-03-06T08:00:00Z")->due(std::nullopt));
  settings_.daily = true;
  settings_.enabled = false;
  EXPECT_FALSE(task("2015-03-06T08:00:00Z")->due(std::nullopt));
}

TEST_F(MatomoDaily, OneJobPerSiteForYesterdayAtDailyAtInTheZone) {
  // 06:59Z is 01:59 in New York: not yet.
  auto early = task("2015-03-06T06:59:00Z");
  ASSERT_TRUE(early->due(std::nullopt));  // no mark: the latest due day (the 4th)
  EXPECT_EQ(early->step().status, core::StepStatus::kDone);
  EXPECT_EQ(queued(), (std::vector<std::string>{"2015-03-04 a.org", "2015-03-04 b.org"}));
  EXPECT_FALSE(task("2015-03-06T06:59:30Z")->due(std::nullopt));
  auto t = task("2015-03-06T07:00:00Z");
  ASSERT_TRUE(t->due(std::nullopt));
  EXPECT_EQ(t->step().status, core::StepStatus::kDone);
  EXPECT_EQ(queued().size(), 4u);
  EXPECT_EQ(queued()[2], "2015-03-05 a.org");
  EXPECT_FALSE(task("2015-03-06T12:00:00Z")->due(std::nullopt));
}

TEST_F(MatomoDaily, MissedDaysAreQueuedOldestFirst) {
  state::MarkStore(store_).set("matomo", "daily", "2015-03-02", wall_.now());
  auto t = task("2015-03-06T08:00:00Z");
  ASSERT_TRUE(t->due(std::nullopt));
  EXPECT_EQ(t->step().status, core::StepStatus::kMore);
  EXPECT_EQ(t->step().status, core::StepStatus::kMore);
  EXPECT_EQ(t->step().status, core::StepStatus::kDone);
  EXPECT_EQ(queued(),
            (std::vector<std::string>{"2015-03-03 a.org", "2015-03-03 b.org", "2015-03-04 a.org",
                                      "2015-03-04 b.org", "2015-03-05 a.org", "2015-03-05 b.org"}));
  EXPECT_EQ(state::MarkStore(store_).get("matomo", "daily"), "2015-03-05");
}

TEST_F(MatomoDaily, BadSettingsFailThePass) {
  settings_.token_auth = "";
  auto t = task("2015-03-06T08:00:00Z");
  ASSERT_TRUE(t->due(std::nullopt));
  auto r = t->step();
  ASSERT_EQ(r.status, core::StepStatus::kFailed);
  EXPECT_NE(r.failure.message.find("token_auth"), std::string::npos);
  EXPECT_TRUE(queued().empty());
}

TEST(MatomoArchiveNames, KeyAndMembersAsTheOldImporterNamedThem) {
  EXPECT_EQ(archive_key("", "example.org", {2015, 3, 5}),
            "2015/March/05/example.org-March-05-2015.log.zip");
  EXPECT_EQ(archive_key("imported/", "example.org", {2016, 12, 31}),
            "imported/2016/December/31/example.org-December-31-2016.log.zip");
  EXPECT_EQ(member_name("example.org", {2015, 3, 5}, 0), "example.org-March-05-0.log");
  EXPECT_EQ(member_name("example.org", {2015, 1, 15}, 12), "example.org-January-15-12.log");
}

TEST(MatomoArchiveCommand, ExitStatusOutputAndTimeout) {
  ferry::testing::TempDir dir;
  const std::string out = dir / "out";
  ::setenv("FERRY_TEST_MATOMO_SECRET", "hidden", 1);
  auto ok = run_shell_command("echo day=$MATOMO_DAY secret=$FERRY_TEST_MATOMO_SECRET; echo err >&2",
                              std::chrono::seconds(30), out, {{"MATOMO_DAY", "2015-03-05"}});
  ::unsetenv("FERRY_TEST_MATOMO_SECRET");
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.output, "day=2015-03-05 secret=\nerr\n");
  EXPECT_EQ(ok.describe(std::chrono::seconds(30)), "exit 0");
  auto bad = run_shell_command("exit 3", std::chrono::seconds(30), out);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.describe(std::chrono::seconds(30)), "exit 3");
  // Far more output than a pipe holds: no hang, the tail kept.
  auto big = run_shell_command("head -c 1000000 /dev/zero | tr '\\0' x; echo END",
                               std::chrono::seconds(30), out);
  EXPECT_TRUE(big.ok());
  EXPECT_EQ(big.output.size(), 4096u);
  EXPECT_EQ(big.output.substr(big.output.size() - 4), "END\n");
  auto slow = run_shell_command("sleep 30", std::chrono::seconds(1), out);
  EXPECT_TRUE(slow.timed_out);
  EXPECT_FALSE(slow.ok());
  EXPECT_EQ(slow.describe(std::chrono::seconds(1)), "timed out after 1s");
}

}  // namespace
}  // namespace ferry::matomo
