#include "ferry/wenet/window.h"

#include <gtest/gtest.h>

#include "ferry/base/error.h"

namespace ferry::wenet {
namespace {

TimeZone rome() {
  return TimeZone::load("Europe/Rome");
}
TimePoint at(const char* iso) {
  return *parse_logger_time(iso);
}
// 2021-07-31 10:00 in Rome.
TimePoint now() {
  return at("2021-07-31T08:00:00Z");
}

std::string from_of(const Window& w) {
  return w.from ? file_time(*w.from, rome()) : "none";
}

TEST(WenetWindow, ProtocolTableInRome) {
  struct Case {
    const char* range;
    const char* from;
    const char* to;
  } cases[] = {
      {"ALL", "none", "2021-07-31 00:00:00"},
      {"TODAY", "2021-07-31 00:00:00", "2021-08-01 00:00:00"},
      {"3D", "2021-07-28 00:00:00", "2021-07-31 00:00:00"},
      {"1W", "2021-07-24 00:00:00", "2021-07-31 00:00:00"},
      {"10M", "2020-09-30 00:00:00", "2021-07-31 00:00:00"},
      {"1D", "2021-07-30 00:00:00", "2021-07-31 00:00:00"},
      {"1Y", "2020-07-31 00:00:00", "2021-07-31 00:00:00"},
  };
  for (const auto& c : cases) {
    Window w = window_from_range(c.range, now(), rome());
    EXPECT_EQ(from_of(w), c.from) << c.range;
    EXPECT_EQ(file_time(w.to, rome()), c.to) << c.range;
    EXPECT_EQ(w.label, c.range);
  }
}

TEST(WenetWindow, InstantsAreLocalMidnights) {
  Window w = window_from_range("1w", now(), rome());
  EXPECT_EQ(*w.from, at("2021-07-23T22:00:00Z"));
  EXPECT_EQ(w.to, at("2021-07-30T22:00:00Z"));
  EXPECT_EQ(logger_time(*w.from, rome()), "2021-07-24T00:00:00+02:00");
  EXPECT_EQ(epoch_seconds(w.to), 1627682400);
  // 10M crosses the change to winter time: the start is midnight at +02:00 still (Sept).
  Window m = window_from_range("10m", now(), rome());
  EXPECT_EQ(logger_time(*m.from, rome()), "2020-09-30T00:00:00+02:00");
  Window y = window_from_range("5M", at("2021-07-31T08:00:00Z"), rome());
  EXPECT_EQ(logger_time(*y.from, rome()), "2021-02-28T00:00:00+01:00");
}

TEST(WenetWindow, MonthArithmeticClampsAndCrossesYears) {
  TimeZone utc = TimeZone::utc();
  EXPECT_EQ(file_time(*window_from_range("1M", at("2024-03-31T12:00:00Z"), utc).from, utc),
            "2024-02-29 00:00:00");
  EXPECT_EQ(file_time(*window_from_range("13M", at("2024-01-15T12:00:00Z"), utc).from, utc),
            "2022-12-15 00:00:00");
  EXPECT_EQ(file_time(*window_from_range("1Y", at("2024-02-29T12:00:00Z"), utc).from, utc),
            "2023-02-28 00:00:00");
}

TEST(WenetWindow, BadRangesNameTheValue) {
  for (const char* bad : {"", "D", "0D", "3X", "-1D", "12345D", "1.5D", "TOMORROW"}) {
    try {
      window_from_range(bad, now(), rome());
      ADD_FAILURE() << bad;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(window_from_range("9999Y", now(), rome()), UsageError);
}

TEST(WenetWindow, BoundsDatesTimesAndOffsets) {
  Window w = window_from_bounds("2021-07-24", "2021-07-31T12:30", rome());
  EXPECT_EQ(*w.from, at("2021-07-23T22:00:00Z"));
  EXPECT_EQ(w.to, at("2021-07-31T10:30:00Z"));
  EXPECT_EQ(w.label, "2021-07-24..2021-07-31T12:30");
  Window z = window_from_bounds("2021-07-24T00:00:00Z", "2021-07-24 09:00:00+05:00", rome());
  EXPECT_EQ(*z.from, at("2021-07-24T00:00:00Z"));
  EXPECT_EQ(z.to, at("2021-07-24T04:00:00Z"));
  // 01:00 at +05:00 is before midnight UTC: from after to.
  EXPECT_THROW(window_from_bounds("2021-07-24T00:00:00Z", "2021-07-24 01:00:00+05:00", rome()),
               UsageError);
  EXPECT_THROW(window_from_bounds("2021-07-31", "2021-07-31", rome()), UsageError);
  EXPECT_THROW(window_from_bounds("31/07/2021", "2021-08-01", rome()), UsageError);
  EXPECT_THROW(window_from_bounds("2021-07-30", "2021-07-31T25:00", rome()), UsageError);
}

TEST(WenetWindow, LoggerTimesCarryOffsetAndFraction) {
  TimePoint t = at("2021-01-10T23:30:00.25Z");
  EXPECT_EQ(logger_time(t, rome()), "2021-01-11T00:30:00.250000+01:00");
  EXPECT_EQ(logger_time(t, TimeZone::utc()), "2021-01-10T23:30:00.250000+00:00");
  EXPECT_EQ(file_time(t, rome()), "2021-01-11 00:30:00");
  EXPECT_EQ(logger_time(at("2021-01-10T05:00:00Z"), TimeZone::load("America/New_York")),
            "2021-01-10T00:00:00-05:00");
}

TEST(WenetWindow, ParsesLoggerTimestamps) {
  EXPECT_EQ(parse_logger_time("2021-07-24T10:00:00"), at("2021-07-24T10:00:00Z"));
  EXPECT_EQ(parse_logger_time("2021-07-24T12:00:00+02:00"), at("2021-07-24T10:00:00Z"));
  auto micro = parse_logger_time("2021-07-24T10:00:00.000001");
  ASSERT_TRUE(micro);
  EXPECT_EQ(*micro - at("2021-07-24T10:00:00Z"), std::chrono::microseconds(1));
  EXPECT_FALSE(parse_logger_time("2021-07-24X10:00:00"));
  EXPECT_FALSE(parse_logger_time("1627120800"));
}

}  // namespace
}  // namespace ferry::wenet
