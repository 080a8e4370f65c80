// SigV4 against the worked examples in the S3 API reference ("Signature Calculations for the
// Authorization Header" and "Authenticating Requests: Using Query Parameters"), which use the
// documentation's example credentials and a fixed time, plus S3's encoding rules.
#include "ferry/s3/sigv4.h"

#include <gtest/gtest.h>

#include "ferry/base/time.h"
#include "ferry/crypto/hash.h"

namespace ferry::s3 {
namespace {

const char* kHost = "examplebucket.s3.amazonaws.com";

SigningParams example_params() {
  return {{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}, "us-east-1"};
}

TimePoint example_time() {
  return *parse_iso8601("2013-05-24T00:00:00Z");
}

std::string authorization(const net::Headers& headers) {
  for (const auto& [name, value] : headers)
    if (name == "Authorization") return value;
  return "";
}

TEST(S3SigV4, GetObjectHeaderAuthMatchesAwsExample) {
  const CanonicalInput input{"GET",
                             "/test.txt",
                             {},
                             {{"Host", kHost},
                              {"Range", "bytes=0-9"},
                              {"x-amz-content-sha256", kEmptySha256},
                              {"x-amz-date", "20130524T000000Z"}},
                             kEmptySha256};
  EXPECT_EQ(canonical_request(input),
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            "\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign("20130524T000000Z", credential_scope("20130524", "us-east-1"),
                           canonical_request(input)),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");

  auto headers = sign_headers(example_params(), "GET", kHost, "/test.txt", {},
                              {{"Range", "bytes=0-9"}}, kEmptySha256, example_time());
  EXPECT_EQ(authorization(headers),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3SigV4, PutObjectWithDollarInKeyMatchesAwsExample) {
  const std::string body = "Welcome to Amazon S3.";
  const std::string hash = crypto::sha256_hex(body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  auto headers = sign_headers(
      example_params(), "PUT", kHost, "/test$file.text", {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      hash, example_time());
  EXPECT_EQ(authorization(headers),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(S3SigV4, SubresourceAndListQueriesMatchAwsExamples) {
  auto lifecycle = sign_headers(example_params(), "GET", kHost, "/", {{"lifecycle", ""}}, {},
                                kEmptySha256, example_time());
  EXPECT_EQ(authorization(lifecycle),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
            "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  auto list = sign_headers(example_params(), "GET", kHost, "/",
                           {{"prefix", "J"}, {"max-keys", "2"}}, {}, kEmptySha256, example_time());
  EXPECT_EQ(authorization(list),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
            "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3SigV4, PresignedGetMatchesAwsExample) {
  std::string query = presign_query(example_params(), "GET", kHost, "/test.txt", {},
                                    std::chrono::seconds(86400), example_time());
  EXPECT_EQ(query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(S3SigV4, SessionTokenIsSignedInHeadersAndQuery) {
  SigningParams p = example_params();
  p.credentials.session_token = "tok/en+=";
  auto headers = sign_headers(p, "GET", kHost, "/a", {}, {}, kEmptySha256, example_time());
  bool found = false;
  for (const auto& [n, v] : headers)
    found = found || (n == "x-amz-security-token" && v == p.credentials.session_token);
  EXPECT_TRUE(found);
  EXPECT_NE(authorization(headers).find("x-amz-date;x-amz-security-token,"), std::string::npos);
  std::string q =
      presign_query(p, "GET", kHost, "/a", {}, std::chrono::seconds(60), example_time());
  EXPECT_NE(q.find("&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-SignedHeaders=host"),
            std::string::npos);
}

TEST(S3SigV4, UriEncodingFollowsS3Rules) {
  EXPECT_EQ(uri_encode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(uri_encode("a b", true), "a%20b");
  EXPECT_EQ(uri_encode("a+b", true), "a%2Bb");
  EXPECT_EQ(uri_encode("dir/sub/file.csv", true), "dir/sub/file.csv");
  EXPECT_EQ(uri_encode("dir/sub", false), "dir%2Fsub");
  EXPECT_EQ(uri_encode("caf\xc3\xa9 \xe2\x82\xac", true), "caf%C3%A9%20%E2%82%AC");
  EXPECT_EQ(uri_encode("a=b&c*d%e", false), "a%3Db%26c%2Ad%25e");
  EXPECT_EQ(uri_encode("//x//", true), "//x//");  // S3 keeps empty segments
}

TEST(S3SigV4, CanonicalQuerySortsEncodedNamesAndKeepsEmptyValues) {
  EXPECT_EQ(canonical_query({{"prefix", "a b/c+"}, {"list-type", "2"}, {"uploads", ""}}),
            "list-type=2&prefix=a%20b%2Fc%2B&uploads=");
  // Byte order: upper case sorts before lower case.
  EXPECT_EQ(canonical_query({{"b", "1"}, {"X-Amz-Date", "d"}, {"a", "2"}}), "X-Amz-Date=d&a=2&b=1");
  EXPECT_EQ(canonical_query({{"k", "2"}, {"k", "1"}}), "k=1&k=2");
  EXPECT_EQ(canonical_query({}), "");
}

TEST(S3SigV4, CanonicalHeadersTrimCollapseAndJoin) {
  auto h = canonical_headers(
      {{"X-Amz-Meta-A", "  one   two  "}, {"Host", "h"}, {"x-amz-meta-a", "three"}});
  EXPECT_EQ(h.block, "host:h\nx-amz-meta-a:one two,three\n");
  EXPECT_EQ(h.signed_names, "host;x-amz-meta-a");
}

TEST(S3SigV4, CanonicalRequestEncodesUnicodeAndSpacesInPath) {
  CanonicalInput in{"PUT",
                    "/bucket/r\xc3\xa9sum\xc3\xa9 2016+1.csv",
                    {{"partNumber", "1"}, {"uploadId", "a/b"}},
                    {{"host", "h:9000"}},
                    kUnsignedPayload};
  EXPECT_EQ(
      canonical_request(in),
      "PUT\n/bucket/r%C3%A9sum%C3%A9%202016%2B1.csv\npartNumber=1&uploadId=a%2Fb\nhost:h:9000\n\n"
      "host\nUNSIGNED-PAYLOAD");
}

TEST(S3SigV4, AmzDateIsUtcBasicFormat) {
  EXPECT_EQ(amz_date(*parse_iso8601("2016-01-10T23:59:58+02:00")), "20160110T215958Z");
}

}  // namespace
}  // namespace ferry::s3
