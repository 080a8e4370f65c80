#include "ferry/crypto/hash.h"

#include <gtest/gtest.h>

#include "ferry/base/error.h"
#include "support/process.h"

namespace ferry::crypto {
namespace {

TEST(S3Hash, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(md5_hex("The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6");
  // RFC 4231 test case 2.
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(S3Hash, FileDigestsOfRangesMatchInMemory) {
  ferry::testing::TempDir dir;
  std::string data;
  for (int i = 0; i < 3 * 1024 * 1024 + 17; ++i) data.push_back(static_cast<char>(i * 7 + i / 13));
  ferry::testing::write_file(dir / "f", data);

  FileDigests all = file_digests(dir / "f");
  EXPECT_EQ(all.bytes, data.size());
  EXPECT_EQ(hex_encode(all.md5), md5_hex(data));
  EXPECT_EQ(hex_encode(all.sha256), sha256_hex(data));
  EXPECT_EQ(file_md5_hex(dir / "f"), md5_hex(data));

  FileDigests part = file_digests(dir / "f", 1024 * 1024 + 5, 1024 * 1024 + 3);
  std::string slice = data.substr(1024 * 1024 + 5, 1024 * 1024 + 3);
  EXPECT_EQ(hex_encode(part.md5), md5_hex(slice));
  EXPECT_EQ(hex_encode(part.sha256), sha256_hex(slice));

  EXPECT_THROW(file_digests(dir / "f", data.size() - 1, 10), OperationError);
  EXPECT_THROW(file_digests(dir / "missing"), OperationError);
}

TEST(S3Hash, IncrementalMd5MatchesOneShot) {
  Md5 md5;
  md5.update("The quick brown ", 16);
  md5.update("fox jumps over the lazy dog", 27);
  EXPECT_EQ(hex_encode(md5.finish()), "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(hex_encode(md5.finish()), md5_hex(""));  // finish() resets
  Md5 moved = std::move(md5);
  moved.update("abc", 3);
  EXPECT_EQ(hex_encode(moved.finish()), md5_hex("abc"));
}

TEST(S3Hash, IncrementalSha256AndFileSha256MatchOneShot) {
  Sha256 sha;
  sha.update("The quick brown ", 16);
  sha.update("fox jumps over the lazy dog", 27);
  EXPECT_EQ(sha.finish(), sha256_raw("The quick brown fox jumps over the lazy dog"));
  sha.update("abc", 3);
  sha.reset();  // drops what came before
  sha.update("xyz", 3);
  EXPECT_EQ(sha.finish(), sha256_raw("xyz"));
  ferry::testing::TempDir dir;
  ferry::testing::write_file(dir / "f", "0123456789");
  EXPECT_EQ(file_sha256(dir / "f", 2, 5), sha256_raw("23456"));
  EXPECT_EQ(file_sha256(dir / "f"), sha256_raw("0123456789"));
  EXPECT_THROW(file_sha256(dir / "f", 8, 5), OperationError);
}

}  // namespace
}  // namespace ferry::crypto
