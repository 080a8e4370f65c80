// S3Client against net::FakeHttpClient: parts of one upload in flight together, a stop request
// during a parallel upload, files that change while they are uploaded, single PUTs over HTTPS,
// and downloads hashed as their bytes arrive.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <fstream>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>

#include "ferry/base/error.h"
#include "ferry/base/interrupt.h"
#include "s3/client_support.h"

namespace ferry::s3 {
namespace {

using namespace ferry::s3::test_support;
namespace t = ferry::testing;

// Holds part requests until `want` of them are inside at once (or 10 s pass): shows that parts
// are in flight together without timing anything.
class Gate {
 public:
  explicit Gate(int want) : want_(want) {}
  // False when `want` parts were never inside together before the deadline.
  bool pass() {
    std::unique_lock<std::mutex> lock(mu_);
    ++inside_;
    most_ = std::max(most_, inside_);
    if (inside_ >= want_) open_ = true;
    cv_.notify_all();
    bool opened = cv_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
    --inside_;
    return opened;
  }
  int most() {
    std::lock_guard<std::mutex> lock(mu_);
    return most_;
  }

 private:
  const int want_;
  std::mutex mu_;
  std::condition_variable cv_;
  int inside_ = 0;
  int most_ = 0;
  bool open_ = false;
};

// Thirty bytes: eight parts of 4 (the last of 2) with loopback_options().
const std::string kThirty = "0123456789abcdefghijABCDEFGHIJ";

std::string complete_request_body(const FakeHttpClient& http) {
  for (const auto& r : http.requests())
    if (r.method == "POST" && query_of(r.url).count("uploadId")) return r.body.data;
  return "";
}

// A later modification time than the file has, as a writer's would be: the kernel's clock for
// file times is coarse, so a test sets it rather than relying on it.
void touch_later(const std::string& path) {
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  timespec times[2] = {st.st_atim, st.st_mtim};
  times[1].tv_sec += 10;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

// Rewrites byte `at` of `path` in place (same size).
// Changes one byte in place, as a writer would, without truncating: parts read meanwhile see
// the file whole, the old byte or the new.
void flip_byte(const std::string& path, size_t at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = static_cast<char>(f.get() ^ 0x20);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(c);
}

TEST(S3ClientParallel, PartsOfOneUploadAreInFlightTogether) {
  t::TempDir dir;
  t::write_file(dir / "f", kThirty);
  MultipartServer server;
  server.head_size = 30;
  Gate gate(3);
  FakeHttpClient http([&](const HttpRequest& r) {
    if (r.method == "PUT") {
      if (!gate.pass()) return FakeHttpClient::respond(500, "three parts never met");
      if (r.progress) r.progress(*r.body.length, *r.body.length);
    }
    return server(r);
  });
  S3Options o = loopback_options();
  o.parallel = 3;
  S3Client client(http, o);
  std::vector<uint64_t> done;
  client.set_progress([&](uint64_t d, uint64_t total) {
    EXPECT_EQ(total, 30u);
    done.push_back(d);
  });
  client.put_file("big", dir / "f");

  EXPECT_EQ(gate.most(), 3);  // never more than `parallel`
  std::string expected = "<CompleteMultipartUpload>";
  for (int n = 1; n <= 8; ++n)
    expected += "<Part><PartNumber>" + std::to_string(n) + "</PartNumber><ETag>\"" +
                crypto::md5_hex(kThirty.substr(static_cast<size_t>(n - 1) * 4, 4)) +
                "\"</ETag></Part>";
  EXPECT_EQ(complete_request_body(http), expected + "</CompleteMultipartUpload>");
  EXPECT_EQ(server.log.back(), "head");
  ASSERT_EQ(done.size(), 8u);
  EXPECT_EQ(*std::max_element(done.begin(), done.end()), 30u);
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
}

TEST(S3ClientParallel, AFailedPartStopsTheUploadAndAbortsIt) {
  t::TempDir dir;
  t::write_file(dir / "f", kThirty);
  MultipartServer server;
  server.fail_part = 2;
  server.failures = 1;
  server.failure = FakeHttpClient::respond(403, error_xml("AccessDenied", "Access Denied"));
  FakeHttpClient http([&](const HttpRequest& r) { return server(r); });
  S3Options o = loopback_options();
  o.parallel = 4;
  S3Client client(http, o);
  try {
    client.put_file("big", dir / "f");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_STREQ(
        e.what(),
        "s3 PUT s3://bucket/pre/big (part 2 of 8, try 1): HTTP 403 AccessDenied: Access Denied");
  }
  EXPECT_EQ(server.log.back(), "abort up%2F1");
  EXPECT_EQ(std::count(server.log.begin(), server.log.end(), "complete"), 0);
}

TEST(S3ClientParallel, AStopRequestCutsTheUploadAndStillAborts) {
  reset_stop();
  set_stop_grace(std::chrono::milliseconds(0));
  t::TempDir dir;
  t::write_file(dir / "f", kThirty);
  MultipartServer server;
  server.head_size = 30;
  FakeHttpClient http([&](const HttpRequest& r) {
    if (query_of(r.url)["partNumber"] == "3") request_stop(0);
    // As the libcurl client does: once work must be abandoned, interruptible calls are cut.
    if (r.interruptible && must_abandon())
      return FakeHttpClient::fail(net::TransportError::kInterrupted);
    return server(r);
  });
  S3Options o = loopback_options();
  o.parallel = 3;
  S3Client client(http, o);
  try {
    client.put_file("big", dir / "f");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_EQ(e.kind(), FailureKind::kInterrupted) << e.what();
  }
  reset_stop();
  EXPECT_EQ(server.log.back(), "abort up%2F1");
  EXPECT_EQ(std::count(server.log.begin(), server.log.end(), "complete"), 0);
  EXPECT_FALSE(http.requests().back().interruptible);
}

TEST(S3ClientParallel, BytesChangedBetweenHashingAndSendingFailTheUpload) {
  t::TempDir dir;
  const std::string path = dir / "f";
  t::write_file(path, kThirty);
  MultipartServer server;
  // As S3 does: a body that does not match its Content-MD5 is refused with BadDigest.
  FakeHttpClient http([&](const HttpRequest& r) {
    auto q = query_of(r.url);
    if (q["partNumber"] == "2") flip_byte(path, 5);  // a writer, after part 2 was hashed
    if (r.method == "PUT" && crypto::md5_base64(body_of(r)) != header(r, "Content-MD5"))
      return FakeHttpClient::respond(400, error_xml("BadDigest",
                                                    "The Content-MD5 you specified "
                                                    "did not match what we received."));
    return server(r);
  });
  S3Client client(http, loopback_options());
  try {
    client.put_file("big", path);
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_STREQ(e.what(), ("s3 PUT s3://bucket/pre/big: " + path +
                            " changed while it was uploaded (its bytes are not those hashed "
                            "before sending); nothing was stored")
                               .c_str());
  }
  EXPECT_EQ(server.log, (std::vector<std::string>{"initiate", "part 1", "abort up%2F1"}));
}

TEST(S3ClientParallel, AChangeToAPartAlreadySentIsCaughtBeforeCompleting) {
  t::TempDir dir;
  const std::string path = dir / "f";
  t::write_file(path, kThirty);
  MultipartServer server;
  FakeHttpClient http([&](const HttpRequest& r) {
    if (query_of(r.url)["partNumber"] == "8") {
      flip_byte(path, 0);  // part 1, sent already: every part still matches its digest
      touch_later(path);
    }
    return server(r);
  });
  S3Client client(http, loopback_options());
  try {
    client.put_file("big", path);
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_NE(std::string(e.what()).find("changed while it was uploaded (its size or "
                                         "modification time changed)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(server.log.back(), "abort up%2F1");
  EXPECT_EQ(std::count(server.log.begin(), server.log.end(), "complete"), 0);
}

TEST(S3ClientParallel, ASinglePutOfAChangedFileFailsAndLeavesNoObject) {
  t::TempDir dir;
  const std::string path = dir / "f";
  // A store that checks Content-MD5 refuses the body...
  t::write_file(path, "hello");
  FakeHttpClient strict([&](const HttpRequest& r) {
    flip_byte(path, 0);
    if (crypto::md5_base64(body_of(r)) != header(r, "Content-MD5"))
      return FakeHttpClient::respond(400, error_xml("BadDigest", "no"));
    return FakeHttpClient::respond(200);
  });
  EXPECT_THROW(S3Client(strict, loopback_options()).put_file("k", path), OperationError);
  ASSERT_EQ(strict.requests().size(), 1u);

  // ...one that does not (s3rver) stores it, and answers its MD5 as the ETag: ferry removes it.
  t::write_file(path, "hello");
  FakeHttpClient lax([&](const HttpRequest& r) {
    if (r.method == "DELETE") return FakeHttpClient::respond(204);
    flip_byte(path, 0);
    return FakeHttpClient::respond(200, "", {{"etag", "\"" + crypto::md5_hex(body_of(r)) + "\""}});
  });
  try {
    S3Client(lax, loopback_options()).put_file("k", path);
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_NE(std::string(e.what()).find(" changed while it was uploaded"), std::string::npos);
  }
  ASSERT_EQ(lax.requests().size(), 2u);
  EXPECT_EQ(lax.requests()[1].method, "DELETE");
  EXPECT_EQ(lax.requests()[1].url, "http://127.0.0.1:9000/bucket/pre/k");
}

TEST(S3ClientParallel, ABadDigestForAnUnchangedFileIsDamageOnTheWayAndTransient) {
  t::TempDir dir;
  t::write_file(dir / "f", "hello");
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(400, error_xml("BadDigest", "bad digest"));
  });
  try {
    S3Client(http, loopback_options()).put_file("k", dir / "f");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_STREQ(e.what(),
                 "s3 PUT s3://bucket/pre/k: HTTP 400 BadDigest: bad digest (the bytes were "
                 "damaged on the way)");
  }
}

TEST(S3ClientParallel, OverHttpsASinglePutGoesUnsignedWithContentMd5) {
  t::TempDir dir;
  t::write_file(dir / "f", "hello");
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(200, "", {{"etag", "\"5d41402abc4b2a76b9719d911017c592\""}});
  });
  S3Options o = loopback_options();
  o.endpoint = "https://minio.example:9000";
  S3Client(http, o).put_file("k", dir / "f");
  ASSERT_EQ(http.requests().size(), 1u);
  EXPECT_EQ(header(http.requests()[0], "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(header(http.requests()[0], "Content-MD5"), crypto::md5_base64("hello"));
}

TEST(S3ClientParallel, DownloadsHashTheBytesAsTheyArriveAndStartOverOnARetry) {
  t::TempDir dir;
  const std::string data(200 * 1024, 'x');  // several chunks
  std::string etag = "\"" + crypto::md5_hex(data) + "\"";
  FakeHttpClient http([&](const HttpRequest& r) {
    // What an attempt cut midway showed before the retry started over.
    r.on_body_start();
    r.on_body("cut ");
    t::write_file(r.response_file, data);
    return FakeHttpClient::respond(
        200, "", {{"content-length", std::to_string(data.size())}, {"etag", etag}});
  });
  S3Client client(http, loopback_options());
  client.get_file("x", dir / "x");
  EXPECT_TRUE(t::read_file(dir / "x") == data);

  // Bytes that are not the ETag's: an error, and no file at the target, no temp file either.
  etag = "\"" + crypto::md5_hex("other") + "\"";
  try {
    client.get_file("y", dir / "sub/y");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_NE(std::string(e.what()).find("s3 GET s3://bucket/pre/y: downloaded data has MD5 " +
                                         crypto::md5_hex(data) + " but the ETag is "),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() + "/sub"));
}

}  // namespace
}  // namespace ferry::s3
