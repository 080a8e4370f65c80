// What each pipeline adds to the status page and the metrics file, read from its own tables.
#include <gtest/gtest.h>

#include "ferry/cake/pipeline.h"
#include "ferry/cake/store.h"
#include "ferry/matomo/pipeline.h"
#include "ferry/matomo/store.h"
#include "ferry/mindtrails/store.h"
#include "ferry/mindtrails/task.h"
#include "ferry/ops/render.h"
#include "ferry/state/runs.h"
#include "ferry/wenet/pipeline.h"
#include "ferry/wenet/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::ops {
namespace {

const TimePoint kNow = *parse_iso8601("2026-12-01T12:00:00Z");

class PipelineViews : public ::testing::Test {
 protected:
  PipelineViews() {
    list_.push_back(cake::make_pipeline());
    list_.push_back(mindtrails::make_pipeline());
    list_.push_back(matomo::make_pipeline());
    list_.push_back(wenet::make_pipeline());
    store_ =
        std::make_unique<ferry::testing::TestStore>(dir_.path(), core::state_components(list_));
  }
  core::StatusSection section(const std::string& title) {
    for (const auto& p : list_)
      for (auto& s : p->status_sections(*store_, kNow))
        if (s.title == title) return s;
    ADD_FAILURE() << "no section " << title;
    return {};
  }
  std::string metrics() { return render_metrics(read_snapshot(*store_, list_, kNow, "test")); }
  ferry::testing::TempDir dir_;
  core::PipelineList list_;
  std::unique_ptr<state::Store> store_;
};

TEST_F(PipelineViews, EmptyTablesGiveEmptySectionsWithANote) {
  for (const char* title : {"CAKE currencies cache", "MindTrails servers", "Matomo sites",
                            "WeNet reports", "WeNet analytics left on the logger"}) {
    auto s = section(title);
    EXPECT_TRUE(s.rows.empty()) << title;
    EXPECT_FALSE(s.empty_note.empty()) << title;
  }
  std::string m = metrics();
  EXPECT_NE(m.find("# TYPE ferry_mindtrails_deletes gauge\n"), std::string::npos);
  EXPECT_EQ(m.find("ferry_mindtrails_deletes{"), std::string::npos);
}

TEST_F(PipelineViews, CakeShowsItsCurrencyCacheAndItsAge) {
  cake::CakeStore(*store_).replace_currencies("https://cake.example", {{"1", "USD"}, {"2", "EUR"}},
                                              kNow - std::chrono::hours(2));
  auto s = section("CAKE currencies cache");
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0],
            (std::vector<std::string>{"https://cake.example", "2", "2026-12-01T10:00:00Z"}));
  EXPECT_NE(metrics().find("ferry_cake_currencies_age_seconds{admin_url=\"https://cake.example\"} "
                           "7200\n"),
            std::string::npos);
}

TEST_F(PipelineViews, MindTrailsShowsTablesAndDeletesPerServer) {
  mindtrails::MindTrailsStore mt(*store_);
  mt.save_table({"prod", "A", true, "/d/a.csv", 10, "[]"}, kNow);
  mt.save_table({"prod", "B", true, "/d/b.csv", 10, "[]"}, kNow - std::chrono::hours(1));
  mt.queue_deletes("prod", "A", {1, 2, 3}, kNow);
  mt.finish_delete("prod", "A", 1, mindtrails::DeleteStatus::kDeleted, "", kNow);
  auto s = section("MindTrails servers");
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0],
            (std::vector<std::string>{"prod", "2", "0", "2026-12-01T12:00:00Z", "2", "0", "0"}));
  std::string m = metrics();
  EXPECT_NE(m.find("ferry_mindtrails_tables{server=\"prod\"} 2\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_mindtrails_deletes{server=\"prod\",status=\"pending\"} 2\n"),
            std::string::npos);
  EXPECT_NE(m.find("ferry_mindtrails_deletes{server=\"prod\",status=\"deleted\"} 1\n"),
            std::string::npos);
}

TEST_F(PipelineViews, MatomoShowsDaysImportedPerSite) {
  matomo::MatomoStore st(*store_);
  st.add_listed("shop", "2026-11-29", {{"a.log", "e1", "x", 10}}, kNow);
  st.add_listed("shop", "2026-11-30", {{"b.log", "e2", "x", 10}, {"c.log", "e3", "x", 10}}, kNow);
  auto a = *st.find("shop", "a.log", "e1");
  st.finish(st.start(a, 1, kNow), {5, 4, 1, 0, 1}, false, kNow);
  auto b = *st.find("shop", "b.log", "e2");
  st.finish(st.start(b, 1, kNow), {5, 4, 1, 0, 1}, false, kNow);
  auto s = section("Matomo sites");
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0][0], "shop");
  EXPECT_EQ(s.rows[0][1], "1");           // 2026-11-30 still has c.log to import
  EXPECT_EQ(s.rows[0][2], "2026-11-29");  // the last day whose every object is imported
  EXPECT_EQ(s.rows[0][3], "1");
  std::string m = metrics();
  EXPECT_NE(m.find("ferry_matomo_objects{site=\"shop\",status=\"imported\"} 2\n"),
            std::string::npos);
  EXPECT_NE(m.find("ferry_matomo_days_imported{site=\"shop\"} 1\n"), std::string::npos);
}

TEST_F(PipelineViews, WenetShowsReportJobsAndAnalyticsLeft) {
  state::JobStore jobs(*store_);
  int64_t id = jobs.enqueue(wenet::kReportKind, "2026-11-01", "2026-11-07", "{}", kNow);
  jobs.start(id, state::RunStore(*store_).begin(kNow, 1), kNow);
  state::JobOutput o;
  o.name = "users.csv";
  o.rows = 12;
  jobs.commit_unit(id, "", 1, 1, {o}, kNow);
  jobs.finish(id, state::JobStatus::kSucceeded, "", kNow);
  wenet::WenetStore(*store_).add_analytic("an1", "https://wenet.example", kNow, 0);
  auto r = section("WeNet reports");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0], (std::vector<std::string>{"#1", "2026-11-01", "2026-11-07", "succeeded", "1",
                                                 "12", "2026-12-01T12:00:00Z"}));
  auto left = section("WeNet analytics left on the logger");
  ASSERT_EQ(left.rows.size(), 1u);
  EXPECT_NE(metrics().find("ferry_wenet_analytics_left{instance=\"https://wenet.example\"} 1\n"),
            std::string::npos);
}

}  // namespace
}  // namespace ferry::ops
