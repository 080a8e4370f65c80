#include "ferry/base/zone.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ferry/base/error.h"
#include "support/process.h"

namespace ferry {
namespace {

constexpr int64_t kJan2017 = 1484092805;  // 2017-01-11T00:00:05Z
constexpr int64_t kJul2016 = 1467633600;  // 2016-07-04T12:00:00Z

int64_t epoch_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TimePoint at(int64_t s) {
  return TimePoint(std::chrono::seconds(s));
}

// Sets an environment variable for one scope; tests run on one thread.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv(name, value.c_str(), 1);
    tzset();
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
    tzset();
  }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

// glibc's answer for `zone` at `t`: the oracle.
long glibc_offset(const std::string& zone, int64_t t) {
  ScopedEnv tz("TZ", zone);
  time_t tt = static_cast<time_t>(t);
  struct tm tm {};
  localtime_r(&tt, &tm);
  return tm.tm_gmtoff;
}

TEST(Zone, UtcNeedsNoDatabase) {
  ScopedEnv dir("TZDIR", "/nonexistent");
  for (const char* name : {"UTC", "Etc/UTC", "GMT", "Etc/GMT"}) {
    auto utc = TimeZone::find(name);
    ASSERT_TRUE(utc.has_value()) << name;
    EXPECT_EQ(utc->name(), name);
    EXPECT_EQ(utc->utc_offset(kJan2017), 0);
  }
  EXPECT_EQ(TimeZone().name(), "UTC");
  EXPECT_EQ(TimeZone::utc().utc_offset(-5), 0);
  LocalTime t = TimeZone::utc().local_time(at(-1));
  EXPECT_EQ(t.date, (Date{1969, 12, 31}));
  EXPECT_EQ(t.seconds, 86399);
  EXPECT_EQ(epoch_seconds(TimeZone::utc().local_midnight(Date{2016, 1, 10})), 1452384000);
}

TEST(Zone, NewYorkAcrossBothSwitches) {
  auto ny = TimeZone::load("America/New_York");
  EXPECT_EQ(ny.name(), "America/New_York");
  EXPECT_EQ(ny.utc_offset(kJan2017), -5 * 3600);
  EXPECT_EQ(ny.utc_offset(kJul2016), -4 * 3600);
  // 2016-03-13: 02:00 EST becomes 03:00 EDT at 07:00Z.
  EXPECT_EQ(ny.utc_offset(1457852399), -5 * 3600);
  EXPECT_EQ(ny.utc_offset(1457852400), -4 * 3600);
  // 2016-11-06: 02:00 EDT becomes 01:00 EST at 06:00Z.
  EXPECT_EQ(ny.utc_offset(1478411999), -4 * 3600);
  EXPECT_EQ(ny.utc_offset(1478412000), -5 * 3600);
  EXPECT_EQ(ny.utc_offset(2224756800), -4 * 3600);  // 2040-07-01, from the zone's rule
  EXPECT_EQ(ny.utc_offset(2208988800), -5 * 3600);  // 2040-01-01
  LocalTime t = ny.local_time(at(kJul2016) + std::chrono::milliseconds(999));
  EXPECT_EQ(t.date, (Date{2016, 7, 4}));
  EXPECT_EQ(t.seconds, 8 * 3600);
  EXPECT_EQ(ny.local_date(at(kJan2017)), (Date{2017, 1, 10}));
}

TEST(Zone, HistoricOffsetChanges) {
  // Moscow: +03 before 2011-03-27, +04 all year from then, +03 again from 2014-10-26.
  auto moscow = TimeZone::load("Europe/Moscow");
  EXPECT_EQ(moscow.utc_offset(1262304000), 3 * 3600);  // 2010-01-01
  EXPECT_EQ(moscow.utc_offset(1325376000), 4 * 3600);  // 2012-01-01
  EXPECT_EQ(moscow.utc_offset(1414274399), 4 * 3600);  // 2014-10-25T21:59:59Z
  EXPECT_EQ(moscow.utc_offset(1414274400), 3 * 3600);  // 2014-10-25T22:00:00Z
  // Kolkata: a half-hour offset, and local mean time in the nineteenth century.
  auto kolkata = TimeZone::load("Asia/Kolkata");
  EXPECT_EQ(kolkata.utc_offset(kJan2017), 5 * 3600 + 1800);
  EXPECT_NE(kolkata.utc_offset(-3000000000) % 1800, 0);
  EXPECT_EQ(TimeZone::load("Australia/Sydney").utc_offset(kJul2016), 10 * 3600);
}

TEST(Zone, AgreesWithGlibcOverTwoCenturies) {
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

// Consecutive instants answer from the remembered span; check every edge of it.
TEST(Zone, NearbyInstantsAgreeWithGlibcAcrossSwitches) {
  auto london = TimeZone::load("Europe/London");
  auto ny = TimeZone::load("America/New_York");
  // Three weeks holding two of 2016's switches each (New York 03-13 and 11-06, London 03-27
  // and 10-30), every ~10 minutes.
  for (int64_t from : {1457568000, 1477440000}) {  // 2016-03-10, 2016-10-26
    for (int64_t t = from - 7; t < from + 21 * 86400; t += 599) {
      ASSERT_EQ(london.utc_offset(t), glibc_offset("Europe/London", t)) << t;
      ASSERT_EQ(ny.utc_offset(t), glibc_offset("America/New_York", t)) << t;
    }
  }
  for (int64_t t = 1478411990; t < 1478412010; ++t)
    ASSERT_EQ(ny.utc_offset(t), t < 1478412000 ? -4 * 3600 : -5 * 3600) << t;
  for (int64_t t = 1478412010; t > 1478411990; --t)
    ASSERT_EQ(ny.utc_offset(t), t < 1478412000 ? -4 * 3600 : -5 * 3600) << t;
}

TEST(Zone, SafeFromManyThreads) {
  const std::vector<std::string> names = {"America/New_York", "Europe/London", "Australia/Sydney",
                                          "Asia/Kolkata"};
  std::vector<std::vector<int32_t>> expected(names.size());
  for (size_t z = 0; z < names.size(); ++z) {
    auto tz = TimeZone::load(names[z]);
    for (int64_t t = 1451606400; t < 1483228800; t += 3600) expected[z].push_back(tz.utc_offset(t));
  }
  std::vector<int> mismatches(names.size() * 2, 0);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < mismatches.size(); ++k) {
    threads.emplace_back([&, k] {
      size_t z = k % names.size();
      auto tz = TimeZone::load(names[z]);
      auto other = TimeZone::load(names[(z + 1) % names.size()]);
      for (int round = 0; round < 3; ++round) {
        size_t i = 0;
        for (int64_t t = 1451606400; t < 1483228800; t += 3600, ++i) {
          if (tz.utc_offset(t) != expected[z][i]) ++mismatches[k];
          other.utc_offset(t + 86400 * round);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(Zone, LocalMidnightOnSwitchDays) {
  auto sao_paulo = TimeZone::load("America/Sao_Paulo");
  // 2018-11-04: 00:00 -03 became 01:00 -02, so the day starts at 01:00 local, 03:00Z.
  EXPECT_EQ(epoch_seconds(sao_paulo.local_midnight(Date{2018, 11, 4})), 1541300400);
  EXPECT_EQ(epoch_seconds(sao_paulo.local_instant(Date{2018, 11, 4}, 30)), 1541300400);
  EXPECT_EQ(epoch_seconds(sao_paulo.local_instant(Date{2018, 11, 4}, 60)), 1541300400);
  EXPECT_EQ(epoch_seconds(sao_paulo.local_midnight(Date{2018, 11, 5})), 1541383200);  // 02:00Z
  // 2019-02-17: 00:00 -02 became 23:00 -03 on the 16th; the 17th starts once, at 03:00Z, and
  // 23:30 on the 16th happens twice (01:30Z and 02:30Z): the earlier one is taken.
  EXPECT_EQ(epoch_seconds(sao_paulo.local_midnight(Date{2019, 2, 17})), 1550372400);
  EXPECT_EQ(epoch_seconds(sao_paulo.local_instant(Date{2019, 2, 16}, 23 * 60 + 30)), 1550367000);

  auto london = TimeZone::load("Europe/London");
  // 2016-03-27: 01:00 GMT became 02:00 BST at 01:00Z; midnight itself is ordinary.
  EXPECT_EQ(epoch_seconds(london.local_midnight(Date{2016, 3, 27})), 1459036800);
  EXPECT_EQ(epoch_seconds(london.local_instant(Date{2016, 3, 27}, 90)), 1459040400);
  EXPECT_EQ(epoch_seconds(london.local_instant(Date{2016, 3, 27}, 120)), 1459040400);
  EXPECT_EQ(epoch_seconds(london.local_midnight(Date{2016, 3, 28})), 1459119600);  // 23:00Z
  // 2016-10-30: 02:00 BST became 01:00 GMT; 01:30 happens at 00:30Z and 01:30Z.
  EXPECT_EQ(epoch_seconds(london.local_instant(Date{2016, 10, 30}, 90)), 1477787400);
  LocalTime back = london.local_time(at(1477787400));
  EXPECT_EQ(back.date, (Date{2016, 10, 30}));
  EXPECT_EQ(back.seconds, 90 * 60);
}

TEST(Zone, UnknownAndMalformedNamesAreRefused) {
  for (const char* bad : {"", "/etc/passwd", "../etc/passwd", "America/../../etc", "Mars/Base",
                          "a b", "America/", "America//New_York", "./UTC", "file:UTC", "America",
                          "zone.tab", "/usr/share/zoneinfo/America/New_York"}) {
    EXPECT_FALSE(TimeZone::find(bad).has_value()) << bad;
    try {
      TimeZone::load(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("unknown time zone '" + std::string(bad) + "'"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(Zone, ReadsTheDatabaseNamedByTzdir) {
  testing::TempDir dir;
  testing::write_file(dir / "Kolkata", testing::read_file("/usr/share/zoneinfo/Asia/Kolkata"));
  testing::write_file(dir / "Broken", "TZif2 and then nothing useful at all, not a zone file");
  ScopedEnv tzdir("TZDIR", dir.path());
  auto zone = TimeZone::find("Kolkata");
  ASSERT_TRUE(zone.has_value());
  EXPECT_EQ(zone->utc_offset(kJan2017), 5 * 3600 + 1800);
  EXPECT_FALSE(TimeZone::find("Broken").has_value());
}

}  // namespace
}  // namespace ferry
