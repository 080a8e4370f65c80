// The daily CSV rules: header from the first row, a key-set change or a new day starts a new
// file, bytes written after the last commit are cut on resume, files we do not own are never
// touched.
#include "ferry/mindtrails/table_csv.h"

#include <gtest/gtest.h>

#include "ferry/io/files.h"
#include "support/process.h"

namespace ferry::mindtrails {
namespace {

using ferry::testing::file_exists;
using ferry::testing::read_file;
using ferry::testing::TempDir;
using ferry::testing::write_file;

Row row(int64_t id, std::vector<std::pair<std::string, std::string>> kv) {
  Row r;
  r.id = id;
  r.fields.push_back({"id", Cell{CellKind::kNumber, std::to_string(id)}});
  for (auto& [k, v] : kv) r.fields.push_back({k, Cell{CellKind::kString, v}});
  return r;
}

class MindTrailsTableCsv : public ::testing::Test {
 protected:
  std::string dir() const { return tmp_ / "active_data"; }
  std::string file(const std::string& name) const { return dir() + "/" + name; }
  TempDir tmp_;
  io::Env& env_ = io::Env::posix();
};

TEST_F(MindTrailsTableCsv, FirstRowSetsTheHeaderAndLaterRowsAppend) {
  TableCsv csv(env_, dir(), "SUDS", "Feb_01_2016", std::nullopt);
  EXPECT_EQ(csv.restore(), "");
  Row a = row(1, {{"b", "x"}, {"a", "y"}});
  CsvFile t = csv.target_for(a.sorted_keys());
  EXPECT_EQ(t.path, file("SUDS_Feb_01_2016.csv"));
  EXPECT_TRUE(csv.is_new(t));
  CsvFile w = csv.append(t, {&a});
  EXPECT_EQ(read_file(w.path), "a,b,id\r\ny,x,1\r\n");
  EXPECT_EQ(w.size, read_file(w.path).size());

  // A later run of the same day: same file, no second header.
  TableCsv again(env_, dir(), "SUDS", "Feb_01_2016", w);
  Row b = row(2, {{"a", "p"}, {"b", "q"}});
  CsvFile t2 = again.target_for(b.sorted_keys());
  EXPECT_FALSE(again.is_new(t2));
  again.append(t2, {&b});
  EXPECT_EQ(read_file(w.path), "a,b,id\r\ny,x,1\r\np,q,2\r\n");
}

TEST_F(MindTrailsTableCsv, KeySetChangeStartsTheNextPart) {
  TableCsv csv(env_, dir(), "SUDS", "Feb_01_2016", std::nullopt);
  Row a = row(1, {{"a", "y"}});
  CsvFile w = csv.append(csv.target_for(a.sorted_keys()), {&a});
  Row b = row(2, {{"a", "y"}, {"extra", "z"}});
  CsvFile t = csv.target_for(b.sorted_keys());
  EXPECT_EQ(t.path, file("SUDS_Feb_01_2016.2.csv"));
  EXPECT_TRUE(csv.is_new(t));
  csv.append(t, {&b});
  Row c = row(3, {{"a", "y"}});  // back to the first key set: a third part, never shifting
  CsvFile t3 = csv.target_for(c.sorted_keys());
  EXPECT_EQ(t3.path, file("SUDS_Feb_01_2016.3.csv"));
  EXPECT_EQ(read_file(file("SUDS_Feb_01_2016.2.csv")), "a,extra,id\r\ny,z,2\r\n");
  EXPECT_EQ(read_file(w.path), "a,id\r\ny,1\r\n");
}

TEST_F(MindTrailsTableCsv, NewDayStartsANewFileAndSkipsFilesItDoesNotOwn) {
  Row a = row(1, {{"a", "y"}});
  TableCsv day1(env_, dir(), "SUDS", "Feb_01_2016", std::nullopt);
  CsvFile w = day1.append(day1.target_for(a.sorted_keys()), {&a});
  write_file(file("SUDS_Feb_02_2016.csv"), "someone else's file\r\n");
  TableCsv day2(env_, dir(), "SUDS", "Feb_02_2016", w);
  CsvFile t = day2.target_for(a.sorted_keys());
  EXPECT_EQ(t.path, file("SUDS_Feb_02_2016.2.csv"));
  EXPECT_EQ(read_file(file("SUDS_Feb_02_2016.csv")), "someone else's file\r\n");
}

TEST_F(MindTrailsTableCsv, ResumeCutsRowsWrittenAfterTheLastCommit) {
  Row a = row(1, {{"a", "y"}});
  TableCsv csv(env_, dir(), "SUDS", "Feb_01_2016", std::nullopt);
  CsvFile committed = csv.append(csv.target_for(a.sorted_keys()), {&a});
  // A run appended a row and died before committing.
  io::AppendFile f(committed.path);
  f.append("z,2\r\n");
  TableCsv resumed(env_, dir(), "SUDS", "Feb_01_2016", committed);
  EXPECT_NE(resumed.restore().find("cut 5 bytes"), std::string::npos);
  EXPECT_EQ(read_file(committed.path), "a,id\r\ny,1\r\n");
  Row b = row(2, {{"a", "z"}});
  resumed.append(resumed.target_for(b.sorted_keys()), {&b});
  EXPECT_EQ(read_file(committed.path), "a,id\r\ny,1\r\nz,2\r\n");
}

TEST_F(MindTrailsTableCsv, ResumeOfAFileRecordedButNeverCommitted) {
  // Recorded with size 0 before writing; the run died after writing header and rows.
  CsvFile recorded{file("SUDS_Feb_01_2016.2.csv"), 0, {"a", "id"}};
  write_file(recorded.path, "a,id\r\ny,1\r\n");
  TableCsv resumed(env_, dir(), "SUDS", "Feb_01_2016", recorded);
  EXPECT_NE(resumed.restore(), "");
  EXPECT_EQ(read_file(recorded.path), "");
  Row a = row(1, {{"a", "y"}, {"b", "w"}});  // another key set may take the empty file
  CsvFile t = resumed.target_for(a.sorted_keys());
  EXPECT_EQ(t.path, recorded.path);
  resumed.append(t, {&a});
  EXPECT_EQ(read_file(recorded.path), "a,b,id\r\ny,w,1\r\n");

  // The same, found on a later day: the empty file is removed.
  CsvFile old{file("SUDS_Jan_31_2016.csv"), 0, {"a", "id"}};
  write_file(old.path, "a,id\r\n");
  TableCsv later(env_, dir(), "SUDS", "Feb_01_2016", old);
  EXPECT_NE(later.restore().find("removed"), std::string::npos);
  EXPECT_FALSE(file_exists(old.path));
}

TEST_F(MindTrailsTableCsv, MissingOrShorterFileStartsANewPart) {
  Row a = row(1, {{"a", "y"}});
  TableCsv csv(env_, dir(), "SUDS", "Feb_01_2016", std::nullopt);
  CsvFile w = csv.append(csv.target_for(a.sorted_keys()), {&a});
  write_file(w.path, "a,id\r\n");  // edited by hand: shorter than recorded
  TableCsv resumed(env_, dir(), "SUDS", "Feb_01_2016", w);
  EXPECT_NE(resumed.restore().find("shorter"), std::string::npos);
  EXPECT_EQ(resumed.target_for(a.sorted_keys()).path, file("SUDS_Feb_01_2016.2.csv"));
  EXPECT_EQ(read_file(w.path), "a,id\r\n");
}

}  // namespace
}  // namespace ferry::mindtrails
