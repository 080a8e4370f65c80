// The pipeline around the report writers: a wenet-report job writes its folder, records every
// file (uploaded with wenet.s3), deletes the analytics it made and those a killed run left; a
// failed run leaves the earlier folder; the daily task queues one job per day of daily_range;
// the task given arguments runs one report at once.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cake/pipeline_fixture.h"
#include "ferry/net/fake_http.h"
#include "ferry/state/runs.h"
#include "ferry/wenet/pipeline.h"
#include "ferry/wenet/report_run.h"
#include "ferry/wenet/store.h"
#include "support/crash_walk.h"
#include "support/test_store.h"
#include "wenet/fake_wenet.h"
#include "wenet/parts.h"

namespace ferry::wenet {
namespace {

using cake::testing::at;
using cake::testing::SharedObjectStore;
using ferry::testing::list_dir;
using ferry::testing::read_tree;
using nlohmann::json;

constexpr const char* kInstance = "https://w.test/prod";

// A tiny platform: app1 with users u1 and u2, one task, three messages on 2021-07-30, every
// analytic computed at once. `fail_tasks` answers the task listing with 500.
struct Platform {
  bool fail_tasks = false;
  int analytics = 0;
  std::vector<std::string> calls;  // "METHOD path?query" in order

  net::HttpResponse answer(const net::HttpRequest& r) {
    calls.push_back(r.method + " " + r.url.substr(std::string(kInstance).size()));
    auto reply = [](int status, const json& body) {
      return net::FakeHttpClient::respond(status, body.dump());
    };
    bool keyed = false;
    for (const auto& [name, value] : r.headers)
      keyed = keyed || (name == "x-wenet-component-apikey" && value == "key-1234");
    if (!keyed) return reply(401, {{"status", "bad key"}, {"code", 401}});
    const std::string path = testing::path_of(r.url);
    auto q = testing::query_of(r.url);
    if (path == "/prod/logger/analytic" && r.method == "POST")
      return reply(200, {{"id", "an-" + std::to_string(++analytics)}});
    if (path == "/prod/logger/analytic/compute") return reply(200, json::object());
    if (path == "/prod/logger/analytic" && r.method == "GET")
      return reply(
          200, {{"id", q["id"]},
                {"result", {{"count", 2}, {"segments", {{{"type", "request"}, {"count", 3}}}}}}});
    if (path == "/prod/logger/analytic" && r.method == "DELETE") return reply(200, json::object());
    if (path == "/prod/logger/messages") {
      json out = json::array();
      for (int i = 0; i < 3; ++i)
        out.push_back({{"messageId", "m" + std::to_string(i)},
                       {"userId", "u1"},
                       {"timestamp", "2021-07-30T08:0" + std::to_string(i) + ":00"},
                       {"type", "request"},
                       {"project", "app1"},
                       {"metadata", nullptr},
                       {"content", {{"type", "text"}, {"value", "hi"}}}});
      return reply(200, out);
    }
    if (path == "/prod/task_manager/tasks") {
      if (fail_tasks) return reply(500, {{"status", "down"}, {"code", 500}});
      json task = {{"id", "t1"},
                   {"_creationTs", 1627632000},
                   {"requesterId", "u1"},
                   {"goal", {{"name", "\"Why :thumbsup:?\""}}},
                   {"transactions", json::array()}};
      return reply(200, {{"offset", 0}, {"total", 1}, {"tasks", {task}}});
    }
    if (path == "/prod/task_manager/taskTransactions")
      return reply(200, {{"offset", 0}, {"total", 0}, {"transactions", json::array()}});
    if (path == "/prod/hub/frontend/data/app/app1/user") return reply(200, {"u1", "u2"});
    if (path == "/prod/hub/frontend/data/app/app2/user" ||
        path == "/prod/hub/frontend/data/app/survey/user")
      return reply(200, {"u3"});
    if (path == "/prod/hub/frontend/data/app/app1") return reply(200, {{"name", "App One"}});
    if (path == "/prod/hub/frontend/data/app/app2") return reply(200, {{"name", "App Two"}});
    if (path.rfind("/prod/hub/frontend/data/app/", 0) == 0) return reply(200, json::array());
    if (path.rfind("/prod/profile_manager/profiles/", 0) == 0) {
      std::string user = path.substr(31);
      return reply(200, {{"id", user},
                         {"name", {{"first", "F"}, {"last", "L"}}},
                         {"email", user + "@example.org"},
                         {"gender", "F"}});
    }
    if (path == "/prod/incentive_server/api/UsersCohorts/") return reply(200, json::array());
    return reply(404, {{"status", "no such path " + path}, {"code", 404}});
  }
};

class WenetPipeline : public cake::testing::PipelineTest {
 protected:
  WenetPipeline()
      : wstore_(dir_ / "wstate", {{"wenet", migrations()}}),
        http_([this](const net::HttpRequest& r) { return platform_.answer(r); }),
        services_{config_,
                  wstore_,
                  http_,
                  alerts_,
                  at("2021-07-31T04:00:00Z"),
                  wall_,
                  budget_,
                  3,
                  [this](const std::string& target) -> std::unique_ptr<net::ObjectStore> {
                    if (target != "reports") throw UsageError("no [s3." + target + "]");
                    return std::make_unique<SharedObjectStore>(s3_);
                  },
                  io::Env::posix()} {
    ws_.instance = kInstance;
    ws_.apikey = "key-1234";
    ws_.app_id = "app1";
    ws_.ilog_id = "ilog";
    ws_.survey_id = "survey";
    ws_.timezone = "Europe/Rome";
    ws_.output_dir = dir_ / "exports";
  }
  RunTools tools() { return RunTools{{}, &timer_}; }
  core::StepResult run_job(const char* from, const char* to) {
    int64_t id = state::JobStore(wstore_).enqueue(kReportKind, from, to, "{}", services_.now);
    job_id_ = id;
    auto job = *state::JobStore(wstore_).get(id);
    return make_report_job(services_, ws_, tools())->step(job);
  }
  std::string folder() const { return dir_ / "exports/app1_2021-07-30_2021-07-31"; }

