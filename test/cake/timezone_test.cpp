#include "ferry/cake/timezone.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>
#include <stdexcept>
#include <string>

#include "support/process.h"

namespace ferry::cake {
namespace {

constexpr int64_t kJan2017 = 1484092805;  // 2017-01-11T00:00:05Z
constexpr int64_t kJul2016 = 1467633600;  // 2016-07-04T12:00:00Z

// glibc's answer for `zone` at `t`: the oracle. Swaps TZ for the call; tests run on one thread.
long glibc_offset(const std::string& zone, int64_t t) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", zone.c_str(), 1);
  tzset();
  time_t tt = static_cast<time_t>(t);
  struct tm tm {};
  localtime_r(&tt, &tm);
  long off = tm.tm_gmtoff;
  if (old) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
  return off;
}

TEST(CakeTimeZone, UtcNeedsNoDatabase) {
  auto utc = TimeZone::load("UTC", "/nonexistent");
  EXPECT_EQ(utc.name(), "UTC");
  EXPECT_EQ(utc.utc_offset(kJan2017), 0);
  EXPECT_EQ(TimeZone::utc().utc_offset(-5), 0);
}

TEST(CakeTimeZone, NewYorkWinterSummerAndAfter2037) {
  auto ny = TimeZone::load("America/New_York");
  EXPECT_EQ(ny.utc_offset(kJan2017), -5 * 3600);
  EXPECT_EQ(ny.utc_offset(kJul2016), -4 * 3600);
  EXPECT_EQ(ny.utc_offset(2224756800), -4 * 3600);  // 2040-07-01, from the footer rule
  EXPECT_EQ(ny.utc_offset(2208988800), -5 * 3600);  // 2040-01-01
}

TEST(CakeTimeZone, SouthernHemisphere) {
  auto sydney = TimeZone::load("Australia/Sydney");
  EXPECT_EQ(sydney.utc_offset(kJan2017), 11 * 3600);
  EXPECT_EQ(sydney.utc_offset(kJul2016), 10 * 3600);
}

TEST(CakeTimeZone, AgreesWithGlibcOverTwoCenturies) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> when(-2208988800, 4102444800);  // 1900..2100
  for (const char* zone :
       {"America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata",
        "America/Sao_Paulo", "Pacific/Chatham", "Europe/Dublin", "Africa/Casablanca"}) {
    auto tz = TimeZone::load(zone);
    for (int k = 0; k < 2000; ++k) {
      int64_t t = when(rng);
      ASSERT_EQ(tz.utc_offset(t), glibc_offset(zone, t)) << zone << " at " << t;
    }
  }
}

TEST(CakeTimeZone, PosixRuleAlone) {
  auto us = TimeZone::from_posix_rule("us", "EST5EDT,M3.2.0,M11.1.0");
  EXPECT_EQ(us.utc_offset(1457852399), -5 * 3600);  // 2016-03-13 01:59:59 EST
  EXPECT_EQ(us.utc_offset(1457852400), -4 * 3600);  // 03:00:00 EDT
  EXPECT_EQ(us.utc_offset(1478411999), -4 * 3600);
  EXPECT_EQ(us.utc_offset(1478412000), -5 * 3600);
  auto fixed = TimeZone::from_posix_rule("x", "<+0530>-5:30");
  EXPECT_EQ(fixed.utc_offset(kJan2017), 5 * 3600 + 1800);
  auto eu = TimeZone::from_posix_rule("eu", "CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(eu.utc_offset(kJan2017), 3600);
  EXPECT_EQ(eu.utc_offset(kJul2016), 7200);
  auto julian = TimeZone::from_posix_rule("j", "AAA3BBB,J60/0,J300/0");  // Mar 1 .. Oct 27
  EXPECT_EQ(julian.utc_offset(kJul2016), -2 * 3600);
  EXPECT_EQ(julian.utc_offset(kJan2017), -3 * 3600);
}

TEST(CakeTimeZone, FooterRuleMatchesTheTable) {
  auto ny = TimeZone::load("America/New_York");
  auto rule = TimeZone::from_posix_rule("us", "EST5EDT,M3.2.0,M11.1.0");
  for (int64_t t = 1199145600; t < 2114380800; t += 3607) {  // 2008..2037
    ASSERT_EQ(ny.utc_offset(t), rule.utc_offset(t)) << t;
  }
}

TEST(CakeTimeZone, BadNamesAndFilesAreClearErrors) {
  for (const char* bad :
       {"", "/etc/passwd", "../etc/passwd", "America/../../etc", "Mars/Base", "a b"}) {
    try {
      TimeZone::load(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("time zone '"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(TimeZone::from_tzif("x", "TZif2 garbage"), std::invalid_argument);
  EXPECT_THROW(TimeZone::from_tzif("x", "not a zone file at all, not at all, no no no, nope"),
               std::invalid_argument);
  EXPECT_THROW(TimeZone::from_posix_rule("x", "EST5EDT"), std::invalid_argument);
  EXPECT_THROW(TimeZone::from_posix_rule("x", "E5"), std::invalid_argument);
}

TEST(CakeTimeZone, TruncatedTzifIsRejectedAtEveryLength) {
  std::string bytes = testing::read_file("/usr/share/zoneinfo/America/New_York");
  ASSERT_GT(bytes.size(), 100u);
  for (size_t n = 0; n + 1 < bytes.size(); n += 7) {
    EXPECT_THROW(TimeZone::from_tzif("ny", bytes.substr(0, n)), std::invalid_argument) << n;
  }
  EXPECT_EQ(TimeZone::from_tzif("ny", bytes).utc_offset(kJul2016), -4 * 3600);
}

}  // namespace
}  // namespace ferry::cake
