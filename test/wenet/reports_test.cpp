// Golden tests: for the fixed data set in test/wenet/golden/dataset.json, every report's bytes
// equal the hand-written file next to it.
#include "ferry/wenet/reports.h"

#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "ferry/wenet/apps_usage.h"
#include "support/process.h"

namespace ferry::wenet {
namespace {

std::string golden_path(const std::string& name) {
  return ferry::testing::repo_root() + "/test/wenet/golden/" + name;
}
std::string golden(const std::string& name) {
  return ferry::testing::read_file(golden_path(name));
}

bool has_warning(const std::vector<std::string>& warnings, const std::string& part) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

class WenetReportsGolden : public ::testing::TestWithParam<TableFormat> {
 protected:
  void SetUp() override {
    data_ = nlohmann::json::parse(golden("dataset.json"));
    format_ = GetParam();
    ext_ = table_format_name(format_);
    // csv files print a dated window, tsv files an ALL window (empty `from`).
    header_ = {data_["app_id"],
               format_ == TableFormat::kCsv ? data_["from"].get<std::string>() : "", data_["to"]};
    for (const auto& t : data_["tasks"]) tasks_.push_back(t);
    for (const auto& t : data_["transactions"]) transactions_.push_back(t);
    for (const auto& u : data_["users"]) users_.push_back(u);
    for (const auto& [user, profile] : data_["profiles"].items()) profiles_[user] = profile;
  }
  std::string name(const char* report) const { return std::string(report) + "." + ext_; }

