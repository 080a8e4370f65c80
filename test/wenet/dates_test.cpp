#include "ferry/wenet/dates.h"

#include <gtest/gtest.h>

namespace ferry::wenet {
namespace {

TimePoint utc(const char* iso) {
  return *parse_iso8601(iso);
}

TEST(WenetDumpDates, IsoFormsWithAndWithoutOffset) {
  TimeZone utc_zone;
  EXPECT_EQ(parse_dump_date("2021-07-24", utc_zone), utc("2021-07-24T00:00:00Z"));
  EXPECT_EQ(parse_dump_date("2021-07-24T10:20:30", utc_zone), utc("2021-07-24T10:20:30Z"));
  EXPECT_EQ(parse_dump_date("2021-07-24 10:20", utc_zone), utc("2021-07-24T10:20:00Z"));
  EXPECT_EQ(parse_dump_date("2021-07-24T10:20:30Z", utc_zone), utc("2021-07-24T10:20:30Z"));
  EXPECT_EQ(parse_dump_date("2021-07-24 10:20:30+02:00", utc_zone), utc("2021-07-24T08:20:30Z"));
  EXPECT_EQ(parse_dump_date("2021-07-24T10:20:30-0130", utc_zone), utc("2021-07-24T11:50:30Z"));
  EXPECT_EQ(parse_dump_date("2021-07-24T10:20:30+02", utc_zone), utc("2021-07-24T08:20:30Z"));
  EXPECT_EQ(parse_dump_date("2021-07-24 10:20:30 UTC", utc_zone), utc("2021-07-24T10:20:30Z"));
  EXPECT_EQ(parse_dump_date("  2021/07/24 10:20:30  ", utc_zone), utc("2021-07-24T10:20:30Z"));
  auto frac = parse_dump_date("2021-07-24T10:20:30.250", utc_zone);
  ASSERT_TRUE(frac);
  EXPECT_EQ(*frac - utc("2021-07-24T10:20:30Z"), std::chrono::milliseconds(250));
}

TEST(WenetDumpDates, DayFirstFormsAndEpoch) {
  TimeZone utc_zone;
  EXPECT_EQ(parse_dump_date("24/07/2021", utc_zone), utc("2021-07-24T00:00:00Z"));
  EXPECT_EQ(parse_dump_date("24/07/2021 10:20", utc_zone), utc("2021-07-24T10:20:00Z"));
  EXPECT_EQ(parse_dump_date("24-07-2021 10:20:30", utc_zone), utc("2021-07-24T10:20:30Z"));
  EXPECT_EQ(parse_dump_date("24.07.2021", utc_zone), utc("2021-07-24T00:00:00Z"));
  EXPECT_EQ(parse_dump_date("1627121430", utc_zone), utc("2021-07-24T10:10:30Z"));
  EXPECT_EQ(parse_dump_date("1627121430000", utc_zone), utc("2021-07-24T10:10:30Z"));
}

TEST(WenetDumpDates, LocalTimesInTheZone) {
  auto rome = TimeZone::find("Europe/Rome");
  if (!rome) GTEST_SKIP() << "no tz database";
  EXPECT_EQ(parse_dump_date("2021-07-24", *rome), utc("2021-07-23T22:00:00Z"));
  EXPECT_EQ(parse_dump_date("24/01/2021 10:00", *rome), utc("2021-01-24T09:00:00Z"));
  EXPECT_EQ(parse_dump_date("2021-07-24T10:00:00Z", *rome), utc("2021-07-24T10:00:00Z"));
}

TEST(WenetDumpDates, Refused) {
  TimeZone z;
  for (const char* bad : {"", "yesterday", "2021-02-30", "31/02/2021", "2021-07-24T25:00",
                          "2021-07-24T10:61", "24/07/2021T10:00", "07/24/2021", "2021-07-24x",
                          "2021-07-24T10:00:00+2", "2021-07-24T10:00:00.", "12345", "2021-7-4",
                          "9999999999999", "9999999999", "9223372036999"})
    EXPECT_EQ(parse_dump_date(bad, z), std::nullopt) << bad;
}

}  // namespace
}  // namespace ferry::wenet
