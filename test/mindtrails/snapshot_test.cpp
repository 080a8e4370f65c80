// Tables whose rows have no integer id (ParticipantExportDAO): exported as a snapshot of the
// whole reply, replaced only when the reply changed, raw backup first, nothing deleted.
#include <gtest/gtest.h>

#include <filesystem>

#include "ferry/io/files.h"
#include "mindtrails/export_fixture.h"
#include "support/crash_walk.h"

namespace ferry::mindtrails::testing {
namespace {

using ferry::testing::file_exists;
using ferry::testing::read_file;
using ferry::testing::read_tree;
using nlohmann::json;

class MindTrailsSnapshot : public ExportFixture {
 protected:
  // A ParticipantExportDAO row (no `id`), listed deleteable when `deleteable`.
  void participant(int id, const std::string& theme, bool deleteable = false) {
    server_.table("ParticipantExportDAO", deleteable)
        .rows.push_back({{"participantId", id},
                         {"theme", theme},
                         {"active", true},
                         {"emailRSA", TestKeys::get().encrypt("p" + std::to_string(id))}});
  }
  std::string state() {
    return sql(
        "SELECT csv_path || '|' || csv_size || '|' || sha256 || '|' || rows || '|' || updated_at "
        "FROM mindtrails_snapshots WHERE name = 'ParticipantExportDAO'");
  }
  size_t raw_files() { return read_tree(settings_.raw_dir()).size(); }
};

TEST_F(MindTrailsSnapshot, WrittenWholeAndDecryptedWithoutDeletesOrLeftovers) {
  participant(101, "Social");
  participant(102, "Health");
  server_.add("SUDS", 11, 101);
  EXPECT_TRUE(pass().empty());

  EXPECT_EQ(csv("ParticipantExportDAO"),
            "active,emailRSA,participantId,theme\r\n"
            "true,p101,101,Social\r\n"
            "true,p102,102,Health\r\n");
  EXPECT_EQ(raw_files(), 2u);  // SUDS and the snapshot's reply
  EXPECT_EQ(sql("SELECT count(*) FROM marks WHERE stream = 'ParticipantExportDAO'"), "0");
  EXPECT_EQ(sql("SELECT count(*) FROM mindtrails_deletes WHERE name = 'ParticipantExportDAO'"),
            "0");
  EXPECT_EQ(sql("SELECT rows FROM mindtrails_snapshots"), "2");
  // Written at the wall clock's time, not the run's logical now.
  EXPECT_NE(state().find("|2016-02-01T21:05:11Z"), std::string::npos) << state();
  EXPECT_EQ(server_.log,
            (std::vector<std::string>{"GET list", "GET ParticipantExportDAO?greaterThan=0",
                                      "GET SUDS?greaterThan=0", "DELETE SUDS/11"}));
  EXPECT_EQ(alerts_.events.size(), 0u);
}

TEST_F(MindTrailsSnapshot, UnchangedReplyWritesNothingAChangedOneReplacesTheFile) {
  participant(101, "Social");
  EXPECT_TRUE(pass().empty());
  const std::string path = csv_path("ParticipantExportDAO");
  const auto first_time = std::filesystem::last_write_time(path);
  const std::string first = csv("ParticipantExportDAO"), recorded = state();

  later(5);
  wall_.set(*parse_iso8601("2016-02-01T21:10:30Z"));
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(csv("ParticipantExportDAO"), first);
  EXPECT_EQ(std::filesystem::last_write_time(path), first_time);
  EXPECT_EQ(state(), recorded);  // not even updated_at moved
  EXPECT_EQ(raw_files(), 1u);    // no second backup of the same reply

  participant(102, "Health");
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(csv("ParticipantExportDAO"),
            "active,emailRSA,participantId,theme\r\n"
            "true,p101,101,Social\r\n"
            "true,p102,102,Health\r\n");
  EXPECT_NE(state(), recorded);
  EXPECT_EQ(sql("SELECT rows FROM mindtrails_snapshots"), "2");
  EXPECT_EQ(raw_files(), 2u);
  for (const auto& [name, bytes] : read_tree(settings_.active_dir()))
    EXPECT_FALSE(io::is_temp_name(name)) << name;
}

TEST_F(MindTrailsSnapshot, ANewDayGetsItsOwnFileAndAMissingFileIsWrittenAgain) {
  participant(101, "Social");
  EXPECT_TRUE(pass().empty());
  std::filesystem::remove(csv_path("ParticipantExportDAO"));
  EXPECT_TRUE(pass().empty());
  EXPECT_TRUE(file_exists(csv_path("ParticipantExportDAO")));

  later(24 * 60);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(read_tree(settings_.active_dir()).size(), 2u);
  EXPECT_EQ(csv("ParticipantExportDAO"),
            "active,emailRSA,participantId,theme\r\n"
            "true,p101,101,Social\r\n");
}

TEST_F(MindTrailsSnapshot, ListedDeleteableStillNothingIsDeletedNorDigested) {
  participant(101, "Social", true);
  participant(102, "Health", true);
  settings_.delete_rows = false;  // a leftovers digest would come from here
  EXPECT_TRUE(pass().empty());
  settings_.delete_rows = true;
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(count("DELETE"), 0);
  EXPECT_EQ(alerts_.events.size(), 0u);
  EXPECT_EQ(server_.table("ParticipantExportDAO", true).rows.size(), 2u);
}

TEST_F(MindTrailsSnapshot, RowsOfDifferentKeysKeepEveryCell) {
  server_.table("ParticipantExportDAO", false).rows = {{{"participantId", 1}, {"theme", "A"}},
                                                       {{"participantId", 2}, {"study", "X"}}};
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(csv("ParticipantExportDAO"),
            "participantId,study,theme\r\n"
            "1,,A\r\n"
            "2,X,\r\n");
}

TEST_F(MindTrailsSnapshot, BackupFailureWritesNoSnapshotAndTheNextPassDoes) {
  participant(101, "Social");
  std::filesystem::create_directories(settings_.data_dir);
  ferry::testing::write_file(settings_.raw_dir(), "not a folder");
  EXPECT_EQ(pass().size(), 1u);
  EXPECT_EQ(alerts("mindtrails:prod:data_dir"), 1);  // the folder's cause, not the table's
  EXPECT_FALSE(file_exists(csv_path("ParticipantExportDAO")));
  EXPECT_EQ(sql("SELECT count(*) FROM mindtrails_snapshots"), "0");

  std::filesystem::remove(settings_.raw_dir());
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_TRUE(file_exists(csv_path("ParticipantExportDAO")));
}

TEST_F(MindTrailsSnapshot, RowsThatLoseTheirIdsNeverReplaceTheFileRowsWereAppendedTo) {
  server_.add("ParticipantExportDAO", 7, 101, false);
  EXPECT_TRUE(pass().empty());
  const std::string appended = csv("ParticipantExportDAO");
  ASSERT_NE(appended.find(",7,"), std::string::npos) << appended;

  server_.table("ParticipantExportDAO", false).rows = {{{"participantId", 101}}};
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(csv("ParticipantExportDAO"), appended);
  EXPECT_EQ(csv("ParticipantExportDAO", 2), "participantId\r\n101\r\n");
}

}  // namespace
}  // namespace ferry::mindtrails::testing
