#include "ferry/io/zip_writer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/io/log_reader.h"
#include "io/archive_fixtures.h"
#include "io/memory_peak.h"
#include "support/fault_env.h"
#include "support/process.h"

namespace ferry::io {
namespace {

using ferry::testing::file_exists;
using ferry::testing::list_dir;
using ferry::testing::run_command;
using ferry::testing::TempDir;

// What Python's zipfile finds in the ZIP: per member, in stored order, "name size crc32",
// the CRC computed by Python over the bytes it extracted (testzip() checks the stored ones).
constexpr const char* kListZip = R"(import sys, zipfile, zlib
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
if bad: sys.exit("bad member " + bad)
for i in z.infolist():
    crc, size = 0, 0
    with z.open(i) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            crc, size = zlib.crc32(block, crc), size + len(block)
    print(i.filename, size, crc, i.compress_type)
)";

std::string list_zip(const std::string& path) {
  auto r = run_command({"python3", "-c", kListZip, path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

std::string describe(const std::string& name, const std::string& data) {
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  return name + " " + std::to_string(data.size()) + " " + std::to_string(crc) + " 8\n";
}

TEST(ZipWriterTest, MembersUnzipByteIdenticalUnderTheirNames) {
  std::string binary;
  for (int i = 0; i < 70'000; ++i) binary.push_back(static_cast<char>(i * 31 % 256));
  std::vector<std::pair<std::string, std::string>> members = {
      {"example.org-March-05-1.log", "203.0.113.5 - - [05/Mar/2015:13:55:36 -0800] \"GET /\"\r\n"},
      {"example.org-March-05-0.log", binary},
      {"empty.log", ""},
      {"caf\xc3\xa9/dir/x.log", "no newline"}};
  TempDir dir;
  std::string path = dir / "out/day.log.zip";
  ZipWriter w(path);
  for (const auto& [name, data] : members) {
    w.begin_member(name);
    for (size_t at = 0; at < data.size(); at += 1000)
      w.write(std::string_view(data).substr(at, 1000));
    w.end_member();
  }
  EXPECT_FALSE(file_exists(path));
  w.finish();
  EXPECT_TRUE(file_exists(path));
  EXPECT_EQ(list_dir(dir / "out"), std::vector<std::string>{"day.log.zip"});
  EXPECT_GT(w.bytes_written(), 0u);
  std::string want;
  for (const auto& [name, data] : members) want += describe(name, data);
  EXPECT_EQ(list_zip(path), want);

  // And LogReader reads it back, in name order.
  LogReader r(path);
  for (size_t i : {3, 2, 1, 0}) {
    ASSERT_TRUE(r.next_member());
    EXPECT_EQ(r.member_name(), members[i].first);
    std::string data;
    std::string_view chunk;
    while (r.next_chunk(chunk)) data.append(chunk);
    EXPECT_TRUE(data == members[i].second) << members[i].first;
  }
  EXPECT_FALSE(r.next_member());
}

// The archive step's use: members of logs read with LogReader::next_chunk, copied into a ZIP.
TEST(ZipWriterTest, CopiesOfLogReaderMembersAreByteIdentical) {
  std::string a = "a1\r\na2\n", b(200'000, 'b'), c = "c without newline";
  for (size_t i = 0; i < b.size(); i += 97) b[i] = '\n';
  TempDir dir;
  ferry::testing::write_file(dir / "x.log.gz", ferry::testing::gzip_bytes(a));
  ferry::testing::write_file(dir / "y.zip", ferry::testing::zip_bytes({{"c", c}, {"b", b}}));
  std::string path = dir / "out.zip";
  ZipWriter w(path);
  int n = 0;
  for (const char* file : {"x.log.gz", "y.zip"}) {
    LogReader r(dir / file);
    while (r.next_member()) {
      w.begin_member("site-March-05-" + std::to_string(n++) + ".log");
      std::string_view chunk;
      while (r.next_chunk(chunk)) w.write(chunk);
      w.end_member();
    }
  }
  w.finish();
  EXPECT_EQ(list_zip(path), describe("site-March-05-0.log", a) +
                                describe("site-March-05-1.log", b) +
                                describe("site-March-05-2.log", c));
}

TEST(ZipWriterTest, NothingIsLeftWhenNotFinished) {
  TempDir dir;
  std::string path = dir / "day.zip";
  {
    ZipWriter w(path);
    w.begin_member("a.log");
    w.write("abc\n");
    EXPECT_EQ(list_dir(dir.path()).size(), 1u) << "the temp file";
    EXPECT_FALSE(file_exists(path));
  }
  EXPECT_TRUE(list_dir(dir.path()).empty());
  {
    ZipWriter w(path);  // members complete, finish() not reached
    w.begin_member("a.log");
    w.end_member();
  }
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(ZipWriterTest, MisuseIsALogicError) {
  TempDir dir;
  ZipWriter w(dir / "x.zip");
  EXPECT_THROW(w.write("x"), std::logic_error);
  EXPECT_THROW(w.end_member(), std::logic_error);
  EXPECT_THROW(w.begin_member(""), std::logic_error);
  w.begin_member("a");
  EXPECT_THROW(w.begin_member("b"), std::logic_error);
  EXPECT_THROW(w.finish(), std::logic_error);
  w.end_member();
  w.finish();
  EXPECT_THROW(w.finish(), std::logic_error);
  EXPECT_THROW(w.begin_member("c"), std::logic_error);
}

// A crash at any durable step of finish() leaves no ZIP at the path (fsync, rename, dir fsync).
TEST(ZipWriterTest, CrashInFinishLeavesNoZip) {
  TempDir dir;
  std::string path = dir / "day.zip";
  for (int step = 1; step <= 3; ++step) {
    FaultInjectingEnv env(Env::posix());
    {
      ZipWriter w(path, env);
      w.begin_member("a.log");
      w.write("line\n");
      w.end_member();
      env.arm(step);
      EXPECT_THROW(
          try { w.finish(); } catch (const SimulatedCrash&) { throw std::runtime_error("crash"); },
          std::runtime_error)
          << "step " << step;
    }
    EXPECT_FALSE(file_exists(path)) << "step " << step;
  }
}

// A file system that fails writes once `limit` bytes are written (a full disk).
class FullDiskEnv : public Env {
 public:
  explicit FullDiskEnv(uint64_t limit) : limit_(limit) {}
  std::unique_ptr<WritableFile> new_file(const std::string& path) override {
    return std::make_unique<File>(base_.new_file(path), limit_);
  }
  std::unique_ptr<WritableFile> open_append(const std::string& p) override {
    return base_.open_append(p);
  }
  void rename(const std::string& f, const std::string& t) override { base_.rename(f, t); }
  void sync_dir(const std::string& d) override { base_.sync_dir(d); }
  bool remove(const std::string& p) override { return base_.remove(p); }
  int64_t file_size(const std::string& p) override { return base_.file_size(p); }
  std::string read_file(const std::string& p) override { return base_.read_file(p); }
  std::vector<std::string> list_dir(const std::string& d) override { return base_.list_dir(d); }
  void make_dirs(const std::string& d) override { base_.make_dirs(d); }

 private:
  struct File : WritableFile {
    File(std::unique_ptr<WritableFile> f, uint64_t limit) : f_(std::move(f)), limit_(limit) {}
    void append(std::string_view data) override {
      if (f_->size() + data.size() > limit_)
        throw OperationError(FailureKind::kPermanent, "write " + path() + ": No space left");
      f_->append(data);
    }
    void sync() override { f_->sync(); }
    void truncate(uint64_t size) override { f_->truncate(size); }
    uint64_t size() const override { return f_->size(); }
    const std::string& path() const override { return f_->path(); }
    std::unique_ptr<WritableFile> f_;
    uint64_t limit_;
  };
  Env& base_ = Env::posix();
  uint64_t limit_;
};

TEST(ZipWriterTest, AWriteFailureIsAnOperationErrorAndLeavesNothing) {
  TempDir dir;
  std::string path = dir / "day.zip";
  FullDiskEnv env(100'000);
  std::mt19937 rng(1);
  std::string block(65536, 'x');
  bool failed = false;
  {
    ZipWriter w(path, env);
    try {
      w.begin_member("a.log");
      for (int i = 0; i < 10; ++i) {
        for (auto& c : block) c = static_cast<char>(rng());  // does not compress
        w.write(block);
      }
      w.end_member();
      w.finish();
    } catch (const OperationError& e) {
      failed = true;
      EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
    }
    EXPECT_THROW(w.write("more"), std::logic_error) << "a failed writer takes no more";
  }
  EXPECT_TRUE(failed);
  EXPECT_TRUE(list_dir(dir.path()).empty());
}

// 50 MB through one member: intact after unzip, and the writer's memory does not grow with it.
TEST(ZipWriterTest, LargeMemberIsStreamed) {
  TempDir dir;
  std::string path = dir / "big.zip";
  std::string block;
  for (int i = 0; block.size() < 1'000'000; ++i)
    block += "198.51.100." + std::to_string(i % 256) +
             " - - [05/Mar/2015:13:55:36 +0000] \"GET /p/" + std::to_string(i * 7919 % 100'003) +
             " HTTP/1.1\" 200 " + std::to_string(i) + "\n";
  uLong crc = 0;
  uint64_t size = 0;
  ferry::testing::MemoryPeak peak;
  {
    ZipWriter w(path);
    w.begin_member("big.log");
    for (int i = 0; i < 50; ++i) {
      w.write(block);
      crc =
          crc32(crc, reinterpret_cast<const Bytef*>(block.data()), static_cast<uInt>(block.size()));
      size += block.size();
    }
    w.end_member();
    w.finish();
  }
  if (peak.available()) {
    EXPECT_LT(peak.growth(), 16u << 20);
  }
  EXPECT_EQ(list_zip(path), "big.log " + std::to_string(size) + " " + std::to_string(crc) + " 8\n");
}

}  // namespace
}  // namespace ferry::io
