// The real Env, the checkpointed append file and the stale-temp sweep.
#include "ferry/io/env.h"

#include <gtest/gtest.h>

#include <functional>

#include "ferry/base/error.h"
#include "ferry/io/files.h"
#include "support/process.h"

namespace ferry::io {
namespace {

using ferry::testing::file_exists;
using ferry::testing::list_dir;
using ferry::testing::TempDir;
using ferry::testing::write_file;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(PosixEnv, WritesAppendsSyncsAndTruncates) {
  TempDir dir;
  Env& env = Env::posix();
  {
    auto f = env.new_file(dir / "a.csv");
    f->append("abc");
    f->sync();
    EXPECT_EQ(f->size(), 3u);
    EXPECT_EQ(f->path(), dir / "a.csv");
  }
  {
    auto f = env.open_append(dir / "a.csv");
    EXPECT_EQ(f->size(), 3u);
    f->append("defg");
    f->truncate(5);
    f->append("X");
    f->sync();
    EXPECT_THROW(f->truncate(7), OperationError);
  }
  EXPECT_EQ(env.read_file(dir / "a.csv"), "abcdeX");
  EXPECT_EQ(env.file_size(dir / "a.csv"), 6);
  EXPECT_EQ(env.new_file(dir / "a.csv")->size(), 0u);  // emptied
  EXPECT_EQ(env.file_size(dir / "a.csv"), 0);
}

TEST(PosixEnv, RenamesRemovesAndLists) {
  TempDir dir;
  Env& env = Env::posix();
  env.make_dirs(dir / "x/y");
  env.make_dirs(dir / "x/y");
  write_file(dir / "x/y/b", "2");
  write_file(dir / "x/y/a", "1");
  EXPECT_EQ(env.list_dir(dir / "x/y"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(env.list_dir(dir / "missing").empty());
  env.rename(dir / "x/y/a", dir / "x/y/b");
  EXPECT_EQ(env.read_file(dir / "x/y/b"), "1");
  env.sync_dir(dir / "x/y");
  EXPECT_TRUE(env.remove(dir / "x/y/b"));
  EXPECT_FALSE(env.remove(dir / "x/y/b"));
  EXPECT_EQ(env.file_size(dir / "x/y/b"), -1);
  EXPECT_EQ(parent_dir(dir / "x/y/b"), dir / "x/y");
  EXPECT_EQ(parent_dir("b"), ".");
}

TEST(PosixEnv, ErrorsNameThePathAndTheSystemError) {
  TempDir dir;
  Env& env = Env::posix();
  write_file(dir / "file", "x");
  auto expect_error = [](const std::function<void()>& fn, const std::string& path) {
    try {
      fn();
      ADD_FAILURE() << "no error for " << path;
    } catch (const OperationError& e) {
      EXPECT_TRUE(contains(e.what(), path)) << e.what();
      EXPECT_FALSE(e.is_transient());
    }
  };
  expect_error([&] { env.new_file(dir / "file/sub"); }, dir / "file/sub");
  expect_error([&] { env.open_append(dir / "no/such"); }, dir / "no/such");
  expect_error([&] { env.rename(dir / "missing", dir / "to"); }, dir / "to");
  expect_error([&] { env.sync_dir(dir / "missing"); }, dir / "missing");
  expect_error([&] { env.read_file(dir / "missing"); }, dir / "missing");
  expect_error([&] { env.list_dir(dir / "file"); }, dir / "file");
  expect_error([&] { env.make_dirs(dir / "file/sub"); }, dir / "file/sub");
  try {
    env.read_file(dir / "missing");
  } catch (const OperationError& e) {
    EXPECT_TRUE(contains(e.what(), "No such file")) << e.what();
  }
}

TEST(CheckpointedAppendFile, CutsWhatWasWrittenAfterTheLastCommit) {
  TempDir dir;
  std::string path = dir / "part/job.csv";
  uint64_t committed = 0;
  {
    CheckpointedAppendFile f(path, 0);
    EXPECT_FALSE(f.short_of_committed());
    f.append("header\r\n");
    committed = f.sync();
    f.append("row the state never recorded\r\n");
  }
  CheckpointedAppendFile f(path, committed);
  EXPECT_EQ(f.cut_bytes(), 30u);
  EXPECT_EQ(f.size(), committed);
  EXPECT_EQ(read_file(path), "header\r\n");
  f.append("1\r\n");
  EXPECT_EQ(f.sync(), 11u);
  EXPECT_EQ(read_file(path), "header\r\n1\r\n");
}

TEST(CheckpointedAppendFile, AShorterFileIsReportedNotTouched) {
  TempDir dir;
  write_file(dir / "t.csv", "abc");
  CheckpointedAppendFile f(dir / "t.csv", 10);
  EXPECT_TRUE(f.short_of_committed());
  EXPECT_EQ(f.cut_bytes(), 0u);
  EXPECT_EQ(read_file(dir / "t.csv"), "abc");
  f.restart();
  EXPECT_FALSE(f.short_of_committed());
  f.append("new");
  EXPECT_EQ(f.sync(), 3u);
  EXPECT_EQ(read_file(dir / "t.csv"), "new");
}

TEST(StaleTemps, OnlyAtomicFileTempsAreRemoved) {
  EXPECT_TRUE(is_temp_name(".report.csv.tmp.123.0"));
  EXPECT_TRUE(is_temp_name(".x.tmp.1.22"));
  EXPECT_FALSE(is_temp_name("report.csv.tmp.123.0"));
  EXPECT_FALSE(is_temp_name(".tmp.123.0"));
  EXPECT_FALSE(is_temp_name(".report.csv.tmp.12a.0"));
  EXPECT_FALSE(is_temp_name(".report.csv.tmp.123."));
  EXPECT_FALSE(is_temp_name(".report.csv.ferry-AbC123"));
  EXPECT_FALSE(is_temp_name(".partial"));

  TempDir dir;
  for (const char* name :
       {".ClickReport_1.csv.tmp.99.0", ".other.json.tmp.99.1", "kept.csv", ".hidden", "x.tmp.1.2"})
    write_file(dir / name, "x");
  auto removed = remove_stale_temps(Env::posix(), dir.path(), "ClickReport_");
  EXPECT_EQ(removed, std::vector<std::string>{dir / ".ClickReport_1.csv.tmp.99.0"});
  removed = remove_stale_temps(Env::posix(), dir.path());
  EXPECT_EQ(removed, std::vector<std::string>{dir / ".other.json.tmp.99.1"});
  EXPECT_EQ(list_dir(dir.path()), (std::vector<std::string>{".hidden", "kept.csv", "x.tmp.1.2"}));
  EXPECT_TRUE(remove_stale_temps(Env::posix(), dir / "missing").empty());
}

TEST(StaleTemps, AnAtomicFileOfAKilledProcessIsSweptByItsName) {
  TempDir dir;
  std::string temp;
  {
    AtomicFile f(dir / "report.csv");
    f.write("half");
    temp = f.temp_path();
    EXPECT_TRUE(is_temp_name(temp.substr(temp.rfind('/') + 1))) << temp;
    auto removed = remove_stale_temps(Env::posix(), dir.path(), "report");
    EXPECT_EQ(removed, std::vector<std::string>{temp});  // as the next run would find it
  }
  EXPECT_FALSE(file_exists(temp));
}

}  // namespace
}  // namespace ferry::io
