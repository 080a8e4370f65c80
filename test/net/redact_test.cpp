#include "ferry/net/redact.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry::net {
namespace {

TEST(RedactTest, MasksUserInfoPassword) {
  EXPECT_EQ(redact_url("https://user:hunter2@example.org/path?x=1"),
            "https://user:********@example.org/path?x=1");
  EXPECT_EQ(redact_url("smtp://ferry:s3cr3t@mail.example.org:587"),
            "smtp://ferry:********@mail.example.org:587");
  EXPECT_EQ(redact_url("https://user:p@ss@example.org/"), "https://user:********@example.org/");
}

TEST(RedactTest, KeepsUserWithoutPasswordAndPorts) {
  EXPECT_EQ(redact_url("https://user@example.org/path"), "https://user@example.org/path");
  EXPECT_EQ(redact_url("https://example.org:8443/path"), "https://example.org:8443/path");
  EXPECT_EQ(redact_url("https://user@example.org:8443/"), "https://user@example.org:8443/");
  EXPECT_EQ(redact_url("https://example.org/a/b"), "https://example.org/a/b");
  EXPECT_EQ(redact_url(""), "");
}

TEST(RedactTest, AtSignAfterTheHostIsNotUserInfo) {
  EXPECT_EQ(redact_url("https://example.org/users/a:b@c"), "https://example.org/users/a:b@c");
  EXPECT_EQ(redact_url("https://example.org/find?email=a:b@c.org"),
            "https://example.org/find?email=a:b@c.org");
}

// Parameter names such as api_key are secret because a config key of that name is declared
// secret (the binary adds them from its schema at start-up); the test declares them itself.
TEST(RedactTest, MasksSecretQueryParameters) {
  add_secret_names({"api_key", "token_auth", "apikey"});
  EXPECT_EQ(redact_url("https://cake.example.org/api?api_key=abc123&start=2016-01-10"),
            "https://cake.example.org/api?api_key=********&start=2016-01-10");
  EXPECT_EQ(redact_url("https://matomo.example.org/piwik.php?idsite=3&token_auth=feedbeef"),
            "https://matomo.example.org/piwik.php?idsite=3&token_auth=********");
  EXPECT_EQ(redact_url("https://h/p?apikey=k1&password=pw&access_token=t"),
            "https://h/p?apikey=********&password=********&access_token=********");
  EXPECT_EQ(redact_url("https://h/p?API_KEY=abc"), "https://h/p?API_KEY=********");
}

TEST(RedactTest, MasksPresignedS3Signatures) {
  std::string url =
      "https://bucket.s3.amazonaws.com/exports/clicks.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20160111%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20160111T000500Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
      "&X-Amz-Security-Token=FQoGZXIvYXdzEPT&X-Amz-Signature="
      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  std::string out = redact_url(url);
  EXPECT_EQ(out,
            "https://bucket.s3.amazonaws.com/exports/clicks.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=********&X-Amz-Date=20160111T000500Z&X-Amz-Expires=86400"
            "&X-Amz-SignedHeaders=host&X-Amz-Security-Token=********&X-Amz-Signature=********");
  EXPECT_EQ(out.find("aeeed9bb"), std::string::npos);
  EXPECT_EQ(out.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
}

TEST(RedactTest, UndeclaredNamesAreNotSecret) {
  EXPECT_EQ(redact_url("https://h/p?idsite=3&start=1"), "https://h/p?idsite=3&start=1");
  add_secret_names({"X-Wenet-Component-Apikey"});
  EXPECT_EQ(redact_header("x-wenet-component-apikey", "k1"), "********");
}

TEST(RedactTest, KeepsHarmlessQueryParameters) {
  EXPECT_EQ(redact_url("https://h/p?a=1&b=2"), "https://h/p?a=1&b=2");
  EXPECT_EQ(redact_url("https://h/p?"), "https://h/p?");
  EXPECT_EQ(redact_url("https://h/p?flag&x=1"), "https://h/p?flag&x=1");
  EXPECT_EQ(redact_url("https://h/p?my_api_key_name=x&passwordless=1"),
            "https://h/p?my_api_key_name=x&passwordless=1");
}

TEST(RedactTest, MasksBothUserInfoAndQuery) {
  add_secret_names({"api_key"});
  EXPECT_EQ(redact_url("https://u:pw@h/p?api_key=k&n=2"),
            "https://u:********@h/p?api_key=********&n=2");
}

TEST(RedactTest, MasksSecretHeaders) {
  EXPECT_EQ(redact_header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/..., Signature=ab"),
            "********");
  EXPECT_EQ(redact_header("authorization", "Bearer xyz"), "********");
  EXPECT_EQ(redact_header("AUTHORIZATION", "Basic dXNlcjpwdw=="), "********");
  EXPECT_EQ(redact_header("Proxy-Authorization", "Basic abc"), "********");
  EXPECT_EQ(redact_header("Cookie", "session=abc"), "********");
  EXPECT_EQ(redact_header("Set-Cookie", "session=abc"), "********");
  EXPECT_EQ(redact_header("X-Amz-Security-Token", "FQoGZX"), "********");
  EXPECT_EQ(redact_header("X-Api-Key", "k"), "********");
}

TEST(RedactTest, KeepsOrdinaryHeaders) {
  EXPECT_EQ(redact_header("Content-Type", "text/csv"), "text/csv");
  EXPECT_EQ(redact_header("X-Amz-Date", "20160111T000500Z"), "20160111T000500Z");
  EXPECT_EQ(redact_header("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(redact_header("Host", "example.org"), "example.org");
}

}  // namespace
}  // namespace ferry::net
