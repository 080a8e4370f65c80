// FaultInjectingEnv itself: which operations are durable steps, what a crash keeps and drops,
// and that nothing goes on after it.
#include "support/fault_env.h"

#include <gtest/gtest.h>

#include "ferry/base/error.h"
#include "ferry/io/files.h"
#include "support/process.h"

namespace ferry::io {
namespace {

using ferry::testing::file_exists;
using ferry::testing::list_dir;
using ferry::testing::read_file;
using ferry::testing::TempDir;
using ferry::testing::write_file;

// Runs `fn` and returns whether it crashed.
template <typename Fn>
bool crashes(Fn fn) {
  try {
    fn();
  } catch (const SimulatedCrash&) {
    return true;
  }
  return false;
}

TEST(FaultInjectingEnv, CountsFileSyncsRenamesAndDirectorySyncs) {
  TempDir dir;
  FaultInjectingEnv env(Env::posix());
  write_file_atomic(dir / "a", "x", env);  // fsync, rename, fsync of the directory
  EXPECT_EQ(env.steps(), 3);
  AppendFile f(dir / "b", env);
  f.append("y");
  f.sync();  // the file, then its directory the first time
  f.sync();
  EXPECT_EQ(env.steps(), 6);
  env.remove(dir / "b");
  env.make_dirs(dir / "c");
  env.read_file(dir / "a");
  env.list_dir(dir.path());
  EXPECT_EQ(env.steps(), 6);
  EXPECT_FALSE(env.crashed());
}

TEST(FaultInjectingEnv, ACrashAtTheFileSyncDropsTheNewFile) {
  TempDir dir;
  FaultInjectingEnv env(Env::posix());
  env.arm(1);
  EXPECT_TRUE(crashes([&] { write_file_atomic(dir / "out.csv", "data", env); }));
  EXPECT_TRUE(env.crashed());
  EXPECT_EQ(env.steps(), 0);
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(FaultInjectingEnv, ACrashAtTheRenameLeavesTheSyncedTempWhenNamesAreKept) {
  TempDir dir;
  FaultInjectingEnv env(Env::posix(), UnsyncedNames::kKept);
  env.arm(2);
  EXPECT_TRUE(crashes([&] { write_file_atomic(dir / "out.csv", "data", env); }));
  auto names = list_dir(dir.path());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_TRUE(is_temp_name(names[0])) << names[0];
  EXPECT_EQ(read_file(dir / names[0]), "data");
}

TEST(FaultInjectingEnv, ACrashBeforeTheDirectorySyncUndoesTheRename) {
  TempDir dir;
  FaultInjectingEnv undone(Env::posix());
  undone.arm(3);
  EXPECT_TRUE(crashes([&] { write_file_atomic(dir / "out.csv", "data", undone); }));
  EXPECT_TRUE(list_dir(dir.path()).empty());

  FaultInjectingEnv kept(Env::posix(), UnsyncedNames::kKept);
  kept.arm(3);
  EXPECT_TRUE(crashes([&] { write_file_atomic(dir / "out.csv", "data", kept); }));
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"out.csv"});
  EXPECT_EQ(read_file(dir / "out.csv"), "data");
}

TEST(FaultInjectingEnv, AFileRenamedOutOfADurableNameGoesBack) {
  TempDir dir;
  write_file(dir / "part/job.csv", "all rows");
  ferry::testing::write_file(dir / "out/.keep", "");
  FaultInjectingEnv env(Env::posix());
  env.rename(dir / "part/job.csv", dir / "out/report.csv");
  env.arm(1);
  EXPECT_TRUE(crashes([&] { env.sync_dir(dir / "out"); }));
  EXPECT_EQ(read_file(dir / "part/job.csv"), "all rows");
  EXPECT_FALSE(file_exists(dir / "out/report.csv"));
}

TEST(FaultInjectingEnv, ACrashRightAfterAStepKeepsWhatItMadeDurable) {
  TempDir dir;
  FaultInjectingEnv env(Env::posix());
  auto f = env.new_file(dir / "a");
  env.sync_dir(dir.path());
  f->append("synced");
  env.arm(1, CrashTiming::kAfter);
  EXPECT_TRUE(crashes([&] { f->sync(); }));
  EXPECT_EQ(env.steps(), 1);
  EXPECT_EQ(read_file(dir / "a"), "synced");

  FaultInjectingEnv kept(Env::posix(), UnsyncedNames::kKept);
  kept.arm(2, CrashTiming::kAfter);
  EXPECT_TRUE(crashes([&] { write_file_atomic(dir / "b", "renamed", kept); }));
  EXPECT_EQ(read_file(dir / "b"), "renamed");
}

TEST(FaultInjectingEnv, UnsyncedAppendsAreCutBackToTheLastSync) {
  TempDir dir;
  write_file(dir / "daily.csv", "old\n");  // on disk before: durable
  FaultInjectingEnv env(Env::posix());
  auto f = env.open_append(dir / "daily.csv");
  f->append("synced\n");
  f->sync();
  f->append("lost\n");
  env.arm(1);
  EXPECT_TRUE(crashes([&] { f->sync(); }));
  EXPECT_EQ(read_file(dir / "daily.csv"), "old\nsynced\n");
}

TEST(FaultInjectingEnv, ATruncationIsDurableAtOnce) {
  TempDir dir;
  write_file(dir / "t.csv", "abcdef");
  FaultInjectingEnv env(Env::posix());
  auto f = env.open_append(dir / "t.csv");
  f->truncate(3);
  f->append("XY");
  env.arm(1);
  EXPECT_TRUE(crashes([&] { env.sync_dir(dir.path()); }));
  EXPECT_EQ(read_file(dir / "t.csv"), "abc");
}

TEST(FaultInjectingEnv, ReplacingAnExistingNameIsDurable) {
  TempDir dir;
  write_file(dir / "r.csv", "old");
  FaultInjectingEnv env(Env::posix());
  env.arm(3);
  EXPECT_TRUE(crashes([&] { write_file_atomic(dir / "r.csv", "new", env); }));
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"r.csv"});
  EXPECT_EQ(read_file(dir / "r.csv"), "new");
}

TEST(FaultInjectingEnv, NothingGoesOnAfterTheCrashUntilReset) {
  TempDir dir;
  FaultInjectingEnv env(Env::posix());
  auto f = env.new_file(dir / "a");
  env.arm(1);
  EXPECT_TRUE(crashes([&] { env.sync_dir(dir.path()); }));
  EXPECT_FALSE(file_exists(dir / "a"));
  EXPECT_TRUE(crashes([&] { f->append("x"); }));
  EXPECT_TRUE(crashes([&] { env.file_size(dir / "a"); }));
  EXPECT_TRUE(crashes([&] { env.read_file(dir / "a"); }));
  EXPECT_TRUE(crashes([&] { env.make_dirs(dir / "b"); }));
  EXPECT_TRUE(crashes([&] { AtomicFile g(dir / "c", env); }));
  env.reset();
  EXPECT_FALSE(env.crashed());
  write_file_atomic(dir / "c", "after", env);
  EXPECT_EQ(read_file(dir / "c"), "after");
  EXPECT_EQ(env.steps(), 3);
}

TEST(FaultInjectingEnv, FailuresOfTheRealFileSystemStayOperationErrors) {
  TempDir dir;
  FaultInjectingEnv env(Env::posix());
  EXPECT_THROW(env.read_file(dir / "missing"), OperationError);
  EXPECT_THROW(env.rename(dir / "missing", dir / "b"), OperationError);
  EXPECT_FALSE(env.crashed());
}

}  // namespace
}  // namespace ferry::io
