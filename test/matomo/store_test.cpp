// The matomo tables: listed objects once per key and ETag, checkpoints, the hits that may have
// been sent twice after a crash, day records and statistics.
#include "ferry/matomo/store.h"

#include <gtest/gtest.h>

#include "ferry/matomo/stats.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::matomo {
namespace {

TimePoint at(const char* iso) {
  return *parse_iso8601(iso);
}

class MatomoStoreTest : public ::testing::Test {
 protected:
  ferry::testing::TempDir dir_;
  ferry::testing::TestStore state_{dir_ / "state", {{"matomo", migrations()}}};
  MatomoStore store_{state_};
  TimePoint now_ = at("2015-03-06T02:00:00Z");
};

TEST_F(MatomoStoreTest, ListedObjectsAreKeptOncePerKeyAndEtag) {
  EXPECT_EQ(
      store_.add_listed("s", "2015-03-05", {{"k/a", "e1", "t", 10}, {"k/b", "e2", "t", 20}}, now_),
      2);
  EXPECT_EQ(
      store_.add_listed("s", "2015-03-05", {{"k/a", "e1", "t", 10}, {"k/a", "e3", "t", 11}}, now_),
      1);  // the same key with a new ETag is a new object
  auto objects = store_.objects("s", "2015-03-05");
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0].key, "k/a");
  EXPECT_EQ(objects[0].seq, 0);
  EXPECT_EQ(objects[1].key, "k/b");
  EXPECT_EQ(objects[2].etag, "e3");
  EXPECT_EQ(objects[2].seq, 2);
  EXPECT_EQ(objects[2].status, kPending);
  EXPECT_TRUE(store_.objects("other", "2015-03-05").empty());
}

TEST_F(MatomoStoreTest, InFlightHitsAtACrashCountAsMaybeTwice) {
  store_.add_listed("s", "d", {{"k", "e", "t", 10}}, now_);
  ObjectRecord o = store_.start(store_.objects("s", "d")[0], 7, now_);
  EXPECT_EQ(o.status, kImporting);
  EXPECT_EQ(o.job_id, 7);
  store_.progress(o, {100, 80, 79, 1, 400}, now_);
  store_.progress(o, {200, 200, 200, 0, 400}, now_);
  o = *store_.find("s", "k", "e");
  EXPECT_EQ(o.confirmed_line, 200);
  EXPECT_EQ(o.hits_confirmed, 280);
  EXPECT_EQ(o.tracked, 279);
  EXPECT_EQ(o.matomo_invalid, 1);
  EXPECT_EQ(o.in_flight, 400);
  o = store_.start(o, 8, now_);  // the import died with 400 hits in flight
  EXPECT_EQ(o.maybe_twice, 400);
  EXPECT_EQ(o.in_flight, 0);
  EXPECT_EQ(o.confirmed_line, 200);
  store_.finish(o, {500, 450, 30, 20, 2}, true, now_);
  o = *store_.find("s", "k", "e");
  EXPECT_EQ(o.status, kImported);
  EXPECT_EQ(o.lines, 500);
  EXPECT_EQ(o.confirmed_line, 500);
  EXPECT_EQ(o.members, 2);
  DayRecord d = store_.day("s", "d");
  EXPECT_EQ(d.archive_status, kArchivePending);
  EXPECT_EQ(d.command_status, "pending");
}

TEST_F(MatomoStoreTest, ArchiveAndCommandRecords) {
  EXPECT_EQ(store_.day("s", "d").archive_status, kArchiveNone);
  EXPECT_EQ(store_.archive_failed("s", "d", "HTTP 503", now_), 1);
  EXPECT_EQ(store_.archive_failed("s", "d", "HTTP 503", now_), 2);
  store_.archive_uploaded("s", "d", "2015/March/05/s-March-05-2015.log.zip", 123, 4, now_);
  DayRecord d = store_.day("s", "d");
  EXPECT_EQ(d.archive_status, kArchiveUploaded);
  EXPECT_EQ(d.archive_failures, 0);
  EXPECT_EQ(d.archive_members, 4);
  EXPECT_EQ(d.archived_at, "2015-03-06T02:00:00Z");
  store_.command_done("s", "d", false, "exit 3", now_);
  EXPECT_EQ(store_.day("s", "d").command_status, "failed");
  EXPECT_EQ(store_.day("s", "d").command_note, "exit 3");
}

TEST_F(MatomoStoreTest, StatsPerSiteAndDayFromImportedObjects) {
  store_.add_listed("a", "2015-03-05", {{"1", "e", "t", 100}, {"2", "e", "t", 51}}, now_);
  store_.add_listed("b", "2015-03-05", {{"3", "e", "t", 7}}, now_);
  store_.add_listed("a", "2015-03-06", {{"4", "e", "t", 9}}, now_);
  for (auto* key : {"1", "2"}) {
    auto o = store_.start(*store_.find("a", key, "e"), 1, now_);
    store_.progress(o, {10, 8, 8, 0, 0}, now_);
    store_.finish(o, {10, 8, 1, 1, 1}, false, now_);
  }
  auto b = store_.start(*store_.find("b", "3", "e"), 1, now_);
  store_.finish(b, {3, 3, 0, 0, 1}, false, now_);
  auto rows = store_.stats("", "", "");
  ASSERT_EQ(rows.size(), 2u);  // 2015-03-06 has nothing imported yet
  EXPECT_EQ(rows[0].site, "a");
  EXPECT_EQ(rows[0].files, 2);
  EXPECT_EQ(rows[0].bytes, 151);
  EXPECT_EQ(rows[0].avg_bytes(), 75);
  EXPECT_EQ(rows[0].lines, 20);
  EXPECT_EQ(rows[0].hits_sent, 16);
  EXPECT_EQ(rows[0].hits_confirmed, 16);
  EXPECT_EQ(rows[0].invalid_lines, 2);
  EXPECT_EQ(rows[1].site, "b");
  EXPECT_EQ(store_.stats("b", "", "").size(), 1u);
  EXPECT_EQ(store_.stats("", "2015-03-06", "2015-03-07").size(), 0u);
  EXPECT_EQ(format_stats_csv(store_.stats("b", "2015-03-05", "2015-03-05")),
            "\"site\",\"date\",\"files\",\"bytes\",\"avg_bytes_per_file\",\"lines\","
            "\"hits_sent\",\"hits_confirmed\",\"invalid_lines\",\"skipped_lines\","
            "\"maybe_sent_twice\"\n"
            "\"b\",\"2015-03-05\",\"1\",\"7\",\"7\",\"3\",\"3\",\"0\",\"0\",\"0\",\"0\"\n");
  EXPECT_NE(format_stats_table(rows).find("a     2015-03-05"), std::string::npos)
      << format_stats_table(rows);
  EXPECT_EQ(format_stats_table({}), "no imported objects\n");
}

TEST_F(MatomoStoreTest, MigratesOnceAsItsOwnComponent) {
  EXPECT_EQ(state_.component_version("matomo"), 1);
  ferry::testing::TestStore again(dir_ / "state", {{"matomo", migrations()}});
  EXPECT_EQ(again.component_version("matomo"), 1);
}

}  // namespace
}  // namespace ferry::matomo
