// S3Client against a scripted HTTP fake: single PUTs and the multipart flow, part retries
// and aborts.
#include <gtest/gtest.h>

#include <filesystem>

#include "ferry/base/clock.h"
#include "ferry/base/error.h"
#include "ferry/net/retry.h"
#include "s3/client_support.h"

namespace ferry::s3 {
namespace {

using namespace ferry::s3::test_support;
namespace t = ferry::testing;

TEST(S3Client, SinglePutSignsAndSendsDigestsOfTheStreamedFile) {
  t::TempDir dir;
  t::write_file(dir / "f.csv", "hello");
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(200, "", {{"etag", "\"5d41402abc4b2a76b9719d911017c592\""}});
  });
  S3Client client(http, loopback_options());
  client.put_file("dir/a b+c.csv", dir / "f.csv");

  ASSERT_EQ(http.requests().size(), 1u);
  const HttpRequest& r = http.requests()[0];
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.url, "http://127.0.0.1:9000/bucket/pre/dir/a%20b%2Bc.csv");
  EXPECT_EQ(header(r, "Host"), "127.0.0.1:9000");
  // Over plain HTTP the signed SHA-256 guards the bytes; the MD5 is taken as they go out.
  EXPECT_EQ(header(r, "Content-MD5"), "");
  EXPECT_EQ(header(r, "x-amz-content-sha256"), crypto::sha256_hex("hello"));
  EXPECT_EQ(header(r, "Authorization").rfind("AWS4-HMAC-SHA256 Credential=AKID/", 0), 0u);
  EXPECT_EQ(r.body.file, dir / "f.csv");
  EXPECT_TRUE(r.body.data.empty());
  EXPECT_EQ(r.body.length.value_or(0), 5u);
  EXPECT_GT(r.stall_timeout.count(), 0);
}

TEST(S3Client, SinglePutWithWrongEtagFails) {
  t::TempDir dir;
  t::write_file(dir / "f", "hello");
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(200, "", {{"etag", "\"00000000000000000000000000000000\""}});
  });
  S3Client client(http, loopback_options());
  try {
    client.put_file("k", dir / "f");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_NE(std::string(e.what()).find("s3 PUT s3://bucket/pre/k: the ETag"), std::string::npos);
  }
}

// Changes the file just before handing the request on: after ferry hashed it, before it is sent.
class ChangeBeforeSending : public net::HttpClient {
 public:
  ChangeBeforeSending(net::HttpClient& inner, std::string path) : inner_(inner), path_(path) {}
  HttpResponse send(const HttpRequest& r) override {
    if (r.method == "PUT") t::write_file(path_, "jello");
    return inner_.send(r);
  }

 private:
  net::HttpClient& inner_;
  std::string path_;
};

TEST(S3Client, SinglePutOverHttpSeesBytesChangedAfterHashingAndRemovesTheObject) {
  t::TempDir dir;
  t::write_file(dir / "f", "hello");
  // The store (like s3rver) checks nothing and answers the MD5 of what it got.
  FakeHttpClient http([](const HttpRequest& r) {
    if (r.method == "DELETE") return FakeHttpClient::respond(204);
    return FakeHttpClient::respond(200, "", {{"etag", "\"" + crypto::md5_hex("jello") + "\""}});
  });
  ChangeBeforeSending changing(http, dir / "f");
  try {
    S3Client(changing, loopback_options()).put_file("k", dir / "f");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_NE(std::string(e.what()).find("changed while it was uploaded (its bytes are not those "
                                         "hashed before)"),
              std::string::npos)
        << e.what();
  }
  ASSERT_EQ(http.requests().size(), 2u);
  EXPECT_EQ(header(http.requests()[0], "x-amz-content-sha256"), crypto::sha256_hex("hello"));
  EXPECT_EQ(http.requests()[1].method, "DELETE");
}

