#include "ferry/base/time.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace ferry {
namespace {

using std::chrono::seconds;

TimePoint at_epoch_seconds(int64_t s) {
  return TimePoint(seconds(s));
}

int64_t epoch_seconds(TimePoint t) {
  return std::chrono::duration_cast<seconds>(t.time_since_epoch()).count();
}

TEST(TimeTest, DaysFromCivilKnownValues) {
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({1970, 1, 2}), 1);
  EXPECT_EQ(days_from_civil({1969, 12, 31}), -1);
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
  EXPECT_EQ(days_from_civil({2016, 1, 1}), 16801);
  EXPECT_EQ(days_from_civil({2016, 1, 10}), 16810);
}

TEST(TimeTest, CivilFromDaysInvertsDaysFromCivil) {
  EXPECT_EQ(civil_from_days(0), (Date{1970, 1, 1}));
  EXPECT_EQ(civil_from_days(-1), (Date{1969, 12, 31}));
  EXPECT_EQ(civil_from_days(16810), (Date{2016, 1, 10}));
  for (int64_t d = -800; d < 20000; d += 7) {
    EXPECT_EQ(days_from_civil(civil_from_days(d)), d) << d;
  }
}

TEST(TimeTest, IsValidDateKnowsMonthLengthsAndLeapYears) {
  EXPECT_TRUE(is_valid_date(2016, 2, 29));
  EXPECT_FALSE(is_valid_date(2015, 2, 29));
  EXPECT_TRUE(is_valid_date(2000, 2, 29));
  EXPECT_FALSE(is_valid_date(1900, 2, 29));
  EXPECT_TRUE(is_valid_date(2016, 4, 30));
  EXPECT_FALSE(is_valid_date(2016, 4, 31));
  EXPECT_TRUE(is_valid_date(2016, 12, 31));
  EXPECT_FALSE(is_valid_date(2016, 13, 1));
  EXPECT_FALSE(is_valid_date(2016, 0, 1));
  EXPECT_FALSE(is_valid_date(2016, 1, 0));
  EXPECT_FALSE(is_valid_date(0, 1, 1));
}

TEST(TimeTest, AddDaysCrossesMonthYearAndLeapDay) {
  EXPECT_EQ(add_days({2016, 2, 28}, 1), (Date{2016, 2, 29}));
  EXPECT_EQ(add_days({2016, 2, 28}, 2), (Date{2016, 3, 1}));
  EXPECT_EQ(add_days({2015, 2, 28}, 1), (Date{2015, 3, 1}));
  EXPECT_EQ(add_days({2015, 12, 31}, 1), (Date{2016, 1, 1}));
  EXPECT_EQ(add_days({2016, 1, 1}, -1), (Date{2015, 12, 31}));
  EXPECT_EQ(add_days({2016, 1, 10}, 366), (Date{2017, 1, 10}));
}

TEST(TimeTest, DateOrdering) {
  EXPECT_TRUE((Date{2015, 12, 31}) < (Date{2016, 1, 1}));
  EXPECT_TRUE((Date{2016, 1, 31}) < (Date{2016, 2, 1}));
  EXPECT_TRUE((Date{2016, 2, 1}) < (Date{2016, 2, 2}));
  EXPECT_FALSE((Date{2016, 2, 2}) < (Date{2016, 2, 2}));
  EXPECT_TRUE((Date{2016, 2, 2}) <= (Date{2016, 2, 2}));
  EXPECT_FALSE((Date{2016, 2, 3}) <= (Date{2016, 2, 2}));
}

TEST(TimeTest, ParseDateAcceptsBothForms) {
  EXPECT_EQ(parse_date("10-01-2016"), (Date{2016, 1, 10}));
  EXPECT_EQ(parse_date("2016-01-10"), (Date{2016, 1, 10}));
  EXPECT_EQ(parse_date("29-02-2016"), (Date{2016, 2, 29}));
  EXPECT_EQ(parse_date("2016-02-29"), (Date{2016, 2, 29}));
  EXPECT_EQ(parse_date("31-12-1999"), (Date{1999, 12, 31}));
  EXPECT_EQ(parse_date("0001-01-01"), (Date{1, 1, 1}));
}

