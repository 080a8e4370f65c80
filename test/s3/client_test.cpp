// S3Client against a scripted HTTP fake: listing, downloads, errors, presigning and addressing.
#include <gtest/gtest.h>

#include <filesystem>

#include "ferry/base/error.h"
#include "s3/client_support.h"

namespace ferry::s3 {
namespace {

using namespace ferry::s3::test_support;
namespace t = ferry::testing;

TEST(S3Client, ListFollowsContinuationTokensAndDecodesKeys) {
  int calls = 0;
  FakeHttpClient http([&](const HttpRequest&) {
    ++calls;
    if (calls == 1)
      return FakeHttpClient::respond(
          200,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
          "xmlns=\"http://s3.amazonaws."
          "com/doc/2006-03-01/\"><Name>bucket</Name><Prefix>pre/d/</Prefix><KeyCount>2</KeyCount>"
          "<IsTruncated>true</IsTruncated><NextContinuationToken>tok+/=</NextContinuationToken>"
          "<Contents><Key>pre/d/a&amp;b &lt;1&gt;.csv</Key><LastModified>2016-01-10T00:00:00.000Z"
          "</LastModified><ETag>&quot;abc&quot;</ETag><Size>12</Size></Contents>"
          "<Contents><Key>pre/d/caf&#xE9;</Key><Size>0</Size></Contents></ListBucketResult>");
    return FakeHttpClient::respond(
        200,
        "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>pre/d/z</Key>"
        "<Size>3</Size></Contents></ListBucketResult>");
  });
  S3Client client(http, loopback_options());
  auto objects = client.list("d/", "d/0");
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0].key, "d/a&b <1>.csv");
  EXPECT_EQ(objects[0].size, 12u);
  EXPECT_EQ(objects[0].etag, "abc");
  EXPECT_EQ(objects[0].last_modified, "2016-01-10T00:00:00.000Z");
  EXPECT_EQ(objects[1].key, "d/caf\xc3\xa9");
  EXPECT_EQ(objects[2].key, "d/z");

  ASSERT_EQ(http.requests().size(), 2u);
  auto first = query_of(http.requests()[0].url);
  EXPECT_EQ(http.requests()[0].url.substr(0, http.requests()[0].url.find('?')),
            "http://127.0.0.1:9000/bucket");
  EXPECT_EQ(first["list-type"], "2");
  EXPECT_EQ(first["prefix"], "pre%2Fd%2F");
  EXPECT_EQ(first["start-after"], "pre%2Fd%2F0");
  EXPECT_EQ(first.count("continuation-token"), 0u);
  EXPECT_EQ(query_of(http.requests()[1].url)["continuation-token"], "tok%2B%2F%3D");
}

TEST(S3Client, ListRefusesATruncatedPageWithoutToken) {
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(
        200, "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>");
  });
  S3Client client(http, loopback_options());
  EXPECT_THROW(client.list(""), OperationError);
}

TEST(S3Client, ListFirstAsksForAtMostMaxKeysInOneRequest) {
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(
        200,
        "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t"
        "</NextContinuationToken><Contents><Key>pre/a</Key><Size>1</Size></Contents>"
        "<Contents><Key>pre/b</Key><Size>2</Size></Contents></ListBucketResult>");
  });
  S3Client client(http, loopback_options());
  auto objects = client.list_first("", 1);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].key, "a");
  ASSERT_EQ(http.requests().size(), 1u);
  auto query = query_of(http.requests()[0].url);
  EXPECT_EQ(query["max-keys"], "1");
  EXPECT_EQ(query["prefix"], "pre%2F");
}

TEST(S3Client, ListFirstFailsAsListDoes) {
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(
        403,
        error_xml("SignatureDoesNotMatch", "The request signature we calculated does not match"));
  });
  S3Client client(http, loopback_options());
  try {
    client.list_first("", 1);
    FAIL() << "no error";
  } catch (const OperationError& e) {
    EXPECT_FALSE(e.is_transient());
    EXPECT_NE(std::string(e.what()).find("HTTP 403 SignatureDoesNotMatch"), std::string::npos)
        << e.what();
  }
}

TEST(S3Client, ErrorsNameBucketAndKeyAndSayWhetherToRetry) {
  FakeHttpClient http([](const HttpRequest& r) {
    if (r.method == "GET" && r.url.find("missing") != std::string::npos)
      return FakeHttpClient::respond(404,
                                     error_xml("NoSuchKey", "The specified key does not exist."));
    if (r.method == "GET")
      return FakeHttpClient::respond(503, error_xml("SlowDown", "Reduce your rate."));
    if (r.method == "HEAD" && r.url.find("secret") != std::string::npos)
      return FakeHttpClient::respond(403);
    if (r.method == "HEAD") return FakeHttpClient::respond(404);
    if (r.method == "DELETE") return FakeHttpClient::respond(404);
    return FakeHttpClient::fail(net::TransportError::kTimeout, "Operation timed out");
  });
  S3Client client(http, loopback_options());
  t::TempDir dir;
  try {
    client.get_file("missing.csv", dir / "out.csv");
    FAIL();
  } catch (const OperationError& e) {
    EXPECT_FALSE(e.is_transient());
    EXPECT_STREQ(e.what(),
                 "s3 GET s3://bucket/pre/missing.csv: HTTP 404 NoSuchKey: The specified key does "
                 "not exist.");
  }
  try {
    client.get_file("busy.csv", dir / "out.csv");
    FAIL();
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_STREQ(e.what(), "s3 GET s3://bucket/pre/busy.csv: HTTP 503 SlowDown: Reduce your rate.");
  }
  try {
    client.head("secret");
    FAIL();
  } catch (const OperationError& e) {
    EXPECT_FALSE(e.is_transient());
    EXPECT_STREQ(e.what(), "s3 HEAD s3://bucket/pre/secret: HTTP 403");
  }
  EXPECT_FALSE(client.head("nothing").has_value());
  EXPECT_NO_THROW(client.remove("gone"));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // no temp files left behind
  for (const auto& r : http.requests())
    EXPECT_EQ(header(r, "Authorization").find("SECRET"), std::string::npos);
}

