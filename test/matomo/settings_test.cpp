// [matomo] and [[matomo.site]]: defaults, reading, and every check naming where a value was set.
#include "ferry/matomo/settings.h"

#include <gtest/gtest.h>

#include "ferry/config/config.h"
#include "ferry/core/registry.h"
#include "ferry/s3/store.h"
#include "support/process.h"

namespace ferry::matomo {
namespace {

using ferry::testing::TempDir;
using ferry::testing::write_file;

struct Fixture {
  TempDir dir;
  std::string file = dir / "ferry.toml";
  config::ConfigSchema schema;
  Fixture() {
    core::declare_core_config(schema);
    s3::register_s3_config(schema);
    declare_matomo_config(schema);
  }
  config::Config load_text(const std::string& text, std::map<std::string, std::string> env = {}) {
    write_file(file, text);
    config::LoadOptions options;
    options.file = file;
    options.environment = std::move(env);
    return config::load(schema, options);
  }
  std::vector<std::string> problems(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& p : check_config(load_text(text))) out.push_back(p.where + ": " + p.message);
    return out;
  }
};

const char* kGood = R"(
[s3.logs]
bucket = "pull"
[s3.archive]
bucket = "push"
[matomo]
enabled = true
url = "https://matomo.test"
token_auth = "tok-123"
push = "archive"
push_prefix = "imported/"
timezone = "Europe/Paris"
[[matomo.site]]
name = "example.org"
idsite = 3
prefix = "example.org/"
pattern = "\\.zip$"
format = "common"
)";

TEST(MatomoSettings, DefaultsAreOffAndPassTheChecks) {
  Fixture f;
  auto c = f.load_text("");
  MatomoSettings s = read_settings(c);
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.recorders, 4);
  EXPECT_EQ(s.batch_size, 200);
  EXPECT_EQ(s.pull, "logs");
  EXPECT_EQ(s.push, "");
  EXPECT_EQ(s.daily_at, "02:00");
  EXPECT_TRUE(s.enable_static && s.enable_bots && s.enable_http_errors && s.enable_http_redirects);
  EXPECT_EQ(s.job_attempts, 3);
  EXPECT_TRUE(check_config(c).empty());
}

TEST(MatomoSettings, ReadsTheSitesAndTheTokenFromTheEnvironment) {
  Fixture f;
  auto c = f.load_text(kGood, {{"FERRY_MATOMO_TOKEN_AUTH", "from-env"}});
  MatomoSettings s = read_settings(c);
  EXPECT_EQ(s.token_auth, "from-env");
  ASSERT_EQ(s.sites.size(), 1u);
  EXPECT_EQ(s.sites[0].idsite, 3);
  EXPECT_EQ(s.site("example.org")->prefix, "example.org/");
  EXPECT_EQ(s.site("other"), nullptr);
  EXPECT_TRUE(check_config(c).empty());
  ASSERT_TRUE(check_settings(s));
  EXPECT_EQ(s.url, "https://matomo.test/");
}

TEST(MatomoSettings, ChecksNameWhereTheBadValueIsSet) {
  Fixture f;
  std::string text = kGood;
  text += "[[matomo.site]]\nname = \"bad/site\"\nidsite = 2\npattern = \"(\"\n";
  text += "main_url = \"ftp://x\"\n";
  auto p = f.problems(text);
  ASSERT_EQ(p.size(), 3u) << ::testing::PrintToString(p);
  EXPECT_NE(p[0].find("ferry.toml:20: [[matomo.site]] 'bad/site': the name may hold only"),
            std::string::npos)
      << p[0];
  EXPECT_NE(p[1].find("ferry.toml:22: [[matomo.site]] 'bad/site': pattern '('"), std::string::npos)
      << p[1];
  EXPECT_NE(p[2].find("main_url 'ftp://x'"), std::string::npos);
}

TEST(MatomoSettings, InUseNeedsUrlTokenAndTargets) {
  Fixture f;
  auto p = f.problems(
      "[matomo]\nenabled = true\nurl = \"matomo.test\"\npush = \"nowhere\"\ndaily_at = \"24:00\"\n"
      "timezone = \"Mars/Base\"\n");
  std::string all;
  for (auto& s : p) all += s + "\n";
  EXPECT_NE(all.find("ferry.toml:3: [matomo] url 'matomo.test' is not an http(s)://"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("default: [matomo] token_auth is not set"), std::string::npos) << all;
  EXPECT_NE(all.find("[matomo] daily_at '24:00'"), std::string::npos) << all;
  EXPECT_NE(all.find("timezone 'Mars/Base'"), std::string::npos) << all;
  EXPECT_NE(all.find("pull = 'logs' names no [s3.logs] target"), std::string::npos) << all;
  EXPECT_NE(all.find("ferry.toml:4: [matomo] push = 'nowhere' names no"), std::string::npos) << all;
}

TEST(MatomoSettings, UnknownFormatAndIdsiteZeroAreRefusedByTheSchema) {
  Fixture f;
  EXPECT_THROW(f.load_text("[[matomo.site]]\nname = \"a\"\nformat = \"apache\"\n"), UsageError);
  EXPECT_THROW(f.load_text("[[matomo.site]]\nname = \"a\"\nidsite = 0\n"), UsageError);
}

TEST(MatomoSettings, NormalizeUrl) {
  EXPECT_EQ(normalize_url("https://m.test"), "https://m.test/");
  EXPECT_EQ(normalize_url("http://m.test/matomo/"), "http://m.test/matomo/");
  EXPECT_EQ(normalize_url("m.test"), std::nullopt);
  EXPECT_EQ(normalize_url("https:///x"), std::nullopt);
  EXPECT_EQ(normalize_url("https://a b"), std::nullopt);
}

}  // namespace
}  // namespace ferry::matomo
