#include "ferry/s3/credentials.h"

#include <gtest/gtest.h>

#include "ferry/base/error.h"
#include "support/process.h"

namespace ferry::s3 {
namespace {

namespace t = ferry::testing;

const char* kFile =
    "# written by aws configure\n"
    "[default]\n"
    "aws_access_key_id = DEFAULTID\n"
    "aws_secret_access_key = DEFAULTSECRET\n"
    "\n"
    "[profile archive]\n"
    "aws_access_key_id=ARCHIVEID\n"
    "aws_secret_access_key=ARCHIVESECRET\n"
    "aws_session_token = ARCHIVETOKEN\n"
    "; a comment\n"
    "[broken]\n"
    "aws_access_key_id = ONLYID\n";

struct Fixture {
  t::TempDir dir;
  Environment env;
  Fixture() {
    t::write_file(dir / "home/.aws/credentials", kFile);
    env["HOME"] = dir / "home";
  }
};

TEST(S3Credentials, ConfigKeysComeFirst) {
  Fixture f;
  f.env["AWS_ACCESS_KEY_ID"] = "ENVID";
  f.env["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  auto r = resolve_credentials({"reports", "CFGID", "CFGSECRET", "CFGTOKEN", "archive"}, f.env);
  EXPECT_EQ(r.credentials.access_key_id, "CFGID");
  EXPECT_EQ(r.credentials.secret_access_key, "CFGSECRET");
  EXPECT_EQ(r.credentials.session_token, "CFGTOKEN");
  EXPECT_EQ(r.source, "config [s3.reports]");
}

TEST(S3Credentials, ANamedProfileBeatsTheEnvironment) {
  Fixture f;
  f.env["AWS_ACCESS_KEY_ID"] = "ENVID";
  f.env["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  auto r = resolve_credentials({"archive", "", "", "", "archive"}, f.env);
  EXPECT_EQ(r.credentials.access_key_id, "ARCHIVEID");
  EXPECT_EQ(r.credentials.session_token, "ARCHIVETOKEN");
  EXPECT_EQ(r.source, f.dir / "home/.aws/credentials [archive]");
}

TEST(S3Credentials, EnvironmentBeatsTheDefaultProfile) {
  Fixture f;
  f.env["AWS_ACCESS_KEY_ID"] = "ENVID";
  f.env["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  f.env["AWS_SESSION_TOKEN"] = "ENVTOKEN";
  auto r = resolve_credentials({"reports", "", "", "", ""}, f.env);
  EXPECT_EQ(r.credentials.access_key_id, "ENVID");
  EXPECT_EQ(r.credentials.session_token, "ENVTOKEN");
  EXPECT_EQ(r.source, "environment");
}

TEST(S3Credentials, SharedFileWithAwsProfileOrDefault) {
  Fixture f;
  EXPECT_EQ(resolve_credentials({"r", "", "", "", ""}, f.env).credentials.access_key_id,
            "DEFAULTID");
  f.env["AWS_PROFILE"] = "archive";
  EXPECT_EQ(resolve_credentials({"r", "", "", "", ""}, f.env).credentials.access_key_id,
            "ARCHIVEID");
  t::write_file(f.dir / "other", "[archive]\naws_access_key_id=OTHER\naws_secret_access_key=S\n");
  f.env["AWS_SHARED_CREDENTIALS_FILE"] = f.dir / "other";
  EXPECT_EQ(resolve_credentials({"r", "", "", "", ""}, f.env).credentials.access_key_id, "OTHER");
}

TEST(S3Credentials, ClearErrorsWithoutSecrets) {
  Fixture f;
  try {
    resolve_credentials({"reports", "ID", "", "", ""}, f.env);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "[s3.reports] sets only one of access_key_id and secret_access_key");
  }
  try {
    resolve_credentials({"reports", "", "", "", "nosuch"}, f.env);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("profile 'nosuch' not found"), std::string::npos);
  }
  EXPECT_THROW(resolve_credentials({"reports", "", "", "", "broken"}, f.env), UsageError);
  Environment empty;
  try {
    resolve_credentials({"reports", "", "", "", ""}, empty);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("no S3 credentials for [s3.reports]"), std::string::npos);
  }
  f.env["AWS_PROFILE"] = "missing";
  try {
    resolve_credentials({"reports", "", "", "", ""}, f.env);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()).find("DEFAULTSECRET"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("profile 'missing'"), std::string::npos);
  }
}

TEST(S3Credentials, RegionFromConfigThenEnvironment) {
  EXPECT_EQ(resolve_region("eu-west-1", {{"AWS_REGION", "us-west-2"}}), "eu-west-1");
  EXPECT_EQ(resolve_region("", {{"AWS_REGION", "us-west-2"}}), "us-west-2");
  EXPECT_EQ(resolve_region("", {{"AWS_DEFAULT_REGION", "ap-south-1"}}), "ap-south-1");
  EXPECT_EQ(resolve_region("", {}), "us-east-1");
}

TEST(S3Credentials, ParsesTheIniFile) {
  auto p = parse_credentials_file(kFile);
  EXPECT_EQ(p.size(), 3u);
  EXPECT_EQ(p["default"]["aws_secret_access_key"], "DEFAULTSECRET");
  EXPECT_EQ(p["archive"]["aws_session_token"], "ARCHIVETOKEN");
}

}  // namespace
}  // namespace ferry::s3
