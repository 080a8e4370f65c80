// Recovery from raw backups: exact table names, time order from the names (not the alphabet),
// each id once with the first file winning, decryption, the summary file, and tables without
// ids (recovered from their newest raw file).
#include "ferry/mindtrails/recover.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ferry/base/error.h"
#include "ferry/mindtrails/names.h"
#include "mindtrails/support.h"

namespace ferry::mindtrails {
namespace {

using ferry::testing::read_file;
using ferry::testing::TempDir;
using ferry::testing::write_file;
using nlohmann::json;
using testing::TestKeys;

json row(int64_t id, int participant, const std::string& session) {
  return {{"id", id},
          {"participantRSA", TestKeys::get().encrypt(std::to_string(participant))},
          {"session", session}};
}

class MindTrailsRecover : public ::testing::Test {
 protected:
  MindTrailsRecover()
      : key_(crypto::RsaPrivateKey::load_pem_file(TestKeys::get().path("key.pem"))) {
    o_.raw_dir = tmp_ / "raw_data";
    o_.out_dir = tmp_ / "recovered_data";
    o_.table = "DD";
    o_.key = &key_;
    o_.now = *parse_iso8601("2016-02-03T12:00:00Z");
  }
  void raw(const std::string& name, const json& rows) {
    write_file(o_.raw_dir + "/" + name, rows.dump());
  }

  TempDir tmp_;
  crypto::RsaPrivateKey key_;
  RecoverOptions o_;
};

TEST_F(MindTrailsRecover, FilesInTimeOrderEachIdOnceExactName) {
  // Alphabetically Feb sorts before Jan; by time January comes first.
  raw("DD_Jan_31_2016_23_00_00.json", json::array({row(1, 101, "a"), row(2, 102, "a")}));
  raw("DD_Feb_01_2016_10_00_00.json", json::array({row(2, 102, "LATER COPY"), row(3, 103, "b")}));
  raw("DD_Feb_01_2016_10_00_00.2.json", json::array({row(5, 105, "c"), row(4, 104, "c")}));
  raw("DD_FU_Jan_31_2016_22_00_00.json", json::array({row(9, 109, "not DD")}));
  raw("DD_Feb_02_2016_10_00_00.json", json::array());
  write_file(o_.raw_dir + "/.DD_Feb_02_2016_11_00_00.json.tmp.123.0", "[{\"id\":");

  auto files = raw_backups(o_.raw_dir, "DD");
  ASSERT_EQ(files.size(), 4u);
  EXPECT_NE(files[0].find("DD_Jan_31"), std::string::npos);
  EXPECT_NE(files[2].find("10_00_00.2.json"), std::string::npos);

  RecoverReport r = recover_table(o_);
  EXPECT_EQ(r.rows, 5);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(r.decrypt_failures, 0);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0], o_.out_dir + "/DD_recovered_" + file_date(o_.now) + ".csv");
  EXPECT_EQ(read_file(r.outputs[0]),
            "id,participantRSA,session\r\n1,101,a\r\n2,102,a\r\n3,103,b\r\n4,104,c\r\n5,105,c\r\n");
  std::string readme = read_file(r.readme);
  EXPECT_NE(readme.find("raw files read: 4"), std::string::npos) << readme;
  EXPECT_NE(readme.find("first file: DD_Jan_31_2016_23_00_00.json"), std::string::npos);
  EXPECT_NE(readme.find("last file: DD_Feb_02_2016_10_00_00.json"), std::string::npos);
  EXPECT_NE(readme.find("rows recovered: 5"), std::string::npos);
  EXPECT_NE(readme.find("duplicates skipped: 1"), std::string::npos);
  EXPECT_NE(readme.find("decryption failures: 0"), std::string::npos);
  EXPECT_EQ(r.readme, o_.out_dir + "/README_DD_recovered_" + file_date(o_.now) + ".txt");
}

TEST_F(MindTrailsRecover, UnreadableFilesAndFailuresAreReported) {
  raw("DD_Jan_31_2016_23_00_00.json", json::array({row(1, 101, "a")}));
  write_file(o_.raw_dir + "/DD_Feb_01_2016_10_00_00.json", "[{\"id\":2,");
  json bad = row(3, 103, "b");
  bad["participantRSA"] = "not base64!";
  raw("DD_Feb_01_2016_11_00_00.json", json::array({bad}));
  RecoverReport r = recover_table(o_);
  EXPECT_EQ(r.rows, 2);
  EXPECT_EQ(r.unreadable.size(), 1u);
  EXPECT_EQ(r.decrypt_failures, 1);
  EXPECT_NE(read_file(r.outputs[0]).find("3,not base64!,b"), std::string::npos);
  EXPECT_NE(read_file(r.readme).find("unreadable files skipped: 1"), std::string::npos);
}

TEST_F(MindTrailsRecover, NoBackupsIsAnError) {
  raw("DD_FU_Jan_31_2016_23_00_00.json", json::array({row(1, 101, "a")}));
  EXPECT_THROW(recover_table(o_), UsageError);
}

TEST_F(MindTrailsRecover, TableWithoutIdsIsRecoveredFromItsNewestRawFileAlone) {
  o_.table = "ParticipantExportDAO";
  auto participant = [](int id, const std::string& theme) {
    return json{{"participantId", id},
                {"theme", theme},
                {"emailRSA", TestKeys::get().encrypt(std::to_string(id))}};
  };
  raw("ParticipantExportDAO_Feb_01_2016_10_00_00.json", json::array({participant(1, "old")}));
  raw("ParticipantExportDAO_Feb_02_2016_10_00_00.json",
      json::array({participant(1, "Social"), participant(2, "Health")}));
  write_file(o_.raw_dir + "/ParticipantExportDAO_Feb_02_2016_11_00_00.json",
             "[{\"participantId\":");  // cut short: the newest readable file is used

  RecoverReport r = recover_table(o_);
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_NE(r.files[0].find("Feb_02_2016_10_00_00"), std::string::npos);
  EXPECT_TRUE(r.snapshot);
  EXPECT_EQ(r.rows, 2);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(read_file(r.outputs[0]),
            "emailRSA,participantId,theme\r\n"
            "1,1,Social\r\n"
            "2,2,Health\r\n");
  EXPECT_NE(read_file(r.readme).find("table without ids"), std::string::npos);
}

}  // namespace
}  // namespace ferry::mindtrails
