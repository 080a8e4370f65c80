// The inputs of the reports: analytics counts, per-user activity, user rows, dump files.
#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "ferry/base/error.h"
#include "ferry/wenet/apps_usage.h"
#include "ferry/wenet/reports.h"
#include "support/process.h"

namespace ferry::wenet {
namespace {

nlohmann::json request(const char* user, const char* ts) {
  return {{"type", "request"}, {"userId", user}, {"timestamp", ts}};
}

TEST(WenetActivity, FirstAndLastRequestAsGiven) {
  ActivityTracker a;
  a.add(request("u1", "2021-07-25T09:00:00"));
  a.add(request("u1", "2021-07-24T10:00:00.500000"));  // earlier, out of order
  a.add(request("u1", "2021-07-24T10:00:00.400000+00:00"));
  a.add(request("u1", "2021-07-26T00:00:00"));
  a.add(request("u1", "2021-07-25T12:00:00"));
  a.add({{"type", "response"}, {"userId", "u1"}, {"timestamp", "2021-08-01T00:00:00"}});
  a.add({{"type", "notification"}, {"userId", "u2"}, {"timestamp", "2021-08-01T00:00:00"}});
  a.add({{"type", "request"}, {"userId", nullptr}, {"timestamp", "2021-08-01T00:00:00"}});
  a.add({{"type", "request"}, {"userId", "u3"}});
  a.add(nlohmann::json());
  const auto* span = a.find("u1");
  ASSERT_NE(span, nullptr);
  EXPECT_EQ(span->first, "2021-07-24T10:00:00.400000+00:00");
  EXPECT_EQ(span->last, "2021-07-26T00:00:00");
  EXPECT_EQ(a.find("u2"), nullptr);
  EXPECT_EQ(a.find("u3"), nullptr);
}

TEST(WenetActivity, UnparsableTimestampIsLastByArrival) {
  ActivityTracker a;
  a.add(request("u1", "2021-07-25T09:00:00"));
  a.add(request("u1", "garbage"));
  EXPECT_EQ(a.find("u1")->first, "2021-07-25T09:00:00");
  EXPECT_EQ(a.find("u1")->last, "garbage");
  a.add(request("u1", "2021-07-26T09:00:00"));
  EXPECT_EQ(a.find("u1")->last, "2021-07-26T09:00:00");
}

TEST(WenetAnalyticsCounts, MissingResultsCountZeroWithWarnings) {
  std::array<nlohmann::json, 6> results = {
      nlohmann::json{{"count", 4}},
      nlohmann::json(),
      nlohmann::json{{"count", "x"}},
      nlohmann::json{{"count", 2}},
      nlohmann::json{{"segments",
                      {{{"type", "request"}, {"count", 3}}, {{"type", "location"}, {"count", 2}}}}},
      nlohmann::json{{"segments", nlohmann::json::array()}}};
  std::vector<nlohmann::json> tasks(2, nlohmann::json::object());
  std::vector<nlohmann::json> transactions = {
      {{"label", "answerTransaction"}}, {{"label", "answerTransaction"}}, {{"label", nullptr}}};
  std::vector<std::string> warnings;
  AnalyticsCounts c = analytics_counts(results, tasks, transactions, warnings);
  EXPECT_EQ(c.total_users, 4);
  EXPECT_EQ(c.active_users, 0);
  EXPECT_EQ(c.engaged_users, 0);
  EXPECT_EQ(c.new_users, 2);
  EXPECT_EQ(c.total_messages, 5);
  EXPECT_EQ(c.user_messages, 3);
  EXPECT_EQ(c.bot_messages, 0);
  EXPECT_EQ(c.text_messages, 0);
  EXPECT_EQ(c.questions, 2);
  EXPECT_EQ(c.answers, 2);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "analytic count user/active: no count in the result, 0 written");
  EXPECT_EQ(warnings[1], "analytic count user/engaged: no count in the result, 0 written");
  EXPECT_STREQ(kAnalyticMetrics[5].metric, "requests");
}

TEST(WenetUserRows, CohortAsTextAndUnknownGender) {
  std::map<std::string, nlohmann::json> profiles = {
      {"u1", {{"name", {{"first", "A"}, {"last", "B"}}}, {"email", "a@x"}, {"gender", "X"}}}};
  nlohmann::json cohorts = nlohmann::json::parse(
      R"([{"user_id": "u1", "app_id": "app", "cohort": "1"},
          {"user_id": "u1", "app_id": "app", "cohort": 0}])");
  std::set<std::string> none;
  std::vector<nlohmann::json> empty;
  ActivityTracker activity;
  UsersInput in{"app", {"u1", "u9"}, &profiles, &cohorts, &none, &none, &empty, &empty, &activity};
  std::vector<std::string> warnings;
  auto rows = user_rows(in, warnings);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cohort, "incentives and badges");  // the first row of the user wins
  EXPECT_EQ(rows[0].gender, "");
  EXPECT_EQ(rows[1].name, "");
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "user u1: unknown gender 'X', empty cell",
                          "user u9: no profile, empty name, surname, e-mail and gender"}));
}