TEST(S3Client, SinglePutRetriedHashesWhatTheLastTrySent) {
  t::TempDir dir;
  t::write_file(dir / "f", "hello");
  int calls = 0;
  FakeHttpClient http([&calls](const HttpRequest&) {
    if (++calls == 1) return FakeHttpClient::respond(503, "<Error><Code>SlowDown</Code></Error>");
    return FakeHttpClient::respond(200, "", {{"etag", "\"" + crypto::md5_hex("hello") + "\""}});
  });
  FakeTimer timer;
  FixedClock wall(TimePoint(std::chrono::seconds(1452470700)));
  net::RetryingHttpClient retrying(
      http, net::RetryPolicy{}, timer, [] { return 0.5; }, wall);
  S3Client(retrying, loopback_options()).put_file("k", dir / "f");
  EXPECT_EQ(calls, 2);
}

TEST(S3Client, MultipartUploadsPartsCompletesInOrderAndChecksSize) {
  t::TempDir dir;
  t::write_file(dir / "f", "0123456789A");  // 11 bytes: parts of 4, 4, 3
  MultipartServer server;
  FakeHttpClient http([&](const HttpRequest& r) { return server(r); });
  S3Client client(http, loopback_options());
  std::vector<uint64_t> progress;
  client.set_progress([&](uint64_t done, uint64_t total) {
    EXPECT_EQ(total, 11u);
    progress.push_back(done);
  });
  client.put_file("big", dir / "f");

  EXPECT_EQ(server.log, (std::vector<std::string>{"initiate", "part 1", "part 2", "part 3",
                                                  "complete", "head"}));
  const auto& reqs = http.requests();
  EXPECT_EQ(query_of(reqs[1].url)["uploadId"], "up%2F1");
  EXPECT_EQ(body_of(reqs[2]), "4567");
  EXPECT_EQ(header(reqs[3], "Content-MD5"), crypto::md5_base64("89A"));
  EXPECT_EQ(header(reqs[3], "x-amz-content-sha256"), crypto::sha256_hex("89A"));
  EXPECT_EQ(
      reqs[4].body.data,
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"" +
          crypto::md5_hex("0123") + "\"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>\"" +
          crypto::md5_hex("4567") + "\"</ETag></Part><Part><PartNumber>3</PartNumber><ETag>\"" +
          crypto::md5_hex("89A") + "\"</ETag></Part></CompleteMultipartUpload>");
  EXPECT_EQ(header(reqs[4], "x-amz-content-sha256"), crypto::sha256_hex(reqs[4].body.data));
  EXPECT_TRUE(progress.empty());  // the fake never calls the request's progress callback
}

// A writer that truncates (or rewrites) the file while its parts are hashed makes a part end
// early: the file changed during its upload (transient), not a file ferry cannot read.
TEST(S3Client, AFileCutShortWhileItsPartsAreHashedIsAChangeAndTheUploadIsAborted) {
  t::TempDir dir;
  t::write_file(dir / "f", "0123456789A");  // 11 bytes: parts of 4, 4, 3
  MultipartServer server;
  FakeHttpClient http([&](const HttpRequest& r) {
    if (r.method == "POST" && query_of(r.url).count("uploads")) t::write_file(dir / "f", "01234");
    return server(r);
  });
  try {
    S3Client(http, loopback_options()).put_file("big", dir / "f");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient()) << e.what();
    EXPECT_NE(std::string(e.what()).find(dir / "f" +
                                         " changed while it was uploaded (it ended early while it "
                                         "was read); nothing was stored"),
              std::string::npos)
        << e.what();
  }
  ASSERT_FALSE(server.log.empty());
  EXPECT_EQ(server.log.front(), "initiate");
  EXPECT_EQ(server.log.back(), "abort up%2F1");
}