TEST(TimeTest, ParseDateRejectsImpossibleDates) {
  EXPECT_EQ(parse_date("31-02-2016"), std::nullopt);
  EXPECT_EQ(parse_date("2016-02-31"), std::nullopt);
  EXPECT_EQ(parse_date("29-02-2015"), std::nullopt);
  EXPECT_EQ(parse_date("2015-02-29"), std::nullopt);
  EXPECT_EQ(parse_date("31-04-2016"), std::nullopt);
  EXPECT_EQ(parse_date("2016-13-01"), std::nullopt);
  EXPECT_EQ(parse_date("01-13-2016"), std::nullopt);
  EXPECT_EQ(parse_date("00-01-2016"), std::nullopt);
  EXPECT_EQ(parse_date("2016-00-10"), std::nullopt);
  EXPECT_EQ(parse_date("0000-01-01"), std::nullopt);
}

TEST(TimeTest, ParseDateRejectsOtherForms) {
  for (const char* bad :
       {"", "2016-1-10", "1-10-2016", "10/01/2016", "2016/01/10", "20160110", "10-01-16",
        " 2016-01-10", "2016-01-10 ", "2016-01-10T00:00:00Z", "2016-0a-10", "1o-01-2016",
        "10.01.2016", "2016-01--1", "+016-01-10", "Jan 10 2016", "10-01-2016\n"}) {
    EXPECT_EQ(parse_date(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(TimeTest, FormatDateIsIsoWithZeroPadding) {
  EXPECT_EQ(format_date({2016, 1, 10}), "2016-01-10");
  EXPECT_EQ(format_date({1, 2, 3}), "0001-02-03");
  EXPECT_EQ(format_date(*parse_date("05-11-2017")), "2017-11-05");
}

TEST(TimeTest, StartOfDayAndUtcDate) {
  EXPECT_EQ(epoch_seconds(start_of_day_utc({2016, 1, 11})), 1452470400);
  EXPECT_EQ(utc_date(at_epoch_seconds(1452470400)), (Date{2016, 1, 11}));
  EXPECT_EQ(utc_date(at_epoch_seconds(1452470399)), (Date{2016, 1, 10}));
  EXPECT_EQ(utc_date(at_epoch_seconds(-1)), (Date{1969, 12, 31}));
  EXPECT_EQ(utc_date(at_epoch_seconds(-86400)), (Date{1969, 12, 31}));
  EXPECT_EQ(utc_date(at_epoch_seconds(-86401)), (Date{1969, 12, 30}));
}

TEST(TimeTest, ParseIso8601Forms) {
  const int64_t kAt = 1452470700;  // 2016-01-11T00:05:00Z
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11T00:05:00Z")), kAt);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11T00:05:00")), kAt);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11 00:05:00Z")), kAt);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11T00:05:00.123Z")), kAt);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11T00:05:00.5")), kAt);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11T01:05:00+01:00")), kAt);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-10T19:05:00-05:00")), kAt);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11T05:35:00.999+05:30")), kAt);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11")), 1452470400);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("1970-01-01T00:00:00Z")), 0);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11T23:59:59Z")), 1452556799);
}

TEST(TimeTest, ParseIso8601RejectsBadText) {
  for (const char* bad :
       {"", "2016", "2016-01-1", "11-01-2016T00:05:00Z", "11-01-2016", "2016-02-30T00:00:00Z",
        "2016-01-11T24:00:00Z", "2016-01-11T00:60:00Z", "2016-01-11T00:05Z", "2016-01-11T00:05:00X",
        "2016-01-11T00:05:00.Z", "2016-01-11T0:05:00Z", "2016-01-11X00:05:00Z",
        "2016-01-11T00:05:00+0100", "2016-01-11T00:05:00+01", "2016-01-11T00:05:00Z junk",
        "2016-01-11T00-05-00Z"}) {
    EXPECT_EQ(parse_iso8601(bad), std::nullopt) << "'" << bad << "'";
  }
}

