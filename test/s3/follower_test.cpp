#include "s3/follower.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "ferry/base/error.h"
#include "support/process.h"

namespace ferry::s3 {
namespace {

namespace t = ferry::testing;

TEST(S3FileFollower, HashesAFileWhileItIsWrittenAndRestartsWhenItShrinks) {
  t::TempDir dir;
  const std::string path = dir / "grow";
  t::write_file(path, "");
  std::string expected;
  {
    FileFollower follower(path);
    std::thread writer([&] {
      {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << std::string(3 << 20, 'x');
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::ofstream out(path, std::ios::binary | std::ios::trunc);  // the writer starts over
      for (int i = 0; i < 200; ++i) {
        std::string chunk(10007, static_cast<char>('a' + i % 26));
        out << chunk << std::flush;
        expected += chunk;
        if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
    writer.join();
    FileFollower::Result r = follower.finish();
    EXPECT_EQ(r.size, expected.size());
    EXPECT_EQ(r.md5_hex, crypto::md5_hex(expected));
  }
}

TEST(S3FileFollower, EmptyAndMissingFiles) {
  t::TempDir dir;
  t::write_file(dir / "empty", "");
  FileFollower follower(dir / "empty");
  FileFollower::Result r = follower.finish();
  EXPECT_EQ(r.size, 0u);
  EXPECT_EQ(r.md5_hex, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_THROW(FileFollower(dir / "missing"), OperationError);
}

}  // namespace
}  // namespace ferry::s3
