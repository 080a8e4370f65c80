#include "s3/received.h"

#include <gtest/gtest.h>

#include "ferry/base/error.h"
#include "support/process.h"

namespace ferry::s3 {
namespace {

namespace t = ferry::testing;

// An empty file in `dir`, for a download's bytes to go to.
std::string empty_file(const t::TempDir& dir) {
  const std::string path = dir / "f";
  t::write_file(path, "");
  return path;
}

TEST(S3Received, HashesWhatArrivesAndStartsOverOnARestart) {
  t::TempDir dir;
  Received got(empty_file(dir), "s3 GET s3://b/k");
  got.add(nullptr, 0);
  got.add("partial", 7);  // an exchange cut midway
  EXPECT_EQ(got.bytes(), 7u);
  got.add(nullptr, 0);
  // More than the 8 MiB that may wait for the hasher, in pieces of 512 KiB.
  std::string all;
  const std::string piece(512 * 1024, 'q');
  for (int i = 0; i < 40; ++i) {
    std::string p = piece;
    p[0] = static_cast<char>('a' + i % 26);
    got.add(p.data(), p.size());
    all += p;
  }
  EXPECT_EQ(got.bytes(), all.size());
  EXPECT_EQ(got.md5_hex(), crypto::md5_hex(all));
  EXPECT_NO_THROW(got.sync());
}

TEST(S3Received, PiecesAcrossBlockBoundariesAndARestartMidBlockHashAsOneStream) {
  t::TempDir dir;
  Received got(empty_file(dir), "s3 GET s3://b/k");
  got.add(nullptr, 0);
  got.add(std::string(1536 * 1024, 'x').data(), 1536 * 1024);  // half of a second block
  got.add(nullptr, 0);
  // Pieces of 1 byte, of 3 MiB + 1 (three blocks and a byte) and of odd sizes in between.
  std::string all;
  const size_t sizes[] = {1, 3 * 1024 * 1024 + 1, 7, 1024 * 1024 - 8, 1, 65536, 5 * 1024 * 1024};
  int i = 0;
  for (size_t size : sizes) {
    std::string p(size, static_cast<char>('a' + i++));
    got.add(p.data(), p.size());
    all += p;
  }
  EXPECT_EQ(got.bytes(), all.size());
  EXPECT_EQ(got.md5_hex(), crypto::md5_hex(all));
}

TEST(S3Received, NothingReceivedIsTheEmptyMd5AndAMissingFileIsAnError) {
  t::TempDir dir;
  t::write_file(dir / "f", "");
  Received got(dir / "f", "s3 GET s3://b/k");
  EXPECT_EQ(got.md5_hex(), crypto::md5_hex(""));
  EXPECT_THROW(Received(dir / "missing", "s3 GET s3://b/k"), OperationError);
}

}  // namespace
}  // namespace ferry::s3
