// Integration tests against s3rver (npm, pinned in test/package.json) on loopback: the library
// over the real libcurl client, and the real bin/ferry binary. One s3rver per suite, in its own
// temp directory, killed at the end. s3rver does not check SigV4 signatures (sigv4_test.cpp
// checks them against AWS's examples), but it does refuse expired presigned URLs.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>

#include "ferry/base/error.h"
#include "ferry/net/curl_http.h"
#include "ferry/net/fake_http.h"
#include "ferry/net/pool.h"
#include "ferry/s3/client.h"
#include "support/process.h"
#include "support/requirements.h"
#include "support/s3rver.h"

namespace ferry::s3 {
namespace {

namespace t = ferry::testing;
namespace fs = std::filesystem;

constexpr uint64_t kMiB = 1024 * 1024;

void write_random(const std::string& path, uint64_t size, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string data(size, '\0');
  for (uint64_t i = 0; i + 8 <= size; i += 8) {
    uint64_t v = rng();
    std::memcpy(&data[i], &v, 8);
  }
  for (uint64_t i = size - size % 8; i < size; ++i) data[i] = static_cast<char>(rng());
  t::write_file(path, data);
}

// Records request lines, then forwards to the real client.
class RecordingHttpClient : public net::HttpClient {
 public:
  explicit RecordingHttpClient(net::HttpClient& inner) : inner_(inner) {}
  net::HttpResponse send(const net::HttpRequest& r) override {
    lines.push_back(r.method + " " + r.url.substr(r.url.find('/', 8)));
    return inner_.send(r);
  }
  std::vector<std::string> lines;

 private:
  net::HttpClient& inner_;
};

class S3rverIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<t::S3rver>("b");
    dir_ = std::make_unique<t::TempDir>();
    port_ = server_->port();
    skip_ = server_->skip_reason();
    start_error_ = server_->error();
    config_ = *dir_ / "ferry.toml";
    write_config(config_, "");
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }
  void SetUp() override {
    FERRY_REQUIRE(skip_);
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    // A multipart upload sends parts from several threads: one libcurl handle each.
    curl_ = std::make_unique<net::HttpClientPool>([] { return net::make_curl_http_client(); });
  }

  static void write_config(const std::string& path, const std::string& extra) {
    t::write_file(path, "[s3.t]\nendpoint = \"http://127.0.0.1:" + std::to_string(port_) +
                            "\"\nregion = \"us-east-1\"\nbucket = \"b\"\npath_style = true\n"
                            "access_key_id = \"S3RVER\"\nsecret_access_key = \"S3RVER\"\n" +
                            extra);
  }
  S3Options options() const {
    S3Options o;
    o.endpoint = "http://127.0.0.1:" + std::to_string(port_);
    o.bucket = "b";
    o.path_style = true;
    o.credentials = {"S3RVER", "S3RVER", ""};
    return o;
  }
  t::RunResult ferry(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                     const std::string& config = "") {
    args.insert(args.begin(), {t::ferry_bin(), "--config", config.empty() ? config_ : config});
    env.emplace("FERRY_NOW", "");  // the real clock unless a test pins it
    return t::run_command(args, env, dir_->path(), std::chrono::seconds(60));
  }
  std::string path(const std::string& name) const { return *dir_ / name; }

  static inline std::unique_ptr<t::TempDir> dir_;
  static inline std::unique_ptr<t::S3rver> server_;
  static inline int port_ = 0;
  static inline std::string skip_;
  static inline std::string start_error_;
  static inline std::string config_;
  std::unique_ptr<net::HttpClient> curl_;
};

TEST_F(S3rverIntegration, CliRoundTripsAreByteIdentical) {
  // Parts of 5 MiB, four in flight: 40 MiB goes up in eight parts, 5 MiB + 1 in two.
  std::string config = path("round-trip.toml");
  write_config(config, "multipart_threshold = 5242880\npart_size = 5242880\nparallel = 4\n");
  const std::vector<uint64_t> sizes = {0, 1, 5 * kMiB, 5 * kMiB + 1, 40 * kMiB};
  for (uint64_t size : sizes) {
    SCOPED_TRACE("size " + std::to_string(size));
    std::string name = "rt-" + std::to_string(size) + ".bin";
    write_random(path(name), size, static_cast<unsigned>(size));
    std::string key = "round trip/" + name;
    auto put = ferry({"s3", "put", "t", path(name), key}, {}, config);
    ASSERT_EQ(put.exit_code, 0) << put.err;
    EXPECT_EQ(put.out, "s3://b/" + key + "  " + std::to_string(size) + " bytes\n");
    auto get = ferry({"s3", "get", "t", key, path(name + ".back")}, {}, config);
    ASSERT_EQ(get.exit_code, 0) << get.err;
    EXPECT_TRUE(get.err.empty()) << get.err;  // not a terminal: no progress output
    EXPECT_TRUE(t::read_file(path(name)) == t::read_file(path(name + ".back")));
  }
}