TEST(S3Client, RetriedResponsesSayHowManyTries) {
  HttpResponse r =
      FakeHttpClient::respond(500, error_xml("InternalError", "We encountered an internal error."));
  r.attempts = 5;
  EXPECT_EQ(describe_failure(r),
            "HTTP 500 InternalError: We encountered an internal error. after 5 tries");
  EXPECT_TRUE(is_transient_failure(r));
  EXPECT_TRUE(is_transient_failure(FakeHttpClient::respond(400, error_xml("RequestTimeout", "x"))));
  EXPECT_FALSE(
      is_transient_failure(FakeHttpClient::respond(400, error_xml("InvalidArgument", "x"))));
}

HttpResponse serve_body(const HttpRequest& r, const std::string& data, const std::string& etag) {
  t::write_file(r.response_file, data);
  return FakeHttpClient::respond(200, "",
                                 {{"content-length", std::to_string(data.size())}, {"etag", etag}});
}

TEST(S3Client, GetVerifiesMd5AndSizeThenRenames) {
  std::string data = "a,b\n1,2\n";
  std::string etag = "\"" + crypto::md5_hex(data) + "\"";
  FakeHttpClient http([&](const HttpRequest& r) { return serve_body(r, data, etag); });
  S3Client client(http, loopback_options());
  t::TempDir dir;
  client.get_file("x.csv", dir / "x.csv");
  EXPECT_EQ(t::read_file(dir / "x.csv"), data);
  EXPECT_EQ(http.requests()[0].url, "http://127.0.0.1:9000/bucket/pre/x.csv");
  EXPECT_NE(http.requests()[0].response_file.find(dir.path() + "/.x.csv.ferry-"),
            std::string::npos);

  etag = "\"" + crypto::md5_hex("something else") + "\"";
  t::write_file(dir / "y.csv", "old");
  EXPECT_THROW(client.get_file("y.csv", dir / "y.csv"), OperationError);
  EXPECT_EQ(t::read_file(dir / "y.csv"), "old");  // untouched on failure

  etag = "\"" + crypto::md5_hex("x") + "-2\"";  // multipart-style: size check only
  client.get_file("z.csv", dir / "z.csv");
  EXPECT_EQ(t::read_file(dir / "z.csv"), data);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            3);
}

TEST(S3Client, PresignedLinksLastAtMostSevenDays) {
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(200); });
  S3Client client(http, loopback_options());
  TimePoint now = *parse_iso8601("2016-01-10T00:00:00Z");
  std::string url = client.presign_get("r/a b.csv", std::chrono::hours(24), now);
  EXPECT_EQ(
      url.rfind("http://127.0.0.1:9000/bucket/pre/r/a%20b.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                "&X-Amz-Credential=AKID%2F20160110%2Fus-east-1%2Fs3%2Faws4_request"
                "&X-Amz-Date=20160110T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                "&X-Amz-Signature=",
                0),
      0u);
  EXPECT_EQ(url.find("SECRET"), std::string::npos);
  EXPECT_NO_THROW(client.presign_get("k", std::chrono::hours(24 * 7), now));
  try {
    client.presign_get("k", std::chrono::hours(24 * 7) + std::chrono::seconds(1), now);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("at most 7 days"), std::string::npos);
  }
  EXPECT_TRUE(http.requests().empty());
}

TEST(S3Client, VirtualHostedAddressingAndDefaultEndpoint) {
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(404); });
  S3Options o;
  o.region = "eu-west-1";
  o.bucket = "my-reports";
  o.credentials = {"AKID", "SECRET", "TOKEN"};
  S3Client client(http, o);
  EXPECT_EQ(client.describe(), "s3://my-reports");
  client.head("2016/a.csv");
  const HttpRequest& r = http.requests()[0];
  EXPECT_EQ(r.url, "https://my-reports.s3.eu-west-1.amazonaws.com/2016/a.csv");
  EXPECT_EQ(header(r, "Host"), "my-reports.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(header(r, "x-amz-security-token"), "TOKEN");
  EXPECT_NE(header(r, "Authorization").find("/eu-west-1/s3/aws4_request"), std::string::npos);
}

TEST(S3Client, EndpointsAreValidated) {
  Endpoint e = parse_endpoint("HTTPS://Minio.Local:443/base/");
  EXPECT_EQ(e.scheme, "https");
  EXPECT_EQ(e.host, "minio.local");
  EXPECT_EQ(e.base_path, "/base");
  EXPECT_EQ(parse_endpoint("http://127.0.0.1:4568").host, "127.0.0.1:4568");
  EXPECT_THROW(parse_endpoint("s3.amazonaws.com"), UsageError);
  EXPECT_THROW(parse_endpoint("ftp://x"), UsageError);
  EXPECT_THROW(parse_endpoint("https://user:pw@x"), UsageError);
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(200); });
  S3Options o = loopback_options();
  o.bucket = "";
  EXPECT_THROW(S3Client(http, o), UsageError);
}

}  // namespace
}  // namespace ferry::s3
