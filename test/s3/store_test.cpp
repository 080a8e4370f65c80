// [s3.NAME] tables: schema, options, factory errors.
#include "ferry/s3/store.h"

#include <gtest/gtest.h>

#include "ferry/base/error.h"
#include "ferry/config/config.h"
#include "ferry/net/fake_http.h"
#include "support/process.h"

namespace ferry::s3 {
namespace {

namespace t = ferry::testing;

config::Config load(const t::TempDir& dir, const std::string& toml,
                    std::map<std::string, std::string> env = {}) {
  config::ConfigSchema schema;
  register_s3_config(schema);
  t::write_file(dir / "ferry.toml", toml);
  config::LoadOptions opts;
  opts.file = dir / "ferry.toml";
  opts.file_required = true;
  opts.environment = std::move(env);
  return config::load(schema, opts);
}

const char* kToml =
    "[s3.reports]\n"
    "bucket = \"my-reports\"\n"
    "prefix = \"exports\"\n"
    "access_key_id = \"AKID\"\n"
    "secret_access_key = \"VERYSECRET\"\n"
    "\n"
    "[s3.archive]\n"
    "endpoint = \"http://127.0.0.1:4568\"\n"
    "region = \"eu-west-1\"\n"
    "bucket = \"logs\"\n"
    "path_style = true\n"
    "profile = \"archive\"\n"
    "multipart_threshold = 33554432\n"
    "part_size = 16777216\n"
    "parallel = 8\n"
    "stall_timeout = \"2m\"\n";

TEST(S3Store, OptionsComeFromTheNamedTable) {
  t::TempDir dir;
  t::write_file(dir / "creds", "[archive]\naws_access_key_id=ARCH\naws_secret_access_key=S\n");
  auto config = load(dir, kToml);
  std::map<std::string, std::string> env{{"AWS_SHARED_CREDENTIALS_FILE", dir / "creds"},
                                         {"AWS_REGION", "ap-south-1"}};
  S3Options r = s3_options(config, "reports", env);
  EXPECT_EQ(r.bucket, "my-reports");
  EXPECT_EQ(r.region, "ap-south-1");  // not set in the file: AWS_REGION
  EXPECT_EQ(r.endpoint, "");
  EXPECT_FALSE(r.path_style);
  EXPECT_EQ(r.credentials.secret_access_key, "VERYSECRET");
  EXPECT_EQ(r.multipart_threshold, 100u * 1024 * 1024);
  EXPECT_EQ(r.part_size, 8u * 1024 * 1024);
  EXPECT_EQ(r.parallel, 4);

  S3Options a = s3_options(config, "archive", env);
  EXPECT_EQ(a.region, "eu-west-1");
  EXPECT_TRUE(a.path_style);
  EXPECT_EQ(a.credentials.access_key_id, "ARCH");
  EXPECT_EQ(a.multipart_threshold, 32u * 1024 * 1024);
  EXPECT_EQ(a.parallel, 8);
  EXPECT_EQ(a.stall_timeout, std::chrono::minutes(2));

  net::FakeHttpClient http(
      [](const net::HttpRequest&) { return net::FakeHttpClient::respond(200); });
  auto store = make_s3_store(config, "reports", http, env);
  EXPECT_EQ(store->describe(), "s3://my-reports/exports/");
}

TEST(S3Store, SecretsAreMaskedInConfigShow) {
  t::TempDir dir;
  auto config = load(dir, kToml);
  std::string shown = config.show();
  EXPECT_EQ(shown.find("VERYSECRET"), std::string::npos);
  EXPECT_NE(shown.find("AKID"), std::string::npos);
}

TEST(S3Store, EnvironmentOverridesReachTheTable) {
  t::TempDir dir;
  auto config = load(dir, kToml, {{"FERRY_S3_REPORTS_SECRET_ACCESS_KEY", "FROMENV"}});
  EXPECT_EQ(s3_options(config, "reports", {}).credentials.secret_access_key, "FROMENV");
}

TEST(S3Store, UnknownTargetsAndMissingBucketsAreUsageErrors) {
  t::TempDir dir;
  auto config = load(dir, std::string(kToml) + "[s3.empty]\nregion = \"us-east-1\"\n");
  net::FakeHttpClient http(
      [](const net::HttpRequest&) { return net::FakeHttpClient::respond(200); });
  try {
    make_s3_store(config, "nope", http, {});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("add a [s3.nope] table"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("archive, empty, reports"), std::string::npos) << e.what();
  }
  try {
    make_s3_store(config, "empty", http, {});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "[s3.empty] has no bucket");
  }
}

TEST(S3Store, BadSizesAndEndpointsAreRefused) {
  t::TempDir dir;
  EXPECT_THROW(load(dir, "[s3.x]\nbucket = \"b\"\npart_size = 1024\n"), UsageError);
  auto config = load(dir, "[s3.x]\nbucket = \"b\"\nendpoint = \"ftp://x\"\n");
  try {
    s3_options(config, "x", {{"AWS_ACCESS_KEY_ID", "a"}, {"AWS_SECRET_ACCESS_KEY", "b"}});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[s3.x]: S3 endpoint 'ftp://x'", 0), 0u) << e.what();
  }
}

TEST(S3Store, EndpointsWithUserInfoAreRefusedWithThePasswordMasked) {
  t::TempDir dir;
  auto config = load(dir,
                     "[s3.a]\n"                                                 // 1
                     "bucket = \"b\"\n"                                         // 2
                     "endpoint = \"https://user:p4ss-w0rd@s3.example.org\"\n"   // 3
                     "[s3.b]\n"                                                 // 4
                     "bucket = \"b\"\n"                                         // 5
                     "endpoint = \"https://t0ken-only@s3.example.org/base\"\n"  // 6
                     "[s3.c]\n"                                                 // 7
                     "bucket = \"b\"\n"                                         // 8
                     "endpoint = \"http://127.0.0.1:4568\"\n");
  auto problems = check_s3_config(config);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].where, dir / "ferry.toml:3");
  EXPECT_EQ(problems[0].message,
            "[s3.a] endpoint 'https://user:********@s3.example.org' has user info; put the "
            "credentials in access_key_id and secret_access_key (or a profile) instead");
  EXPECT_EQ(problems[1].where, dir / "ferry.toml:6");
  EXPECT_EQ(problems[1].message.rfind("[s3.b] endpoint 'https://********@s3.example.org/base'", 0),
            0u)
      << problems[1].message;
  try {
    s3_options(config, "a", {{"AWS_ACCESS_KEY_ID", "a"}, {"AWS_SECRET_ACCESS_KEY", "b"}});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()).find("p4ss-w0rd"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(check_s3_config(load(dir, kToml)).empty());
}

