#include "ferry/io/log_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ferry/base/error.h"
#include "io/archive_fixtures.h"
#include "io/memory_peak.h"
#include "support/process.h"

namespace ferry::io {
namespace {

using ferry::testing::bzip2_bytes;
using ferry::testing::gzip_bytes;
using ferry::testing::TempDir;
using ferry::testing::write_file;
using ferry::testing::zip_bytes;
using ferry::testing::ZipEntry;

struct Member {
  std::string name;
  std::vector<std::string> lines;
  bool operator==(const Member& o) const { return name == o.name && lines == o.lines; }
};

std::vector<Member> read_all(const std::string& path) {
  LogReader r(path);
  std::vector<Member> out;
  while (r.next_member()) {
    out.push_back({r.member_name(), {}});
    std::string_view line;
    while (r.next_line(line)) {
      out.back().lines.emplace_back(line);
      EXPECT_EQ(r.line_number(), out.back().lines.size());
    }
    EXPECT_FALSE(r.next_line(line)) << "a member's end is final";
  }
  EXPECT_EQ(r.compressed_bytes(), r.file_size());
  return out;
}

std::string read_member_chunks(LogReader& r) {
  std::string data;
  std::string_view chunk;
  while (r.next_chunk(chunk)) data.append(chunk);
  return data;
}

// The reader's failure for `path`, or "" when it read everything.
std::string failure_of(const std::string& path) {
  try {
    LogReader r(path);
    while (r.next_member()) {
      std::string_view line;
      while (r.next_line(line)) {
      }
    }
  } catch (const OperationError& e) {
    EXPECT_FALSE(e.is_transient());
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

const char kLog[] = "first line\nsecond\r\n\nlast without newline";
const std::vector<std::string> kLines = {"first line", "second", "", "last without newline"};

TEST(LogReaderTest, PlainFileIsOneMemberOfLines) {
  TempDir dir;
  write_file(dir / "access.log", kLog);
  EXPECT_EQ(read_all(dir / "access.log"), (std::vector<Member>{{"access.log", kLines}}));
  EXPECT_STREQ(LogReader(dir / "access.log").kind(), "plain");
}

TEST(LogReaderTest, GzipAndBzip2AreToldByTheirBytesNotTheirNames) {
  TempDir dir;
  write_file(dir / "a.log.gz", gzip_bytes(kLog));
  write_file(dir / "b.log.bz2", bzip2_bytes(kLog));
  write_file(dir / "c.log", gzip_bytes(kLog));  // gzip under a plain name
  write_file(dir / "d.log.gz", kLog);           // plain text under a gzip name
  EXPECT_EQ(read_all(dir / "a.log.gz"), (std::vector<Member>{{"a.log", kLines}}));
  EXPECT_EQ(read_all(dir / "b.log.bz2"), (std::vector<Member>{{"b.log", kLines}}));
  EXPECT_EQ(read_all(dir / "c.log"), (std::vector<Member>{{"c.log", kLines}}));
  EXPECT_EQ(read_all(dir / "d.log.gz"), (std::vector<Member>{{"d.log", kLines}}));
  EXPECT_STREQ(LogReader(dir / "a.log.gz").kind(), "gzip");
  EXPECT_STREQ(LogReader(dir / "b.log.bz2").kind(), "bzip2");
  EXPECT_STREQ(LogReader(dir / "c.log").kind(), "gzip");
  EXPECT_STREQ(LogReader(dir / "d.log.gz").kind(), "plain");
}

TEST(LogReaderTest, EmptyFilesAndStreamsAreOneEmptyMember) {
  TempDir dir;
  write_file(dir / "empty.log", "");
  write_file(dir / "empty.log.gz", gzip_bytes(""));
  write_file(dir / "newline.log", "\n");
  EXPECT_EQ(read_all(dir / "empty.log"), (std::vector<Member>{{"empty.log", {}}}));
  EXPECT_EQ(read_all(dir / "empty.log.gz"), (std::vector<Member>{{"empty.log", {}}}));
  EXPECT_EQ(read_all(dir / "newline.log"), (std::vector<Member>{{"newline.log", {""}}}));
}

TEST(LogReaderTest, ZipMembersComeInNameOrderWithoutDirectories) {
  TempDir dir;
  // Stored order differs from name order; the reader must reopen the ZIP to go back.
  std::vector<ZipEntry> stored = {{"c.log", "c1\nc2\n"}, {"logs/", "", true},
                                  {"a.log", "a1\r\na2"}, {"logs/b.log", "b1\n"},
                                  {"B.log", "upper\n"},  {"empty.log", ""}};
  for (bool deflate : {true, false}) {
    write_file(dir / "day.zip", zip_bytes(stored, deflate));
    EXPECT_EQ(read_all(dir / "day.zip"), (std::vector<Member>{{"B.log", {"upper"}},
                                                              {"a.log", {"a1", "a2"}},
                                                              {"c.log", {"c1", "c2"}},
                                                              {"empty.log", {}},
                                                              {"logs/b.log", {"b1"}}}));
    EXPECT_STREQ(LogReader(dir / "day.zip").kind(), "zip");
  }
}

TEST(LogReaderTest, ZipWithoutRegularMembersHasNone) {
  TempDir dir;
  write_file(dir / "dirs.zip", zip_bytes({{"only/", "", true}}));
  write_file(dir / "none.zip", zip_bytes({}));
  EXPECT_TRUE(read_all(dir / "dirs.zip").empty());
  EXPECT_TRUE(read_all(dir / "none.zip").empty());
}

// Found by fuzzing: a ZIP member stored without a name gets one.
TEST(LogReaderTest, ZipMemberWithoutANameIsNamedByPosition) {
  TempDir dir;
  write_file(dir / "noname.zip", ferry::testing::raw_zip_bytes({{"b.log", "b\n"}, {"", "x\n"}}));
  EXPECT_EQ(read_all(dir / "noname.zip"),
            (std::vector<Member>{{"(member 2)", {"x"}}, {"b.log", {"b"}}}));
}

TEST(LogReaderTest, UnreadRestOfAMemberIsSkipped) {
  TempDir dir;
  write_file(dir / "two.zip", zip_bytes({{"b.log", "b1\nb2\n"}, {"a.log", "a1\na2\n"}}));
  LogReader r(dir / "two.zip");
  std::string_view line;
  ASSERT_TRUE(r.next_member());
  ASSERT_TRUE(r.next_line(line));
  EXPECT_EQ(line, "a1");
  ASSERT_TRUE(r.next_member());
  EXPECT_EQ(r.member_name(), "b.log");
  EXPECT_EQ(r.line_number(), 0u);
  ASSERT_TRUE(r.next_line(line));
  EXPECT_EQ(line, "b1");
  EXPECT_FALSE(r.next_member());
  EXPECT_FALSE(r.next_member());
}

// Random lines (some with "\r\n", some long) split across many blocks read back exactly.
TEST(LogReaderTest, LinesSpanningBlocksReadBackExactly) {
  std::mt19937 rng(7);
  std::string text;
  std::vector<std::string> expected;
  while (text.size() < 600'000) {
    size_t len = rng() % 10 == 0 ? rng() % 150'000 : rng() % 300;
    std::string line(len, 'x');
    for (auto& c : line) c = static_cast<char>('a' + rng() % 26);
    expected.push_back(line);
    text += line + (rng() % 3 == 0 ? "\r\n" : "\n");
  }
  TempDir dir;
  write_file(dir / "plain.log", text);
  write_file(dir / "z.log.gz", gzip_bytes(text));
  write_file(dir / "z.zip", zip_bytes({{"m.log", text}}));
  EXPECT_EQ(read_all(dir / "plain.log"), (std::vector<Member>{{"plain.log", expected}}));
  EXPECT_EQ(read_all(dir / "z.log.gz"), (std::vector<Member>{{"z.log", expected}}));
  EXPECT_EQ(read_all(dir / "z.zip"), (std::vector<Member>{{"m.log", expected}}));
}

TEST(LogReaderTest, LineLongerThanTheLimitIsCutAndFlagged) {
  const size_t max = LogReader::kMaxLine;
  std::string exact(max, 'e'), over(max + 1, 'o'), huge(3 * max + 5, 'h');
  std::string text = "a\n" + exact + "\r\n" + over + "\n" + huge + "\nb\n" + huge;
  TempDir dir;
  write_file(dir / "long.log", text);
  write_file(dir / "long.log.gz", gzip_bytes(text));
  for (const char* name : {"long.log", "long.log.gz"}) {
    LogReader r(dir / name);
    ASSERT_TRUE(r.next_member());
    std::vector<std::pair<std::string, bool>> got;
    std::string_view line;
    while (r.next_line(line)) got.emplace_back(std::string(line), r.line_cut());
    std::vector<std::pair<std::string, bool>> want = {{"a", false},
                                                      {exact, false},
                                                      {over.substr(0, max), true},
                                                      {huge.substr(0, max), true},
                                                      {"b", false},
                                                      {huge.substr(0, max), true}};
    ASSERT_EQ(got.size(), want.size()) << name;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].first.size(), want[i].first.size()) << name << " line " << i + 1;
      EXPECT_TRUE(got[i] == want[i]) << name << " line " << i + 1;
    }
  }
}

TEST(LogReaderTest, ChunksAreTheMemberBytes) {
  std::string a(300'000, '\0'), b = "no newline at all";
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(i * 7 % 251);
  TempDir dir;
  write_file(dir / "two.zip", zip_bytes({{"b", b}, {"a", a}}));
  write_file(dir / "a.bin.bz2", bzip2_bytes(a));
  LogReader z(dir / "two.zip");
  ASSERT_TRUE(z.next_member());
  EXPECT_TRUE(read_member_chunks(z) == a);
  ASSERT_TRUE(z.next_member());
  EXPECT_EQ(read_member_chunks(z), b);
  EXPECT_FALSE(z.next_member());
  LogReader bz(dir / "a.bin.bz2");
  ASSERT_TRUE(bz.next_member());
  EXPECT_TRUE(read_member_chunks(bz) == a);
}

// Halfway through the lines, about half the file has been read, whatever its kind.
TEST(LogReaderTest, CompressedBytesFollowTheReading) {
  std::mt19937 rng(3);
  std::string text;
  uint64_t total_lines = 0;
  for (; text.size() < 4'000'000; ++total_lines) text += "line " + std::to_string(rng()) + "\n";
  TempDir dir;
  write_file(dir / "big.log", text);
  write_file(dir / "big.log.gz", gzip_bytes(text));
  write_file(dir / "big.log.bz2", bzip2_bytes(text));
  write_file(dir / "big.zip", zip_bytes({{"big.log", text}}));
  for (const char* name : {"big.log", "big.log.gz", "big.log.bz2", "big.zip"}) {
    LogReader r(dir / name);
    ASSERT_TRUE(r.next_member());
    uint64_t last = r.compressed_bytes(), halfway = 0;
    std::string_view line;
    while (r.next_line(line)) {
      EXPECT_GE(r.compressed_bytes(), last) << name;
      last = r.compressed_bytes();
      if (r.line_number() == total_lines / 2) halfway = last;
    }
    EXPECT_GT(halfway, r.file_size() / 5) << name;
    EXPECT_LT(halfway, r.file_size() * 4 / 5) << name;
    EXPECT_LE(r.compressed_bytes(), r.file_size()) << name;
    EXPECT_FALSE(r.next_member());
    EXPECT_EQ(r.compressed_bytes(), r.file_size()) << name;
  }
}

TEST(LogReaderTest, ConcatenatedGzipMembersReadAsOneStream) {
  TempDir dir;
  write_file(dir / "cat.log.gz",
             gzip_bytes("a1\na") + gzip_bytes("2\nb1\n") + std::string(512, '\0'));
  EXPECT_EQ(read_all(dir / "cat.log.gz"), (std::vector<Member>{{"cat.log", {"a1", "a2", "b1"}}}));
}

TEST(LogReaderTest, GzipCheckValueIsVerified) {
  std::string gz = gzip_bytes("a line\n");
  TempDir dir;
  write_file(dir / "crc.log.gz",
             gz.substr(0, gz.size() - 8) + "\x01\x02\x03\x04" + gz.substr(gz.size() - 4));
  std::string e = failure_of(dir / "crc.log.gz");
  EXPECT_TRUE(contains(e, dir / "crc.log.gz") && contains(e, "member crc.log") &&
              contains(e, "incorrect data check"))
      << e;
}

// 200 MB of lines (and a 5 MiB line) through a reader: its memory does not grow with them.
TEST(LogReaderTest, MemoryDoesNotGrowWithTheData) {
  std::string block;
  while (block.size() < 1'000'000)
    block += "203.0.113.5 - - [05/Mar/2015:13:55:36 -0800] \"GET /a.html?x=" +
             std::to_string(block.size()) + " HTTP/1.1\" 200 2326\n";
  std::string member = gzip_bytes(block), file;
  for (int i = 0; i < 200; ++i) file += member;  // concatenated gzip members: one stream
  file += gzip_bytes(std::string(5 << 20, 'x'));
  TempDir dir;
  write_file(dir / "big.log.gz", file);
  file = std::string();
  file.shrink_to_fit();
  uint64_t lines = 0, cut = 0, bytes = 0;
  ferry::testing::MemoryPeak peak;
  {
    LogReader r(dir / "big.log.gz");
    ASSERT_TRUE(r.next_member());
    std::string_view line;
    while (r.next_line(line)) {
      ++lines;
      cut += r.line_cut();
      bytes += line.size() + 1;
    }
  }
  if (peak.available()) {
    EXPECT_LT(peak.growth(), 32u << 20);
  }
  EXPECT_EQ(bytes, 200 * block.size() + LogReader::kMaxLine + 1);
  EXPECT_EQ(cut, 1u);
  EXPECT_EQ(lines, 200 * static_cast<uint64_t>(std::count(block.begin(), block.end(), '\n')) + 1);
}

std::string corrupt_middle(std::string data) {
  for (size_t i = data.size() / 2; i < data.size() / 2 + 64; ++i)
    data[i] = static_cast<char>(~data[i]);
  return data;
}

TEST(LogReaderTest, DamagedInputIsAPermanentErrorNamingFileAndMember) {
  std::mt19937 rng(5);
  std::string text;
  while (text.size() < 500'000) text += "GET /" + std::to_string(rng()) + " 200\n";
  std::string gz = gzip_bytes(text), bz = bzip2_bytes(text);
  std::string zip = zip_bytes({{"a.log", "fine\n"}, {"b.log", text}});
  TempDir dir;
  write_file(dir / "cut.log.gz", gz.substr(0, gz.size() / 2));
  write_file(dir / "bad.log.gz", corrupt_middle(gz));
  write_file(dir / "cut.log.bz2", bz.substr(0, bz.size() / 2));
  write_file(dir / "cut.zip", zip.substr(0, zip.size() - 40));
  write_file(dir / "bad.zip", corrupt_middle(zip));
  write_file(dir / "zip.gz", gzip_bytes(zip));
  for (const char* name : {"cut.log.gz", "bad.log.gz", "cut.log.bz2"}) {
    std::string e = failure_of(dir / name);
    EXPECT_TRUE(contains(e, dir / name)) << name << ": " << e;
    EXPECT_TRUE(contains(e, "member " + std::string(name).substr(0, 7))) << e;
  }
  std::string e = failure_of(dir / "cut.zip");
  EXPECT_TRUE(contains(e, dir / "cut.zip") && contains(e, "damaged ZIP")) << e;
  e = failure_of(dir / "bad.zip");
  EXPECT_TRUE(contains(e, dir / "bad.zip") && contains(e, "member b.log")) << e;
  e = failure_of(dir / "zip.gz");
  EXPECT_TRUE(contains(e, "ZIP inside gzip")) << e;
  e = failure_of(dir / "missing.log");
  EXPECT_TRUE(contains(e, dir / "missing.log") && contains(e, "No such file")) << e;
  e = failure_of(dir.path());
  EXPECT_TRUE(contains(e, "Is a directory")) << e;
}

}  // namespace
}  // namespace ferry::io