  ferry::testing::TestStore wstore_;
  Platform platform_;
  net::FakeHttpClient http_;
  core::Services services_;
  WenetSettings ws_;
  int64_t job_id_ = 0;
};

TEST_F(WenetPipeline, AJobWritesItsFolderAndRecordsEveryFile) {
  ws_.s3 = "reports";
  ASSERT_EQ(run_job("2021-07-30", "2021-07-30").status, core::StepStatus::kDone);
  EXPECT_EQ(list_dir(dir_ / "exports"), (std::vector<std::string>{"app1_2021-07-30_2021-07-31"}));
  EXPECT_EQ(list_dir(folder()),
            (std::vector<std::string>{"analytics.csv", "messages.json", "questions.csv",
                                      "tasks.json", "users.csv"}));
  auto job = *state::JobStore(wstore_).get(job_id_);
  ASSERT_EQ(job.outputs.size(), 5u);
  std::set<std::string> keys;
  for (const auto& o : job.outputs) {
    keys.insert(o.s3_key);
    EXPECT_EQ(o.s3_target, "reports");
    EXPECT_FALSE(o.link.empty());
    EXPECT_EQ(o.sha256.size(), 64u);
    EXPECT_EQ(o.path, folder() + "/" + o.name.substr(o.name.find('/') + 1));
  }
  EXPECT_TRUE(keys.count("wenet/app1_2021-07-30_2021-07-31/messages.json"));
  EXPECT_EQ(s3_.objects().size(), 5u);
  EXPECT_EQ(platform_.analytics, 6);
  EXPECT_TRUE(WenetStore(wstore_).analytics(kInstance).empty());
  // The window went to the task manager as the Rome midnights of the job's days.
  bool bounded = false;
  for (const auto& c : platform_.calls)
    bounded = bounded || (c.find("/task_manager/tasks?") != std::string::npos &&
                          c.find("creationFrom=1627596000") != std::string::npos &&
                          c.find("creationTo=1627682400") != std::string::npos);
  EXPECT_TRUE(bounded);
}

TEST_F(WenetPipeline, WithoutS3TheFilesAreRecordedLocally) {
  ASSERT_EQ(run_job("2021-07-30", "2021-07-30").status, core::StepStatus::kDone);
  auto job = *state::JobStore(wstore_).get(job_id_);
  ASSERT_EQ(job.outputs.size(), 5u);
  for (const auto& o : job.outputs) {
    EXPECT_TRUE(o.s3_target.empty());
    EXPECT_GT(o.size, 0);
  }
  EXPECT_TRUE(s3_.objects().empty());
}

TEST_F(WenetPipeline, AnalyticsAKilledRunLeftAreDeletedFirst) {
  WenetStore(wstore_).add_analytic("old-7", kInstance, services_.now, 1);
  WenetStore(wstore_).add_analytic("elsewhere", "https://other.test", services_.now, 1);
  ASSERT_EQ(run_job("2021-07-30", "2021-07-30").status, core::StepStatus::kDone);
  ASSERT_FALSE(platform_.calls.empty());
  EXPECT_EQ(platform_.calls.front(), "DELETE /logger/analytic?id=old-7");
  EXPECT_TRUE(WenetStore(wstore_).analytics(kInstance).empty());
  EXPECT_EQ(WenetStore(wstore_).analytics("https://other.test").size(), 1u);
}

TEST_F(WenetPipeline, AFailedRunLeavesTheEarlierFolderAsItWas) {
  ASSERT_EQ(run_job("2021-07-30", "2021-07-30").status, core::StepStatus::kDone);
  auto before = read_tree(dir_ / "exports");
  platform_.fail_tasks = true;
  auto r = run_job("2021-07-30", "2021-07-30");
  ASSERT_EQ(r.status, core::StepStatus::kFailed);
  EXPECT_TRUE(r.failure.is_transient()) << r.failure.message;
  EXPECT_NE(r.failure.message.find("wenet: "), std::string::npos);
  EXPECT_EQ(read_tree(dir_ / "exports"), before);
  EXPECT_EQ(list_dir(dir_ / "exports"), (std::vector<std::string>{"app1_2021-07-30_2021-07-31"}));
  EXPECT_TRUE(WenetStore(wstore_).analytics(kInstance).empty());  // deleted all the same
}

TEST_F(WenetPipeline, UnsetInstanceFailsTheJobBeforeAnyCall) {
  ws_.instance = "";
  auto r = run_job("2021-07-30", "2021-07-30");
  ASSERT_EQ(r.status, core::StepStatus::kFailed);
  EXPECT_FALSE(r.failure.is_transient());
  EXPECT_TRUE(platform_.calls.empty());
}

TEST_F(WenetPipeline, TheTaskWithArgumentsRunsOneReportNow) {
  ReportRequest r;
  r.reports = {Report::kQuestions, Report::kIdEmail};
  r.range = "1D";
  r.out_dir = dir_ / "now";
  auto task = make_wenet_task(services_, ws_, to_args(r), tools());
  EXPECT_FALSE(task->due(std::nullopt));  // never due under cron
  ASSERT_EQ(task->step().status, core::StepStatus::kDone);
  // now is 2021-07-31 06:00 in Rome: 1D is 07-30..07-31.
  EXPECT_EQ(list_dir(dir_ / "now/app1_2021-07-30_2021-07-31"),
            (std::vector<std::string>{"id_email.csv", "questions.csv"}));
  EXPECT_THROW(make_wenet_task(services_, ws_, {{"server", "x"}}, tools()), UsageError);
}

TEST_F(WenetPipeline, AppsUsageJoinsTheAppsTheSurveyAndTheDump) {
  ferry::testing::write_file(dir_ / "updates.csv",
                             "wenet_id,last_update\r\nu9,2021-07-30 10:00:00\r\n"
                             "u8,2021-07-20 10:00:00\r\n");
  ReportRequest r;
  r.reports = {Report::kAppsUsage, Report::kIdEmail};
  r.range = "1D";
  r.apps = {"app1", "app2"};
  r.updates = dir_ / "updates.csv";
  r.now = services_.now;
  auto outcome = run_report(services_, ws_, r, tools());
  ASSERT_TRUE(outcome) << outcome.failure().message;
  EXPECT_EQ(outcome->files, (std::vector<std::string>{"id_email.csv", "apps_usage.csv"}));
  EXPECT_EQ(outcome->rows["apps_usage.csv"], 4);  // u1 u2 (app1), u3 (app2, survey), u9 (dump)
  const std::string text = ferry::testing::read_file(outcome->folder + "/apps_usage.csv");
  EXPECT_NE(text.find("total users,4\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("u3@example.org,yes,no,App Two,no\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("u9@example.org,yes,yes,,no\r\n"), std::string::npos) << text;
  // Each user's profile was fetched once, although both reports needed it.
  int profile_calls = 0;
  for (const auto& c : platform_.calls)
    profile_calls += c.find("/profile_manager/profiles/u2") != std::string::npos;
  EXPECT_EQ(profile_calls, 1);
}

TEST_F(WenetPipeline, AnUnreadableDumpStopsTheRunBeforeAnyCall) {
  ReportRequest r;
  r.reports = {Report::kAppsUsage};
  r.range = "1D";
  r.apps = {"app1"};
  r.updates = dir_ / "missing.csv";
  r.now = services_.now;
  auto outcome = run_report(services_, ws_, r, tools());
  ASSERT_FALSE(outcome);
  EXPECT_FALSE(outcome.failure().is_transient());
  EXPECT_TRUE(platform_.calls.empty());
}

TEST(WenetDaily, TheJobOfADayIsDailyRangeAtDailyAt) {
  WenetSettings s;
  s.timezone = "Europe/Rome";
  s.daily_at = "06:00";
  auto job = [&](const char* range) {
    s.daily_range = range;
    auto j = daily_job(s, Date{2021, 7, 31});
    return j.from + ".." + j.to + " " + j.params;
  };
  EXPECT_EQ(job("1D"), "2021-07-30..2021-07-30 {}");
  EXPECT_EQ(job("TODAY"), "2021-07-31..2021-07-31 {}");
  EXPECT_EQ(job("1W"), "2021-07-24..2021-07-30 {}");
  EXPECT_EQ(job("10M"), "2020-09-30..2021-07-30 {}");
  EXPECT_EQ(job("all"), R"(2021-07-30..2021-07-30 {"range":"ALL"})");
}

TEST_F(WenetPipeline, TheDailyTaskQueuesOneJobPerDayAndCatchesUp) {
  ws_.daily = true;
  auto queued = [&] {
    std::vector<std::string> out;
    auto jobs = state::JobStore(wstore_).list({true}, services_.now);
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it)
      out.push_back(it->kind + " " + it->from_date + ".." + it->to_date);
    return out;
  };
  services_.now = at("2021-07-31T03:59:00Z");  // 05:59 in Rome: not yet
  auto early = make_wenet_task(services_, ws_, {}, tools());
  ASSERT_TRUE(early->due(std::nullopt));  // no mark: the latest due day, 07-30
  ASSERT_EQ(early->step().status, core::StepStatus::kDone);
  EXPECT_EQ(queued(), (std::vector<std::string>{"wenet-report 2021-07-29..2021-07-29"}));
  EXPECT_FALSE(make_wenet_task(services_, ws_, {}, tools())->due(std::nullopt));
  services_.now = at("2021-08-02T04:00:00Z");  // two days later, 06:00 in Rome
  auto later = make_wenet_task(services_, ws_, {}, tools());
  ASSERT_TRUE(later->due(std::nullopt));
  core::StepResult r = core::StepResult::more();
  for (int i = 0; i < 5 && r.status == core::StepStatus::kMore; ++i) r = later->step();
  EXPECT_EQ(r.status, core::StepStatus::kDone);
  EXPECT_EQ(queued(),
            (std::vector<std::string>{
                "wenet-report 2021-07-29..2021-07-29", "wenet-report 2021-07-30..2021-07-30",
                "wenet-report 2021-07-31..2021-07-31", "wenet-report 2021-08-01..2021-08-01"}));
  EXPECT_EQ(state::MarkStore(wstore_).get("wenet", "daily"), "2021-08-02");
  ws_.daily = false;
  EXPECT_FALSE(make_wenet_task(services_, ws_, {}, tools())->due(std::nullopt));
}

}  // namespace
}  // namespace ferry::wenet