TEST(S3Store, ConfigShowMasksSecretsQuotedInOtherValues) {
  t::TempDir dir;
  auto config =
      load(dir, std::string(kToml) + "[s3.copy]\nbucket = \"b\"\n" + "prefix = \"VERYSECRET/x\"\n" +
                    "endpoint = \"https://u:pw-in-url@h.example.org\"\n");
  std::string shown = config.show();
  EXPECT_EQ(shown.find("VERYSECRET"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("pw-in-url"), std::string::npos) << shown;
  EXPECT_NE(shown.find("prefix = \"********/x\""), std::string::npos) << shown;
}

TEST(S3Store, RecordedLocationsAreSignedByTheTargetThatCan) {
  t::TempDir dir;
  t::write_file(dir / "creds", "[archive]\naws_access_key_id=ARCH\naws_secret_access_key=S\n");
  net::FakeHttpClient http(
      [](const net::HttpRequest&) { return net::FakeHttpClient::respond(200); });
  std::map<std::string, std::string> env{{"AWS_SHARED_CREDENTIALS_FILE", dir / "creds"}};
  auto config = load(dir, kToml);
  // Recorded through [s3.reports], whose bucket is now another: its credentials still sign.
  net::ObjectLocation old_bucket{"https://s3.us-east-1.amazonaws.com", "us-east-1", "old", ""};
  auto a = make_s3_client_at(config, "reports", old_bucket, http, env);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->options().bucket, "old");
  EXPECT_EQ(a->options().credentials.access_key_id, "AKID");
  EXPECT_EQ(a->presign_get("exports/x.csv", std::chrono::hours(1), {})
                .rfind("https://old.s3.us-east-1.amazonaws.com/exports/x.csv?", 0),
            0u);
  // Recorded through a target since removed: a target with that bucket and endpoint signs.
  net::ObjectLocation logs{"http://127.0.0.1:4568/", "eu-west-1", "logs", ""};
  auto b = make_s3_client_at(config, "gone", logs, http, env);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->options().region, "eu-west-1");
  EXPECT_TRUE(b->options().path_style);
  EXPECT_EQ(b->options().credentials.access_key_id, "ARCH");
  // Neither: no client.
  EXPECT_FALSE(make_s3_client_at(config, "gone", old_bucket, http, env));
}

}  // namespace
}  // namespace ferry::s3
