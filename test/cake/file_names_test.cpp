#include "ferry/cake/file_names.h"

#include <gtest/gtest.h>

#include "ferry/cake/windows.h"

namespace ferry::cake {
namespace {

TimePoint at(const char* iso) {
  return *parse_iso8601(iso);
}

TEST(CakeFileNames, HourFiles) {
  EXPECT_EQ(click_file_name(at("2016-01-10T00:00:00Z")), "ClickReport_10012016_0000_0100.csv");
  EXPECT_EQ(click_file_name(at("2016-01-10T13:00:00Z")), "ClickReport_10012016_1300_1400.csv");
  EXPECT_EQ(click_file_name(at("2016-01-10T23:00:00Z")), "ClickReport_10012016_2300_0000.csv");
  EXPECT_EQ(click_file_name(at("2016-12-31T23:00:00Z")), "ClickReport_31122016_2300_0000.csv");
}

TEST(CakeFileNames, ConversionJob) {
  Date from{2016, 1, 10}, to{2016, 2, 4};
  EXPECT_EQ(conversion_job_id(from, to), "report_10012016_04022016");
  EXPECT_EQ(conversion_file_name(from, to), "report_10012016_04022016.csv");
}

TEST(CakeFileNames, JobRangeIncludesBothDays) {
  auto range = job_time_range(Date{2016, 1, 10}, Date{2016, 1, 11});
  EXPECT_EQ(range.start, at("2016-01-10T00:00:00Z"));
  EXPECT_EQ(range.end, at("2016-01-12T00:00:00Z"));
  auto one = job_time_range(Date{2016, 2, 28}, Date{2016, 2, 29});
  EXPECT_EQ(one.end, at("2016-03-01T00:00:00Z"));
}

}  // namespace
}  // namespace ferry::cake