  nlohmann::json data_;
  TableFormat format_ = TableFormat::kCsv;
  std::string ext_;
  ReportHeader header_;
  std::vector<nlohmann::json> tasks_, transactions_;
  std::vector<std::string> users_;
  std::map<std::string, nlohmann::json> profiles_;
  std::vector<std::string> warnings_;
};

TEST_P(WenetReportsGolden, Analytics) {
  std::array<nlohmann::json, 6> results;
  for (size_t i = 0; i < results.size(); ++i) results[i] = data_["analytics"][i];
  std::ostringstream out;
  write_analytics(out, format_, header_,
                  analytics_counts(results, tasks_, transactions_, warnings_));
  EXPECT_EQ(out.str(), golden(name("analytics")));
  EXPECT_TRUE(warnings_.empty());
}

TEST_P(WenetReportsGolden, Questions) {
  std::ostringstream out;
  write_questions(out, format_, header_, tasks_, warnings_);
  EXPECT_EQ(out.str(), golden(name("questions")));
  ASSERT_EQ(warnings_.size(), 2u);
  EXPECT_TRUE(has_warning(warnings_, "task t2: best answer 'gone'"));
  EXPECT_TRUE(has_warning(warnings_, "task t4: best answer 'a4'"));
}

TEST_P(WenetReportsGolden, Users) {
  ActivityTracker activity;
  for (const auto& m : data_["messages"]) activity.add(m);
  std::set<std::string> ilog = data_["ilog_users"], survey = data_["survey_users"];
  UsersInput in;
  in.app_id = data_["app_id"];
  in.users = users_;
  in.profiles = &profiles_;
  in.cohorts = &data_["cohorts"];
  in.ilog_users = &ilog;
  in.survey_users = &survey;
  in.tasks = &tasks_;
  in.transactions = &transactions_;
  in.activity = &activity;
  std::ostringstream out;
  write_users(out, format_, header_, user_rows(in, warnings_));
  EXPECT_EQ(out.str(), golden(name("users")));
  EXPECT_TRUE(has_warning(warnings_, "user u2: no email"));
  EXPECT_TRUE(has_warning(warnings_, "user u4: no profile"));
  EXPECT_TRUE(has_warning(warnings_, "user u5: no name.last"));
  EXPECT_EQ(warnings_.size(), 3u);
}

TEST_P(WenetReportsGolden, IdEmail) {
  // csv with the window, tsv without one (no from/to rows).
  ReportHeader h = header_;
  h.has_window = format_ == TableFormat::kCsv;
  std::ostringstream out;
  write_id_email(out, format_, h, users_, profiles_, warnings_);
  EXPECT_EQ(out.str(), golden(name("id_email")));
  EXPECT_TRUE(has_warning(warnings_, "user u2: no email"));
  EXPECT_TRUE(has_warning(warnings_, "user u4: no profile"));
}

AppsUsageInput apps_usage_input(bool windowed, const TimeZone& zone,
                                std::vector<std::string>& warnings) {
  AppsUsageInput in;
  in.app_ids = {"bot1", "bot2"};
  in.ilog_id = "ilog";
  in.survey_id = "survey";
  in.app_names = {{"bot1", "Bot One"}, {"bot2", "Bot Two"}};
  in.all_users = {{"bot1", {"u1", "u2", "u8"}},
                  {"bot2", {"u1", "u3"}},
                  {"ilog", {"u1", "u6"}},
                  {"survey", {"u2", "u7"}}};
  if (windowed) {
    in.window_users = {
        {"bot1", {"u1", "u2"}}, {"bot2", {"u3"}}, {"ilog", {"u6"}}, {"survey", {"u2", "u7"}}};
    in.from = zone.local_midnight(Date{2021, 7, 24});
    in.to = zone.local_midnight(Date{2021, 7, 31});
  } else {
    in.window_users = {{"bot1", {"u1", "u2", "u8"}},
                       {"bot2", {"u1", "u3"}},
                       {"ilog", {"u1", "u6"}},
                       {"survey", {"u2", "u7"}}};
  }
  in.updates = read_dump_file(golden_path("updates.csv"), kUpdatesDateColumn, zone, warnings);
  in.failures = read_dump_file(golden_path("failures.tsv"), kFailuresDateColumn, zone, warnings);
  return in;
}

TEST_P(WenetReportsGolden, AppsUsage) {
  // Dump dates are local times in Rome; the window is Rome's 24..31 July, bounds inclusive.
  TimeZone rome = TimeZone::load("Europe/Rome");
  bool windowed = format_ == TableFormat::kCsv;
  AppsUsageInput in = apps_usage_input(windowed, rome, warnings_);
  EXPECT_TRUE(has_warning(warnings_, "row 5: date 'bad date' not understood"));
  std::map<std::string, nlohmann::json> profiles;
  for (const char* u : {"u1", "u2", "u3", "u6", "u7", "u8", "u11", "u12"}) {
    std::string id = u;
    nlohmann::json p = {{"id", id}};
    if (id != "u2")
      p["email"] = id == "u1"    ? "anna@example.org"
                   : id == "u3"  ? "c@example.org"
                   : id == "u6"  ? "f@example.org"
                   : id == "u7"  ? "g@example.org"
                   : id == "u8"  ? "h@example.org"
                   : id == "u11" ? "k@example.org"
                                 : "m@example.org";
    profiles[id] = p;
  }
  std::vector<std::string> expected_users =
      windowed
          ? std::vector<std::string>{"u1", "u2", "u3", "u6", "u7", "u9", "u11"}
          : std::vector<std::string>{"u1", "u2", "u8", "u3", "u6", "u7", "u9", "u10", "u11", "u12"};
  EXPECT_EQ(apps_usage_users(in), expected_users);
  ReportHeader h = header_;
  h.has_window = windowed;
  std::ostringstream out;
  write_apps_usage(out, format_, h, in, profiles, warnings_);
  EXPECT_EQ(out.str(), golden(name("apps_usage")));
  EXPECT_TRUE(has_warning(warnings_, "user u9: no e-mail"));
}

INSTANTIATE_TEST_SUITE_P(Wenet, WenetReportsGolden,
                         ::testing::Values(TableFormat::kCsv, TableFormat::kTsv),
                         [](const auto& info) {
                           return std::string(table_format_name(info.param));
                         });

TEST(WenetReportsJson, TasksDumpGolden) {
  auto data = nlohmann::json::parse(golden("dataset.json"));
  std::ostringstream out;
  JsonArrayWriter w(out);
  for (const auto& t : data["tasks"]) w.add(restore_task(t));
  w.end();
  EXPECT_EQ(out.str(), golden("tasks.json"));
  EXPECT_EQ(w.count(), 4);
}

TEST(WenetReportsJson, MessagesDumpGolden) {
  auto data = nlohmann::json::parse(golden("dataset.json"));
  std::ostringstream out;
  JsonArrayWriter w(out);
  for (const auto& m : data["messages"]) w.add(restore_message(m));
  w.end();
  EXPECT_EQ(out.str(), golden("messages.json"));
}

}  // namespace
}  // namespace ferry::wenet