TEST(WenetDumpFiles, ColumnsAndRows) {
  std::vector<std::string> warnings;
  auto rows = parse_dump("x,wenet_id,last_update\r\n1, u1 ,2021-07-24\r\n2,,2021-07-24\r\n3,u3\r\n",
                         TableFormat::kCsv, kUpdatesDateColumn, TimeZone(), "upd.csv", warnings);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].wenet_id, "u1");
  EXPECT_EQ(rows[0].date, parse_iso8601("2021-07-24T00:00:00Z"));
  EXPECT_EQ(rows[1].wenet_id, "u3");
  EXPECT_EQ(rows[1].date, std::nullopt);
  EXPECT_EQ(warnings,
            (std::vector<std::string>{"upd.csv row 3: no wenet_id, row skipped",
                                      "upd.csv row 4: date '' not understood, never in a window"}));
}

TEST(WenetDumpFiles, Refusals) {
  std::vector<std::string> w;
  try {
    (void)parse_dump("wenet_id,last_update\n", TableFormat::kCsv, kFailuresDateColumn, TimeZone(),
                     "f.csv", w);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "f.csv: no column 'failure_datetime' in the header row");
  }
  EXPECT_THROW((void)parse_dump("", TableFormat::kCsv, kUpdatesDateColumn, TimeZone(), "e", w),
               UsageError);
  EXPECT_THROW((void)parse_dump("wenet_id,\"last_update\n", TableFormat::kCsv, kUpdatesDateColumn,
                                TimeZone(), "q", w),
               UsageError);
  ferry::testing::TempDir dir;
  std::string txt = dir.path() + "/dump.txt";
  ferry::testing::write_file(txt, "wenet_id,last_update\n");
  EXPECT_THROW((void)read_dump_file(txt, kUpdatesDateColumn, TimeZone(), w), UsageError);
  EXPECT_THROW((void)read_dump_file(dir.path() + "/missing.csv", kUpdatesDateColumn, TimeZone(), w),
               UsageError);
}

TEST(WenetAppsUsage, UnnamedAppPrintsItsIdAndTiesKeepUserOrder) {
  AppsUsageInput in;
  in.app_ids = {"b1", "b2"};
  in.app_names = {{"b1", "zeta"}};
  in.window_users = {{"b1", {"u1", "u2"}}, {"b2", {"u3", "u4"}}};
  in.all_users = {{"b1", {"u1", "u2"}}, {"b2", {"u3", "u4"}}};
  std::map<std::string, nlohmann::json> profiles;
  for (const char* u : {"u1", "u2", "u3", "u4"}) profiles[u] = {{"email", std::string(u) + "@x"}};
  std::vector<std::string> warnings;
  std::ostringstream out;
  ReportHeader h;
  h.has_window = false;
  write_apps_usage(out, TableFormat::kCsv, h, in, profiles, warnings);
  EXPECT_EQ(out.str(),
            "total users,4\r\n\r\nemail,registered to survey,completed survey,chatbot,ilog\r\n"
            "u1@x,no,no,zeta,no\r\nu2@x,no,no,zeta,no\r\nu3@x,no,no,b2,no\r\nu4@x,no,no,b2,no\r\n");
  EXPECT_EQ(
      warnings,
      (std::vector<std::string>{"app b2: no name in the app details, its id printed instead"}));
}

}  // namespace
}  // namespace ferry::wenet