TEST(S3Client, OverHttpsPartsGoAsUnsignedPayloadWithContentMd5) {
  t::TempDir dir;
  t::write_file(dir / "f", "0123456789A");
  MultipartServer server;
  FakeHttpClient http([&](const HttpRequest& r) { return server(r); });
  S3Options o = loopback_options();
  o.endpoint = "https://minio.example:9000";
  S3Client client(http, o);
  client.put_file("big", dir / "f");
  const auto& reqs = http.requests();
  ASSERT_EQ(reqs.size(), 6u);
  EXPECT_EQ(reqs[1].url.rfind("https://minio.example:9000/bucket/pre/big?partNumber=1&", 0), 0u);
  EXPECT_EQ(header(reqs[1], "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(header(reqs[1], "Content-MD5"), crypto::md5_base64("0123"));
  // The small requests and single PUTs still sign their payload.
  EXPECT_EQ(header(reqs[4], "x-amz-content-sha256"), crypto::sha256_hex(reqs[4].body.data));
}

TEST(S3Client, FailedPartAbortsTheUploadWithAMessageNamingBucketKeyAndPart) {
  t::TempDir dir;
  t::write_file(dir / "f", "0123456789A");
  MultipartServer server;
  server.fail_part = 2;
  server.failures = 1;
  server.failure = FakeHttpClient::respond(403, error_xml("AccessDenied", "Access Denied"));
  FakeHttpClient http([&](const HttpRequest& r) { return server(r); });
  S3Client client(http, loopback_options());
  try {
    client.put_file("big", dir / "f");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_FALSE(e.is_transient());
    EXPECT_STREQ(
        e.what(),
        "s3 PUT s3://bucket/pre/big (part 2 of 3, try 1): HTTP 403 AccessDenied: Access Denied");
  }
  EXPECT_EQ(server.log, (std::vector<std::string>{"initiate", "part 1", "part 2", "abort up%2F1"}));
}

TEST(S3Client, TransientPartFailureRetriesOnlyThatPart) {
  t::TempDir dir;
  t::write_file(dir / "f", "0123456789A");
  MultipartServer server;
  server.fail_part = 2;
  server.failures = 2;
  server.failure = FakeHttpClient::respond(500, error_xml("InternalError", "try again"));
  FakeHttpClient http([&](const HttpRequest& r) { return server(r); });
  S3Client client(http, loopback_options());
  client.put_file("big", dir / "f");
  EXPECT_EQ(server.log, (std::vector<std::string>{"initiate", "part 1", "part 2", "part 2",
                                                  "part 2", "part 3", "complete", "head"}));
}

TEST(S3Client, PartRetriesRunOutThenAbortAsTransient) {
  t::TempDir dir;
  t::write_file(dir / "f", "0123456789A");
  MultipartServer server;
  server.fail_part = 3;
  server.failures = 99;
  server.failure =
      FakeHttpClient::respond(503, error_xml("SlowDown", "Please reduce your request rate."));
  FakeHttpClient http([&](const HttpRequest& r) { return server(r); });
  S3Client client(http, loopback_options());
  try {
    client.put_file("big", dir / "f");
    FAIL() << "expected an error";
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_NE(std::string(e.what()).find("(part 3 of 3, try 3): HTTP 503 SlowDown"),
              std::string::npos);
  }
  EXPECT_EQ(server.log.back(), "abort up%2F1");
  EXPECT_EQ(std::count(server.log.begin(), server.log.end(), "part 3"), 3);
}

TEST(S3Client, SizeMismatchAfterCompleteRemovesTheObject) {
  t::TempDir dir;
  t::write_file(dir / "f", "0123456789A");
  MultipartServer server;
  server.head_size = 8;
  FakeHttpClient http([&](const HttpRequest& r) { return server(r); });
  S3Client client(http, loopback_options());
  EXPECT_THROW(client.put_file("big", dir / "f"), OperationError);
  EXPECT_EQ(server.log.back(), "delete");
}

TEST(S3Client, PartSizeGrowsToStayWithinTenThousandParts) {
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(200); });
  S3Options o = loopback_options();
  o.part_size = 8 * kMiB;
  S3Client client(http, o);
  EXPECT_EQ(client.part_size_for(40 * kMiB), 8 * kMiB);
  uint64_t huge = 200ull * 1024 * kMiB;  // 200 GiB
  uint64_t part = client.part_size_for(huge);
  EXPECT_LE((huge + part - 1) / part, kMaxParts);
  EXPECT_EQ(part % kMiB, 0u);
}

}  // namespace
}  // namespace ferry::s3