// RFC 3339 time-numoffset: hours 00-23, minutes 00-59.
TEST(TimeTest, ParseIso8601RejectsImpossibleOffsets) {
  for (const char* bad : {"2016-01-11T00:05:00+01:75", "2016-01-11T00:05:00+24:00",
                          "2016-01-11T00:05:00-99:99", "2016-01-11T00:05:00+00:60"}) {
    EXPECT_EQ(parse_iso8601(bad), std::nullopt) << "'" << bad << "'";
  }
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-11T23:05:00+23:00")), 1452470700);
  EXPECT_EQ(epoch_seconds(*parse_iso8601("2016-01-10T23:06:00-00:59")), 1452470700);
}

TEST(TimeTest, FormatIso8601IsUtcWholeSeconds) {
  EXPECT_EQ(format_iso8601(at_epoch_seconds(1452470700)), "2016-01-11T00:05:00Z");
  EXPECT_EQ(format_iso8601(at_epoch_seconds(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(at_epoch_seconds(-1)), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(at_epoch_seconds(1452556799)), "2016-01-11T23:59:59Z");
  EXPECT_EQ(format_iso8601(at_epoch_seconds(1452470700) + std::chrono::milliseconds(999)),
            "2016-01-11T00:05:00Z");
}

TEST(TimeTest, Iso8601RoundTrips) {
  for (int64_t s = 1451606400; s < 1451606400 + 3 * 86400; s += 3607) {
    auto text = format_iso8601(at_epoch_seconds(s));
    auto back = parse_iso8601(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(epoch_seconds(*back), s) << text;
  }
}

TEST(TimeTest, ParseDurationUnitsAndCombinations) {
  EXPECT_EQ(parse_duration("90s"), seconds(90));
  EXPECT_EQ(parse_duration("5m"), seconds(300));
  EXPECT_EQ(parse_duration("1h"), seconds(3600));
  EXPECT_EQ(parse_duration("7d"), seconds(7 * 86400));
  EXPECT_EQ(parse_duration("270s"), seconds(270));
  EXPECT_EQ(parse_duration("1h30m"), seconds(5400));
  EXPECT_EQ(parse_duration("1d2h3m4s"), seconds(86400 + 7200 + 180 + 4));
  EXPECT_EQ(parse_duration("0s"), seconds(0));
  EXPECT_EQ(parse_duration("366d"), seconds(366 * 86400));
}

TEST(TimeTest, ParseDurationRequiresNumberAndUnit) {
  for (const char* bad : {"", "90", "s", "m5", "5x", "5M", "5 m", " 5m", "5m ", "-5s", "1.5h",
                          "1h 30m", "5min", "1h30", "10000000000s"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(TimeTest, FormatDurationIsShortest) {
  EXPECT_EQ(format_duration(seconds(0)), "0s");
  EXPECT_EQ(format_duration(seconds(90)), "1m30s");
  EXPECT_EQ(format_duration(seconds(270)), "4m30s");
  EXPECT_EQ(format_duration(seconds(3600)), "1h");
  EXPECT_EQ(format_duration(seconds(5400)), "1h30m");
  EXPECT_EQ(format_duration(seconds(7 * 86400)), "7d");
  EXPECT_EQ(format_duration(seconds(90061)), "1d1h1m1s");
}

TEST(TimeTest, FormatDurationReadsBack) {
  for (int64_t s = 0; s < 3 * 86400; s += 997) {
    auto text = format_duration(seconds(s));
    EXPECT_EQ(parse_duration(text), seconds(s)) << text;
  }
}

// Sets TZ for the scope of a test and restores it after.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    const char* old = std::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (had_)
      ::setenv("TZ", old_.c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }

 private:
  bool had_ = false;
  std::string old_;
};

TEST(TimeTest, LocalDateFollowsTimeZone) {
  {
    ScopedTimeZone tz("FRY5");  // five hours behind UTC, no daylight saving
    EXPECT_EQ(local_date(at_epoch_seconds(1452470700)), (Date{2016, 1, 10}));
    EXPECT_EQ(local_date(at_epoch_seconds(1452470400 + 5 * 3600)), (Date{2016, 1, 11}));
  }
  {
    ScopedTimeZone tz("UTC0");
    EXPECT_EQ(local_date(at_epoch_seconds(1452470700)), (Date{2016, 1, 11}));
  }
}

// Values a TimePoint cannot hold are errors, never a wrapped time (0001-01-01 used to come out
// as 1754-08-30).
TEST(TimeTest, ExtremeDatesAreErrorsNotWraps) {
  EXPECT_THROW(start_of_day_utc({1, 1, 1}), std::out_of_range);
  EXPECT_THROW(start_of_day_utc({9999, 12, 31}), std::out_of_range);
  EXPECT_THROW(start_of_day_utc({1677, 12, 31}), std::out_of_range);
  EXPECT_THROW(start_of_day_utc({2262, 1, 1}), std::out_of_range);
  EXPECT_EQ(utc_date(start_of_day_utc({1678, 1, 1})), (Date{1678, 1, 1}));
  EXPECT_EQ(utc_date(start_of_day_utc({2261, 12, 31})), (Date{2261, 12, 31}));
  EXPECT_FALSE(time_representable({1, 1, 1}));
  EXPECT_TRUE(time_representable({2100, 12, 31}));
}

TEST(TimeTest, ExtremeTimestampsDoNotParse) {
  EXPECT_EQ(parse_iso8601("0001-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601("0001-01-01"), std::nullopt);
  EXPECT_EQ(format_iso8601(*parse_iso8601("2100-12-31T23:59:59Z")), "2100-12-31T23:59:59Z");
}

TEST(TimeTest, CheckedTimePointRefusesWhatDoesNotFit) {
  EXPECT_EQ(checked_time_point(0), TimePoint{});
  EXPECT_EQ(checked_time_point(int64_t{1} << 40), std::nullopt);
  EXPECT_EQ(checked_time_point(-(int64_t{1} << 40)), std::nullopt);
  EXPECT_EQ(checked_time_point(std::numeric_limits<int64_t>::max()), std::nullopt);
  EXPECT_NE(checked_time_point(4102444800), std::nullopt);  // 2100-01-01
}

TEST(TimeTest, AddDaysAndCivilFromDaysRefuseLeavingYears1To9999) {
  EXPECT_EQ(add_days({9999, 12, 30}, 1), (Date{9999, 12, 31}));
  EXPECT_THROW(add_days({9999, 12, 31}, 1), std::out_of_range);
  EXPECT_THROW(add_days({1, 1, 1}, -1), std::out_of_range);
  EXPECT_THROW(add_days({2016, 1, 1}, std::numeric_limits<int64_t>::max()), std::out_of_range);
  EXPECT_THROW(add_days({2016, 1, 1}, std::numeric_limits<int64_t>::min()), std::out_of_range);
  EXPECT_THROW(civil_from_days(std::numeric_limits<int64_t>::max()), std::out_of_range);
  EXPECT_EQ(civil_from_days(days_from_civil({1, 1, 1})), (Date{1, 1, 1}));
}

TEST(TimeTest, DurationsLongerThanTheLimitDoNotParse) {
  EXPECT_EQ(parse_duration("36500d"), kMaxDuration);
  EXPECT_EQ(parse_duration("36501d"), std::nullopt);
  EXPECT_EQ(parse_duration("999999999d"), std::nullopt);
  EXPECT_EQ(parse_duration("36500d1s"), std::nullopt);
  std::string many;
  for (int i = 0; i < 200; ++i) many += "999999999s";
  EXPECT_EQ(parse_duration(many), std::nullopt);
}

}  // namespace
}  // namespace ferry