TEST_F(S3rverIntegration, LibraryMultipartRetriesAPartAndVerifiesTheObject) {
  write_random(path("mp.bin"), 40 * kMiB + 123, 7);
  RecordingHttpClient recorder(*curl_);
  net::FaultInjectingHttpClient faults(recorder);
  faults.fail_call(3, net::FakeHttpClient::respond(
                          503, "<Error><Code>SlowDown</Code><Message>slow</Message></Error>"));
  S3Options o = options();
  o.prefix = "lib";
  o.multipart_threshold = 16 * kMiB;  // 40 MiB in parts of 8 MiB
  o.parallel = 1;  // the recorder and the fault injector count calls in order, on one thread
  S3Client client(faults, o);
  client.put_file("mp.bin", path("mp.bin"));

  std::vector<std::string> kinds;
  for (const auto& line : recorder.lines)
    kinds.push_back(line.find("uploads") != std::string::npos      ? "initiate"
                    : line.find("partNumber") != std::string::npos ? "part"
                    : line.rfind("POST", 0) == 0                   ? "complete"
                                                                   : line.substr(0, 4));
  // Call 3 (part 2) was failed before reaching the server and sent again.
  EXPECT_EQ(kinds, (std::vector<std::string>{"initiate", "part", "part", "part", "part", "part",
                                             "part", "complete", "HEAD"}));
  auto info = client.head("mp.bin");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 40 * kMiB + 123);

  client.get_file("mp.bin", path("mp.back"));
  EXPECT_TRUE(t::read_file(path("mp.bin")) == t::read_file(path("mp.back")));
  client.remove("mp.bin");
  EXPECT_FALSE(client.head("mp.bin").has_value());
  EXPECT_NO_THROW(client.remove("mp.bin"));
}

TEST_F(S3rverIntegration, ListingReturnsAllOf1500Keys) {
  t::write_file(path("one"), "1");
  S3Client client(*curl_, options());
  std::vector<std::string> keys;
  for (int i = 0; i < 1500; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "many/%04d.csv", i);
    keys.push_back(key);
    client.put_file(key, path("one"));
  }
  auto listed = client.list("many/");
  ASSERT_EQ(listed.size(), 1500u);
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(listed[i].key, keys[i]);
  EXPECT_EQ(client.list("many/", "many/0999.csv").size(), 500u);

  auto ls = ferry({"s3", "ls", "t", "many/"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_EQ(std::count(ls.out.begin(), ls.out.end(), '\n'), 1500);
  EXPECT_NE(ls.out.find("  many/1499.csv\n"), std::string::npos);
}

TEST_F(S3rverIntegration, PresignedUrlsWorkWithCurlAndExpire) {
  t::write_file(path("p.csv"), "a,b\n1,2\n");
  ASSERT_EQ(ferry({"s3", "put", "t", path("p.csv"), "links/p q.csv"}).exit_code, 0);

  auto url = ferry({"s3", "presign", "t", "links/p q.csv"});
  ASSERT_EQ(url.exit_code, 0) << url.err;
  ASSERT_EQ(std::count(url.out.begin(), url.out.end(), '\n'), 1);
  std::string link = url.out.substr(0, url.out.size() - 1);
  EXPECT_NE(link.find("X-Amz-Expires=86400"), std::string::npos);
  auto fetched = t::run_command({"curl", "-sS", "-o", path("p.got"), "-w", "%{http_code}", link});
  EXPECT_EQ(fetched.out, "200");
  EXPECT_EQ(t::read_file(path("p.got")), "a,b\n1,2\n");

  // Links are signed with the wall clock, so a pinned FERRY_NOW in the past changes nothing;
  // a one-second link is refused two seconds later.
  auto past = std::chrono::system_clock::now() - std::chrono::hours(2);
  auto pinned = ferry({"s3", "presign", "t", "links/p q.csv", "--expires", "1h"},
                      {{"FERRY_NOW", format_iso8601(past)}});
  ASSERT_EQ(pinned.exit_code, 0) << pinned.err;
  auto still = t::run_command({"curl", "-sS", "-o", path("p.got2"), "-w", "%{http_code}",
                               pinned.out.substr(0, pinned.out.size() - 1)});
  EXPECT_EQ(still.out, "200");
  auto old = ferry({"s3", "presign", "t", "links/p q.csv", "--expires", "1s"});
  ASSERT_EQ(old.exit_code, 0) << old.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto refused = t::run_command({"curl", "-sS", "-o", path("p.err"), "-w", "%{http_code}",
                                 old.out.substr(0, old.out.size() - 1)});
  EXPECT_EQ(refused.out, "403");
  EXPECT_NE(t::read_file(path("p.err")).find("Request has expired"), std::string::npos);

  auto too_long = ferry({"s3", "presign", "t", "links/p q.csv", "--expires", "8d"});
  EXPECT_EQ(too_long.exit_code, 2);
  EXPECT_NE(too_long.err.find("at most 7 days"), std::string::npos) << too_long.err;
  EXPECT_TRUE(too_long.out.empty());
}

TEST_F(S3rverIntegration, ParallelUploadKilledMidwayLeavesNoObject) {
  const uint64_t size = 150 * kMiB;
  write_random(path("big.bin"), size, 11);
  std::string config = path("small-parts.toml");
  write_config(config, "multipart_threshold = 5242880\npart_size = 5242880\nparallel = 4\n");
  const fs::path uploads = fs::path(server_->data_dir()) / "b" / "._S3rver_uploads";
  {
    t::Child put(
        {t::ferry_bin(), "--config", config, "s3", "put", "t", path("big.bin"), "killed/big.bin"},
        {{"FERRY_NOW", ""}}, dir_->path(), path("put.log"));
    // Parts are stored in any order: wait for any two.
    bool two_parts = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!two_parts && put.running() && std::chrono::steady_clock::now() < deadline) {
      std::error_code ec;
      int stored = 0;
      for (fs::directory_iterator up(uploads, ec), end; !ec && up != end; up.increment(ec))
        for (fs::directory_iterator f(up->path(), ec); !ec && f != end; f.increment(ec))
          stored += f->path().extension() == ".md5";
      two_parts = stored >= 2;
      if (!two_parts) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_TRUE(two_parts) << "the upload finished or stalled before two parts were stored";
    put.signal(SIGKILL);
    EXPECT_EQ(put.wait(std::chrono::seconds(10)), -1);  // killed by the signal
  }
  S3Client client(*curl_, options());
  EXPECT_FALSE(client.head("killed/big.bin").has_value());
  EXPECT_TRUE(client.list("killed/").empty());

  // Running the same command again finishes the job.
  auto again = ferry({"s3", "put", "t", path("big.bin"), "killed/big.bin"}, {}, config);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto info = client.head("killed/big.bin");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, size);
}

