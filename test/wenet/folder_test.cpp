// The report folder: files appear under <output_dir>/<name>/ only all together, replacing an
// earlier folder only when the new one is complete; a crash at any durable step leaves either
// the earlier folder or the new one (after the next run's clean-up), never a mix.
#include <gtest/gtest.h>

#include "ferry/base/error.h"
#include "ferry/io/env.h"
#include "ferry/wenet/folder.h"
#include "support/crash_walk.h"
#include "support/process.h"

namespace ferry::wenet {
namespace {

using ferry::testing::list_dir;
using ferry::testing::read_tree;
using ferry::testing::TempDir;
using ferry::testing::write_file;

void write_report(io::Env& env, const std::string& out, const std::string& tag) {
  ReportFolder folder(env, out, "app_2021-07-30_2021-07-31");
  folder.open("analytics.csv") << "app id," << tag << "\r\n";
  auto& big = folder.open("messages.json");
  big << "[\n";
  for (int i = 0; i < 6000; ++i) big << "  {\"n\": " << i << "},\n";
  big << "  \"" << tag << "\"\n]\n";
  folder.close("analytics.csv");
  folder.close("messages.json");
  folder.commit();
}

TEST(WenetFolder, FilesAppearTogetherAtCommit) {
  TempDir dir;
  const std::string out = dir / "out";
  {
    ReportFolder folder(io::Env::posix(), out, "a_1_2");
    folder.open("x.csv") << "1\r\n";
    folder.close("x.csv");
    EXPECT_EQ(list_dir(out), (std::vector<std::string>{".tmp-a_1_2"}));
    EXPECT_EQ(folder.commit(), out + "/a_1_2");
    EXPECT_EQ(folder.files(), (std::vector<std::string>{"x.csv"}));
  }
  EXPECT_EQ(list_dir(out), (std::vector<std::string>{"a_1_2"}));
  EXPECT_EQ(ferry::testing::read_file(out + "/a_1_2/x.csv"), "1\r\n");
}

TEST(WenetFolder, AFailureLeavesTheEarlierFolderUntouched) {
  TempDir dir;
  const std::string out = dir / "out";
  write_report(io::Env::posix(), out, "old");
  auto before = read_tree(out);
  {
    ReportFolder folder(io::Env::posix(), out, "app_2021-07-30_2021-07-31");
    folder.open("analytics.csv") << "app id,new\r\n";
    // the run fails here: no commit
  }
  EXPECT_EQ(read_tree(out), before);
  EXPECT_EQ(list_dir(out), (std::vector<std::string>{"app_2021-07-30_2021-07-31"}));
  write_report(io::Env::posix(), out, "new");
  EXPECT_NE(read_tree(out), before);
  EXPECT_EQ(list_dir(out), (std::vector<std::string>{"app_2021-07-30_2021-07-31"}));
}

TEST(WenetFolder, CommitWithAFileStillOpenIsRefused) {
  TempDir dir;
  ReportFolder folder(io::Env::posix(), dir / "out", "n");
  folder.open("a.csv") << "x";
  EXPECT_THROW(folder.commit(), OperationError);
}

TEST(WenetFolder, LeftoversOfADeadRunAreTidied) {
  TempDir dir;
  const std::string out = dir / "out";
  io::Env::posix().make_dirs(out + "/.tmp-a_1_2");
  write_file(out + "/.tmp-a_1_2/x.csv", "half");
  io::Env::posix().make_dirs(out + "/.old-b_1_2");  // died between the two renames
  write_file(out + "/.old-b_1_2/x.csv", "b");
  io::Env::posix().make_dirs(out + "/.old-c_1_2");  // died before removing the old one
  io::Env::posix().make_dirs(out + "/c_1_2");
  clean_leftovers(io::Env::posix(), out);
  EXPECT_EQ(list_dir(out), (std::vector<std::string>{"b_1_2", "c_1_2"}));
  EXPECT_EQ(ferry::testing::read_file(out + "/b_1_2/x.csv"), "b");
  clean_leftovers(io::Env::posix(), dir / "missing");
}

void crash_walk_replace(io::UnsyncedNames names) {
  ferry::testing::crash_walk("wenet report folder", names, [](io::FaultInjectingEnv& env) {
    TempDir dir;
    const std::string out = dir / "out";
    write_report(io::Env::posix(), out, "old");
    auto old_tree = read_tree(out);
    try {
      write_report(env, out, "new");
    } catch (const io::SimulatedCrash&) {
    }
    clean_leftovers(io::Env::posix(), out);  // the next run starts so
    auto tree = read_tree(out);
    TempDir ref;
    write_report(io::Env::posix(), ref / "out", "new");
    EXPECT_TRUE(tree == old_tree || tree == read_tree(ref / "out"));
    EXPECT_EQ(list_dir(out), (std::vector<std::string>{"app_2021-07-30_2021-07-31"}));
  });
}

TEST(WenetFolder, CrashWalkLeavesTheOldOrTheNewFolder) {
  crash_walk_replace(io::UnsyncedNames::kUndone);
  crash_walk_replace(io::UnsyncedNames::kKept);
}

}  // namespace
}  // namespace ferry::wenet
