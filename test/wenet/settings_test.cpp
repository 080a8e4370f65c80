// [wenet] settings checks, report requests (names, files, inputs checked before any call) and
// the stored-analytics table.
#include <gtest/gtest.h>

#include "ferry/base/error.h"
#include "ferry/wenet/request.h"
#include "ferry/wenet/settings.h"
#include "ferry/wenet/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::wenet {
namespace {

WenetSettings valid() {
  WenetSettings s;
  s.instance = "https://wenet.example.org/prod/";
  s.apikey = "key-123";
  s.app_id = "app1";
  return s;
}

std::string first_problem(WenetSettings s) {
  auto st = check_settings(s);
  return st ? "" : st.failure().message;
}

TEST(WenetSettings, InstanceAndApikeyAreRequiredWithNoDefault) {
  WenetSettings s;
  EXPECT_EQ(first_problem(s),
            "wenet: [wenet] instance is not set (the WeNet platform URL; there is no default)");
  s.instance = "https://w.test";
  EXPECT_EQ(first_problem(s), "wenet: [wenet] apikey is not set (or set FERRY_WENET_APIKEY)");
  s.apikey = "k";
  EXPECT_EQ(first_problem(s), "wenet: [wenet] app_id is not set");
  s = valid();
  ASSERT_TRUE(check_settings(s).is_ok());
  EXPECT_EQ(s.instance, "https://wenet.example.org/prod");
}

TEST(WenetSettings, InstanceIsAnHttpUrlWithoutUserInfo) {
  EXPECT_EQ(normalize_instance("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
  EXPECT_FALSE(normalize_instance("wenet.example.org"));
  EXPECT_FALSE(normalize_instance("https://user:pw@wenet.example.org"));
  EXPECT_FALSE(normalize_instance("https:///prod"));
  EXPECT_FALSE(normalize_instance("https://w.test/?apikey=x"));
}

TEST(WenetSettings, ValuesARunWouldRejectNameTheKey) {
  auto s = valid();
  s.format = "xlsx";
  EXPECT_EQ(first_problem(s), "wenet: [wenet] format 'xlsx' is not csv or tsv");
  s = valid();
  s.messages_page = 10001;
  EXPECT_EQ(first_problem(s), "wenet: [wenet] messages_page must be between 1 and 10000");
  s = valid();
  s.timezone = "Mars/Base";
  EXPECT_EQ(first_problem(s),
            "wenet: [wenet] timezone 'Mars/Base' is not in the time zone database");
  s = valid();
  s.daily_at = "6:00";
  EXPECT_EQ(first_problem(s),
            "wenet: [wenet] daily_at '6:00' is not a time of day HH:MM (00:00 to 23:59)");
  s = valid();
  s.daily_range = "yesterday";
  EXPECT_EQ(first_problem(s),
            "wenet: [wenet] daily_range 'yesterday' is not TODAY, ALL or <N>D|W|M|Y");
  s = valid();
  s.analytic_timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(first_problem(s), "wenet: [wenet] analytic_timeout must be at least 1s");
  s = valid();
  s.format = "tsv";
  s.timezone = "Europe/Rome";
  EXPECT_EQ(first_problem(s), "");
}

TEST(WenetSettings, Ranges) {
  for (const char* ok : {"TODAY", "today", "ALL", "1D", "7d", "1W", "10M", "2y", "30D"})
    EXPECT_TRUE(valid_range(ok)) << ok;
  for (const char* bad : {"", "D", "0D", "1X", "-1D", "1.5D", "1 D", "999999D"})
    EXPECT_FALSE(valid_range(bad)) << bad;
}

TEST(WenetRequest, ReportNamesAndFiles) {
  auto all = parse_reports({});
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all, default_reports());
  auto some = parse_reports({"Messages", "id_email", "analytics", "messages"});
  ASSERT_EQ(some.size(), 3u);
  EXPECT_EQ(some[0], Report::kAnalytics);
  EXPECT_EQ(some[1], Report::kMessages);
  EXPECT_EQ(some[2], Report::kIdEmail);
  EXPECT_THROW(parse_reports({"profiles"}), UsageError);
  EXPECT_EQ(report_file(Report::kAnalytics, "tsv"), "analytics.tsv");
  EXPECT_EQ(report_file(Report::kIdEmail, "csv"), "id_email.csv");
  EXPECT_EQ(report_file(Report::kAppsUsage, "tsv"), "apps_usage.tsv");
  EXPECT_EQ(report_file(Report::kMessages, "tsv"), "messages.json");
  EXPECT_EQ(report_file(Report::kTasks, "csv"), "tasks.json");
}

TEST(WenetRequest, InputsAreCheckedBeforeAnyCall) {
  ReportRequest r;
  r.reports = {Report::kAppsUsage};
  EXPECT_THROW(check_request(r), UsageError);  // no --apps
  r.apps = split_apps(" a ; ;b;");
  EXPECT_EQ(r.apps, (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW(check_request(r), UsageError);  // no --updates
  r.updates = "updates.xlsx";
  EXPECT_THROW(check_request(r), UsageError);
  r.updates = "updates.TSV";
  r.failures = "failures.txt";
  EXPECT_THROW(check_request(r), UsageError);
  r.failures = "failures.csv";
  EXPECT_NO_THROW(check_request(r));
  r.from = "2021-07-24";
  EXPECT_THROW(check_request(r), UsageError);  // --from without --to
}

TEST(WenetRequest, TravelsAsTaskArguments) {
  ReportRequest r;
  r.reports = {Report::kUsers, Report::kAppsUsage};
  r.range = "3D";
  r.out_dir = "/tmp/out";
  r.apps = {"a", "b"};
  r.updates = "u.csv";
  auto back = from_args(to_args(r), TimePoint{});
  EXPECT_EQ(back.reports, r.reports);
  EXPECT_EQ(back.range, "3D");
  EXPECT_EQ(back.out_dir, "/tmp/out");
  EXPECT_EQ(back.apps, r.apps);
  EXPECT_EQ(back.updates, "u.csv");
  EXPECT_TRUE(back.failures.empty());
  EXPECT_THROW(from_args({{"server", "x"}}, TimePoint{}), UsageError);
}

TEST(WenetStore, AnalyticsAreRecordedUntilDeletedPerInstance) {
  ferry::testing::TempDir dir;
  ferry::testing::TestStore store(dir / "state", {{"wenet", migrations()}});
  WenetStore s(store);
  auto t = *parse_iso8601("2021-07-31T10:00:00Z");
  s.add_analytic("b", "https://one", t + std::chrono::seconds(1), 7);
  s.add_analytic("a", "https://one", t, 7);
  s.add_analytic("c", "https://two", t, 8);
  auto one = s.analytics("https://one");
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].id, "a");
  EXPECT_EQ(one[0].created, "2021-07-31T10:00:00Z");
  EXPECT_EQ(one[0].run, 7);
  EXPECT_EQ(one[1].id, "b");
  s.remove_analytic("a");
  s.remove_analytic("missing");
  ASSERT_EQ(s.analytics("https://one").size(), 1u);
  EXPECT_EQ(s.analytics("https://two").size(), 1u);
  EXPECT_EQ(store.component_version("wenet"), 1);
}

}  // namespace
}  // namespace ferry::wenet
