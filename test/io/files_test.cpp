#include "ferry/io/files.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ferry/base/error.h"
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

TEST(FilesTest, AtomicFileIsInvisibleUntilCommit) {
  TempDir dir;
  std::string path = dir / "out/clicks.csv";
  {
    AtomicFile f(path);
    f.write("a,b\r\n");
    f.write("1,2\r\n");
    EXPECT_EQ(f.bytes_written(), 10u);
    EXPECT_FALSE(file_exists(path));
    EXPECT_TRUE(file_exists(f.temp_path()));
    // The temp file sits next to the final one, so the rename stays on one filesystem.
    EXPECT_EQ(f.temp_path().rfind(dir / "out/", 0), 0u) << f.temp_path();
    EXPECT_NE(f.temp_path(), path);
    f.commit();
    EXPECT_TRUE(file_exists(path));
    EXPECT_FALSE(file_exists(f.temp_path()));
  }
  EXPECT_EQ(read_file(path), "a,b\r\n1,2\r\n");
  EXPECT_EQ(list_dir(dir / "out"), std::vector<std::string>{"clicks.csv"});
}

TEST(FilesTest, AtomicFileDestroyedWithoutCommitLeavesNothing) {
  TempDir dir;
  std::string path = dir / "clicks.csv";
  std::string temp;
  {
    AtomicFile f(path);
    f.write("partial");
    temp = f.temp_path();
    EXPECT_TRUE(file_exists(temp));
  }
  EXPECT_FALSE(file_exists(temp));
  EXPECT_FALSE(file_exists(path));
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(FilesTest, AtomicFileKeepsOldContentUntilCommit) {
  TempDir dir;
  std::string path = dir / "report.csv";
  write_file(path, "old\n");
  {
    AtomicFile f(path);
    f.write("new\n");
    EXPECT_EQ(read_file(path), "old\n");
    f.commit();
  }
  EXPECT_EQ(read_file(path), "new\n");
  {
    AtomicFile f(path);
    f.write("abandoned\n");
  }
  EXPECT_EQ(read_file(path), "new\n");
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"report.csv"});
}

TEST(FilesTest, TwoAtomicFilesForOnePathUseDistinctTemps) {
  TempDir dir;
  AtomicFile a(dir / "x");
  AtomicFile b(dir / "x");
  EXPECT_NE(a.temp_path(), b.temp_path());
}

TEST(FilesTest, AtomicFileCannotBeCreatedUnderAFile) {
  TempDir dir;
  write_file(dir / "blocker", "x");
  try {
    AtomicFile f(dir / "blocker/out.csv");
    FAIL() << "created under a regular file";
  } catch (const OperationError& e) {
    EXPECT_TRUE(contains(e.what(), dir / "blocker")) << e.what();
    EXPECT_FALSE(e.is_transient());
  }
}

TEST(FilesTest, WriteFileAtomicCreatesParentsAndReplaces) {
  TempDir dir;
  std::string path = dir / "a/b/c/data.json";
  write_file_atomic(path, "{\"v\":1}");
  EXPECT_EQ(read_file(path), "{\"v\":1}");
  write_file_atomic(path, "{\"v\":2}");
  EXPECT_EQ(read_file(path), "{\"v\":2}");
  write_file_atomic(path, "");
  EXPECT_EQ(read_file(path), "");
  EXPECT_EQ(file_size(path), 0);
  EXPECT_EQ(list_dir(dir / "a/b/c"), std::vector<std::string>{"data.json"});
}

TEST(FilesTest, WriteFileAtomicKeepsBinaryBytes) {
  TempDir dir;
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += std::string(1 << 16, '\0');
  write_file_atomic(dir / "bin", bytes);
  EXPECT_EQ(read_file(dir / "bin"), bytes);
  EXPECT_EQ(file_size(dir / "bin"), static_cast<int64_t>(bytes.size()));
}

TEST(FilesTest, WriteFileAtomicOverDirectoryFailsAndLeavesNoTemp) {
  TempDir dir;
  ferry::io::make_dirs(dir / "target");
  EXPECT_THROW(write_file_atomic(dir / "target", "x"), OperationError);
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"target"});
}

TEST(FilesTest, AppendFileAppendsAndTruncates) {
  TempDir dir;
  std::string path = dir / "daily/users_2016-01-10.csv";
  {
    AppendFile f(path);
    EXPECT_EQ(f.size(), 0u);
    EXPECT_EQ(f.path(), path);
    f.append("id,name\r\n");
    f.append("1,ann\r\n");
    f.sync();
    EXPECT_EQ(f.size(), 16u);
    f.append("2,bob\r\n");
    EXPECT_EQ(f.size(), 23u);
    // A crash before the new size was recorded: cut back to the recorded size.
    f.truncate_to(16);
    EXPECT_EQ(f.size(), 16u);
    f.append("2,bob\r\n");
    f.sync();
  }
  EXPECT_EQ(read_file(path), "id,name\r\n1,ann\r\n2,bob\r\n");
}

TEST(FilesTest, AppendFileReopensAtExistingSize) {
  TempDir dir;
  std::string path = dir / "t.csv";
  write_file(path, "header\r\n");
  AppendFile f(path);
  EXPECT_EQ(f.size(), 8u);
  f.append("row\r\n");
  f.sync();
  EXPECT_EQ(read_file(path), "header\r\nrow\r\n");
  f.truncate_to(0);
  EXPECT_EQ(file_size(path), 0);
}

TEST(FilesTest, AppendFileRefusesToGrowByTruncation) {
  TempDir dir;
  AppendFile f(dir / "t.csv");
  f.append("abc");
  try {
    f.truncate_to(10);
    FAIL() << "truncated beyond the end";
  } catch (const OperationError& e) {
    EXPECT_TRUE(contains(e.what(), dir / "t.csv")) << e.what();
  }
  EXPECT_EQ(f.size(), 3u);
  EXPECT_EQ(read_file(dir / "t.csv"), "abc");
}

TEST(FilesTest, FileSizeAndReadFileOfMissingFile) {
  TempDir dir;
  EXPECT_EQ(file_size(dir / "missing"), -1);
  try {
    read_file(dir / "missing");
    FAIL() << "read a missing file";
  } catch (const OperationError& e) {
    EXPECT_TRUE(contains(e.what(), dir / "missing")) << e.what();
  }
}

TEST(FilesTest, MakeDirsIsIdempotentAndNamesTheDirOnFailure) {
  TempDir dir;
  make_dirs(dir / "x/y/z");
  make_dirs(dir / "x/y/z");
  EXPECT_TRUE(file_exists(dir / "x/y/z"));
  write_file(dir / "file", "x");
  try {
    make_dirs(dir / "file/sub");
    FAIL() << "made a dir under a file";
  } catch (const OperationError& e) {
    EXPECT_TRUE(contains(e.what(), dir / "file/sub")) << e.what();
  }
}

TEST(FilesTest, SyncDirectory) {
  TempDir dir;
  EXPECT_NO_THROW(sync_directory(dir.path()));
  EXPECT_THROW(sync_directory(dir / "missing"), OperationError);
}

}  // namespace
}  // namespace ferry::io