// Changes byte `at` of `path` just before the first request whose URL has `needle` goes out,
// as a writer would while the upload runs.
class ChangingHttpClient : public net::HttpClient {
 public:
  ChangingHttpClient(net::HttpClient& inner, std::string path, uint64_t at, std::string needle)
      : inner_(inner), path_(std::move(path)), at_(at), needle_(std::move(needle)) {}
  net::HttpResponse send(const net::HttpRequest& r) override {
    if (r.url.find(needle_) != std::string::npos && !changed_.exchange(true)) {
      std::string data = t::read_file(path_);
      data[at_] = static_cast<char>(data[at_] ^ 1);
      t::write_file(path_, data);
    }
    return inner_.send(r);
  }

 private:
  net::HttpClient& inner_;
  std::string path_;
  uint64_t at_;
  std::string needle_;
  std::atomic<bool> changed_{false};
};

// s3rver takes any Content-MD5 (it never answers BadDigest, unlike S3) and answers the MD5 of
// what it stored as the ETag; ferry tells the change from that, and no object stays.
TEST_F(S3rverIntegration, AFileChangedDuringItsUploadFailsAndLeavesNoObject) {
  S3Options o = options();
  o.multipart_threshold = 5 * kMiB;
  o.part_size = 5 * kMiB;
  o.parallel = 4;
  write_random(path("moving.bin"), 20 * kMiB, 3);
  ChangingHttpClient parts(*curl_, path("moving.bin"), 7 * kMiB, "partNumber=2&");
  try {
    S3Client(parts, o).put_file("moving.bin", path("moving.bin"));
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_NE(std::string(e.what()).find("moving.bin changed while it was uploaded"),
              std::string::npos)
        << e.what();
  }
  write_random(path("small.bin"), 1 * kMiB, 4);
  ChangingHttpClient single(*curl_, path("small.bin"), 100, "/small.bin");
  EXPECT_THROW(S3Client(single, o).put_file("small.bin", path("small.bin")), OperationError);

  S3Client client(*curl_, o);
  EXPECT_FALSE(client.head("moving.bin").has_value());
  EXPECT_FALSE(client.head("small.bin").has_value());
}

TEST_F(S3rverIntegration, CliErrorsNameTheObjectAndExitCodesDistinguishCauses) {
  auto missing = ferry({"s3", "get", "t", "no/such.csv", path("never.csv")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("s3 GET s3://b/no/such.csv: HTTP 404 NoSuchKey"), std::string::npos)
      << missing.err;
  EXPECT_FALSE(t::file_exists(path("never.csv")));

  auto unknown = ferry({"s3", "ls", "t2"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("[s3.t2]"), std::string::npos) << unknown.err;

  auto help = ferry({"s3", "put", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Example:"), std::string::npos);
}

}  // namespace
}  // namespace ferry::s3
