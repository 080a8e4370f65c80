// cake-daily: due once a day at daily_at, yesterday's two jobs queued with the mark, missed days
// caught up oldest first, nothing queued twice.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "cake/pipeline_fixture.h"
#include "ferry/state/runs.h"

namespace ferry::cake::testing {
namespace {

class CakeDaily : public PipelineTest {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);  // daily_at is local time
    ::tzset();
    settings_.daily = true;
    settings_.daily_at = "01:30";
  }
  std::unique_ptr<core::ScheduledTask> task(const char* now) {
    services_.now = at(now);
    return make_daily_task(services_, settings_);
  }
  // "kind from" of every job, oldest first.
  std::vector<std::string> queued() {
    std::vector<std::string> out;
    auto jobs = state::JobStore(store_).list({true}, services_.now);
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
      EXPECT_EQ(it->from_date, it->to_date);
      out.push_back(it->kind + " " + it->from_date);
    }
    return out;
  }
  std::optional<std::string> mark() { return state::MarkStore(store_).get("cake", "daily"); }
};

TEST(CakeDailyDay, YesterdayOnceDailyAtIsReached) {
  EXPECT_EQ(latest_daily_day(Date{2016, 1, 12}, 89, 90), (Date{2016, 1, 10}));
  EXPECT_EQ(latest_daily_day(Date{2016, 1, 12}, 90, 90), (Date{2016, 1, 11}));
  EXPECT_EQ(latest_daily_day(Date{2016, 3, 1}, 600, 90), (Date{2016, 2, 29}));
}

TEST_F(CakeDaily, OffUnlessEnabled) {
  settings_.daily = false;
  EXPECT_FALSE(task("2016-01-12T03:00:00Z")->due(std::nullopt));
}

TEST_F(CakeDaily, QueuesYesterdayOnceAndTheNextDayAfterDailyAt) {
  auto t = task("2016-01-12T03:00:00Z");
  ASSERT_TRUE(t->due(std::nullopt));
  EXPECT_EQ(t->step().status, core::StepStatus::kDone);
  EXPECT_EQ(queued(),
            (std::vector<std::string>{"cake-clicks 2016-01-11", "cake-conversions 2016-01-11"}));
  EXPECT_EQ(mark(), "2016-01-11");
  EXPECT_FALSE(task("2016-01-12T23:00:00Z")->due(at("2016-01-12T03:00:00Z")));
  EXPECT_FALSE(task("2016-01-13T01:29:00Z")->due(at("2016-01-12T03:00:00Z")));
  auto next = task("2016-01-13T01:30:00Z");
  ASSERT_TRUE(next->due(at("2016-01-12T03:00:00Z")));
  EXPECT_EQ(next->step().status, core::StepStatus::kDone);
  EXPECT_EQ(queued().size(), 4u);
  EXPECT_EQ(queued().back(), "cake-conversions 2016-01-12");
  // Run again at the same time (a second tick): nothing more.
  auto again = task("2016-01-13T01:35:00Z");
  EXPECT_FALSE(again->due(std::nullopt));
  EXPECT_EQ(again->step().status, core::StepStatus::kDone);
  EXPECT_EQ(queued().size(), 4u);
}

TEST_F(CakeDaily, MissedDaysAreCaughtUpOldestFirst) {
  state::MarkStore(store_).set("cake", "daily", "2016-01-08", at("2016-01-09T01:30:00Z"));
  auto t = task("2016-01-12T03:00:00Z");
  ASSERT_TRUE(t->due(std::nullopt));
  EXPECT_EQ(t->step().status, core::StepStatus::kMore);
  EXPECT_EQ(t->step().status, core::StepStatus::kMore);
  EXPECT_EQ(t->step().status, core::StepStatus::kDone);
  EXPECT_EQ(queued(),
            (std::vector<std::string>{"cake-clicks 2016-01-09", "cake-conversions 2016-01-09",
                                      "cake-clicks 2016-01-10", "cake-conversions 2016-01-10",
                                      "cake-clicks 2016-01-11", "cake-conversions 2016-01-11"}));
  EXPECT_EQ(mark(), "2016-01-11");
  EXPECT_FALSE(task("2016-01-12T04:00:00Z")->due(std::nullopt));
}

TEST_F(CakeDaily, ABadTimeOfDayIsReported) {
  settings_.daily_at = "25:00";
  auto t = task("2016-01-12T03:00:00Z");
  ASSERT_TRUE(t->due(std::nullopt));
  auto r = t->step();
  ASSERT_EQ(r.status, core::StepStatus::kFailed);
  EXPECT_EQ(r.failure.message, "cake: [cake] daily_at '25:00' is not HH:MM");
  EXPECT_TRUE(queued().empty());
}

}  // namespace
}  // namespace ferry::cake::testing
