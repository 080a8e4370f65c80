#include "ferry/log/logging.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/process.h"

namespace ferry::log {
namespace {

using ferry::testing::file_exists;
using ferry::testing::list_dir;
using ferry::testing::TempDir;
using ferry::testing::write_file;

void touch(const TempDir& dir, const std::vector<std::string>& names) {
  for (const auto& n : names) write_file(dir / n, "line\n");
}

TEST(LoggingTest, RotatedNameAppendsIsoDate) {
  EXPECT_EQ(rotated_name("logs/debug.log", {2016, 1, 9}), "logs/debug.log.2016-01-09");
  EXPECT_EQ(rotated_name("/var/log/ferry/critical.log", {2015, 12, 31}),
            "/var/log/ferry/critical.log.2015-12-31");
}

TEST(LoggingTest, SweepDeletesOnlyRotatedFilesOlderThanKeepDays) {
  TempDir dir;
  touch(dir, {
                 "debug.log",               // current: kept
                 "daily.log",               // current: kept
                 "debug.log.2016-01-09",    // 1 day old: kept
                 "debug.log.2016-01-03",    // exactly 7 days old: kept
                 "debug.log.2016-01-02",    // 8 days old: deleted
                 "error.log.2015-06-01",    // deleted
                 "daily.log.2015-12-31",    // deleted
                 "critical.log.2014-02-28"  // deleted
             });
  int removed = sweep_old_logs(dir.path(), {2016, 1, 10}, 7);
  EXPECT_EQ(removed, 4);
  EXPECT_EQ(list_dir(dir.path()),
            (std::vector<std::string>{"daily.log", "debug.log", "debug.log.2016-01-03",
                                      "debug.log.2016-01-09"}));
}

TEST(LoggingTest, SweepDeletesNumberedDuplicatesOfOldDays) {
  TempDir dir;
  touch(dir, {"debug.log.2015-06-01", "debug.log.2015-06-01.1", "debug.log.2015-06-01.12",
              "debug.log.2016-01-09.1"});
  EXPECT_EQ(sweep_old_logs(dir.path(), {2016, 1, 10}, 30), 3);
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"debug.log.2016-01-09.1"});
}

TEST(LoggingTest, SweepLeavesUnrelatedFiles) {
  TempDir dir;
  std::vector<std::string> unrelated = {
      "notes.txt",
      "debug.log.old",
      "debug.log.20150101",
      "debug.log.01-01-2015",  // dd-mm-yyyy is not ferry's rotated name
      "debug.log.2015-02-30",  // impossible date
      "debug.log.2015-01-01x",
      "debug.2015-01-01",
      "2015-01-01.log",
      "README-2015-01-01",
      "notes.txt.2015-01-01",  // another program's rotated files
      "matomo.log.2015-01-01",
      "app.debug.log.2015-01-01",
      "xdebug.log.2015-01-01",
  };
  touch(dir, unrelated);
  EXPECT_EQ(sweep_old_logs(dir.path(), {2016, 1, 10}, 1), 0);
  std::sort(unrelated.begin(), unrelated.end());
  EXPECT_EQ(list_dir(dir.path()), unrelated);
}

// Only `.N` may follow the date: a copy an operator made (`.bak`) or an archive (`.zip`,
// `.gz`) is not a rotated log and must be left alone.
TEST(LoggingTest, SweepLeavesFilesWithNonNumericSuffixAfterTheDate) {
  TempDir dir;
  std::vector<std::string> kept = {"debug.log.2015-01-01.bak", "debug.log.2015-01-01.zip",
                                   "daily.log.2015-01-01.gz", "error.log.2015-01-01."};
  touch(dir, kept);
  touch(dir, {"debug.log.2015-01-01"});
  EXPECT_EQ(sweep_old_logs(dir.path(), {2016, 1, 10}, 7), 1);
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(list_dir(dir.path()), kept);
}

TEST(LoggingTest, SweepKeepDaysZeroKeepsToday) {
  TempDir dir;
  touch(dir, {"debug.log.2016-01-10", "debug.log.2016-01-09", "debug.log.2016-01-11"});
  EXPECT_EQ(sweep_old_logs(dir.path(), {2016, 1, 10}, 0), 1);
  EXPECT_EQ(list_dir(dir.path()),
            (std::vector<std::string>{"debug.log.2016-01-10", "debug.log.2016-01-11"}));
}

TEST(LoggingTest, SweepAcrossLeapYearUsesCalendarDays) {
  TempDir dir;
  // 366 days before 2017-03-01 is 2016-03-01 (2016 is a leap year).
  touch(dir, {"daily.log.2016-03-01", "daily.log.2016-02-29"});
  EXPECT_EQ(sweep_old_logs(dir.path(), {2017, 3, 1}, 365), 1);
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"daily.log.2016-03-01"});
}

TEST(LoggingTest, SweepOfMissingDirDeletesNothing) {
  TempDir dir;
  EXPECT_EQ(sweep_old_logs(dir / "missing", {2016, 1, 10}, 7), 0);
  EXPECT_FALSE(file_exists(dir / "missing"));
}

TEST(LoggingTest, SweepIsIdempotent) {
  TempDir dir;
  touch(dir, {"debug.log.2015-01-01", "debug.log"});
  EXPECT_EQ(sweep_old_logs(dir.path(), {2016, 1, 10}, 7), 1);
  EXPECT_EQ(sweep_old_logs(dir.path(), {2016, 1, 10}, 7), 0);
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"debug.log"});
}

TEST(LoggingTest, RedactMasksEveryOccurrence) {
  EXPECT_EQ(redact("login ferry:hunter2 failed; hunter2 again", {"hunter2"}),
            "login ferry:******** failed; ******** again");
  EXPECT_EQ(redact("a=s3cret b=tok123", {"s3cret", "tok123"}), "a=******** b=********");
  EXPECT_EQ(redact("hunter2hunter2", {"hunter2"}), "****************");
  EXPECT_EQ(redact("nothing here", {"hunter2"}), "nothing here");
}

TEST(LoggingTest, RedactIgnoresSecretsShorterThanThree) {
  EXPECT_EQ(redact("a b ab abc", {"", "a", "ab"}), "a b ab abc");
  EXPECT_EQ(redact("a b ab abc", {"abc"}), "a b ab ********");
}

TEST(LoggingTest, RedactSecretThatLooksLikeTheMask) {
  EXPECT_EQ(redact("x *** y", {"***"}), "x ******** y");
}

}  // namespace
}  // namespace ferry::log
