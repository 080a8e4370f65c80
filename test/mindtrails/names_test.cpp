// File names: dates and times in local time, CSV parts, raw backup names and their order,
// exact table-name matching, and the export URL.
#include "ferry/mindtrails/names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "ferry/mindtrails/server_pass.h"
#include "ferry/mindtrails/settings.h"

namespace ferry::mindtrails {
namespace {

// Sets TZ for one test and restores it after.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    had_ = std::getenv("TZ") != nullptr;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTz() {
    if (had_)
      setenv("TZ", old_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

 private:
  std::string old_;
  bool had_ = false;
};

TEST(MindTrailsNames, DateAndTimeAreLocal) {
  TimePoint t = *parse_iso8601("2016-02-02T03:05:09Z");
  {
    ScopedTz tz("UTC0");
    EXPECT_EQ(file_date(t), "Feb_02_2016");
    EXPECT_EQ(file_time(t), "03_05_09");
  }
  {
    ScopedTz tz("EST5");
    EXPECT_EQ(file_date(t), "Feb_01_2016");
    EXPECT_EQ(file_time(t), "22_05_09");
  }
}

TEST(MindTrailsNames, CsvParts) {
  EXPECT_EQ(csv_name("BBSIQ", "Feb_01_2016", 1), "BBSIQ_Feb_01_2016.csv");
  EXPECT_EQ(csv_name("BBSIQ", "Feb_01_2016", 3), "BBSIQ_Feb_01_2016.3.csv");
  EXPECT_EQ(csv_part("BBSIQ_Feb_01_2016.csv", "BBSIQ", "Feb_01_2016"), 1);
  EXPECT_EQ(csv_part("BBSIQ_Feb_01_2016.12.csv", "BBSIQ", "Feb_01_2016"), 12);
  EXPECT_EQ(csv_part("BBSIQ_Feb_02_2016.csv", "BBSIQ", "Feb_01_2016"), 0);
  EXPECT_EQ(csv_part("DD_FU_Feb_01_2016.csv", "DD", "Feb_01_2016"), 0);
  EXPECT_EQ(csv_part("BBSIQ_Feb_01_2016.1.csv", "BBSIQ", "Feb_01_2016"), 0);
  EXPECT_EQ(csv_part("BBSIQ_Feb_01_2016.x.csv", "BBSIQ", "Feb_01_2016"), 0);
}

TEST(MindTrailsNames, RawNamesMatchTheTableExactly) {
  EXPECT_EQ(raw_name("DD", "Feb_01_2016", "16_05_09", 1), "DD_Feb_01_2016_16_05_09.json");
  EXPECT_EQ(raw_name("DD", "Feb_01_2016", "16_05_09", 2), "DD_Feb_01_2016_16_05_09.2.json");
  auto st = parse_raw_name("DD_Feb_01_2016_16_05_09.2.json", "DD");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->key(), std::make_tuple(2016, 2, 1, 16, 5, 9, 2));
  EXPECT_FALSE(parse_raw_name("DD_FU_Feb_01_2016_16_05_09.json", "DD"));
  EXPECT_TRUE(parse_raw_name("DD_FU_Feb_01_2016_16_05_09.json", "DD_FU"));
  EXPECT_FALSE(parse_raw_name("DD_Feb_01_2016_16_05_09.csv", "DD"));
  EXPECT_FALSE(parse_raw_name("DD_Foo_01_2016_16_05_09.json", "DD"));
  EXPECT_FALSE(parse_raw_name(".DD_Feb_01_2016_16_05_09.json.tmp.1.0", "DD"));
  EXPECT_FALSE(parse_raw_name("DD_Feb_01_2016_16_05_09.1.json", "DD"));
}

TEST(MindTrailsNames, RawFilesSortByTimeNotAlphabet) {
  std::vector<std::string> names = {"T_Feb_01_2016_00_00_00.json", "T_Jan_31_2016_23_59_59.json",
                                    "T_Feb_01_2016_00_00_00.2.json", "T_Dec_31_2015_12_00_00.json",
                                    "T_Feb_01_2016_00_00_00.10.json"};
  std::vector<std::pair<RawStamp, std::string>> v;
  for (const auto& n : names) v.emplace_back(*parse_raw_name(n, "T"), n);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> order;
  for (const auto& p : v) order.push_back(p.second);
  EXPECT_EQ(order, (std::vector<std::string>{
                       "T_Dec_31_2015_12_00_00.json", "T_Jan_31_2016_23_59_59.json",
                       "T_Feb_01_2016_00_00_00.json", "T_Feb_01_2016_00_00_00.2.json",
                       "T_Feb_01_2016_00_00_00.10.json"}));
}

TEST(MindTrailsNames, RecoveredNames) {
  EXPECT_EQ(recovered_csv_name("BBSIQ", "Feb_01_2016", 1), "BBSIQ_recovered_Feb_01_2016.csv");
  EXPECT_EQ(recovered_readme_name("BBSIQ", "Feb_01_2016"),
            "README_BBSIQ_recovered_Feb_01_2016.txt");
}

TEST(MindTrailsNames, SafeTableNames) {
  EXPECT_TRUE(safe_table_name("DASS21_AS"));
  EXPECT_TRUE(safe_table_name("TrialDAO"));
  EXPECT_TRUE(safe_table_name("Outer$Inner"));
  for (const char* bad : {"", "../etc", "a/b", ".hidden", "a b", "a\\b"})
    EXPECT_FALSE(safe_table_name(bad)) << bad;
}

TEST(MindTrailsNames, ExportUrl) {
  EXPECT_EQ(normalise_export_url("https://m.edu/api/export"), "https://m.edu/api/export");
  EXPECT_EQ(normalise_export_url("https://m.edu/api/export/"), "https://m.edu/api/export");
  EXPECT_EQ(normalise_export_url("https://m.edu/api/"), "https://m.edu/api/export");
  EXPECT_EQ(normalise_export_url("https://m.edu/api"), "https://m.edu/api/export");
}

}  // namespace
}  // namespace ferry::mindtrails
