// WeNet's `ferry doctor` lines against a fake platform: the app's details with the API key.
#include "ferry/wenet/doctor.h"

#include <gtest/gtest.h>

#include "ferry/config/config.h"
#include "ferry/core/registry.h"
#include "ferry/net/fake_http.h"
#include "ferry/s3/store.h"
#include "ferry/wenet/settings.h"
#include "support/process.h"

namespace ferry::wenet {
namespace {

using net::FakeHttpClient;
using net::HttpRequest;

config::Config load(const ferry::testing::TempDir& dir, const std::string& toml) {
  config::ConfigSchema schema;
  core::declare_core_config(schema);
  s3::register_s3_config(schema);
  declare_wenet_config(schema);
  ferry::testing::write_file(dir / "ferry.toml", toml);
  config::LoadOptions o;
  o.file = dir / "ferry.toml";
  return config::load(schema, o);
}

TEST(WenetDoctor, TheAppDetailsWithTheKey) {
  ferry::testing::TempDir dir;
  auto config = load(dir,
                     "[wenet]\ninstance = \"https://wenet.test/prod/\"\napikey = \"wk-secret-1\"\n"
                     "app_id = \"app1\"\n");
  int status = 200;
  FakeHttpClient http(
      [&](const HttpRequest&) { return FakeHttpClient::respond(status, R"({"id": "app1"})"); });
  auto checks = doctor_checks(config, http);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "wenet: free space in output folder " + dir / "exports/wenet");
  EXPECT_EQ(checks[1].name, "wenet: API key accepted by https://wenet.test/prod (app app1)");
  EXPECT_EQ(checks[1].run(), "");
  ASSERT_EQ(http.requests().size(), 1u);
  EXPECT_EQ(http.requests()[0].url, "https://wenet.test/prod/hub/frontend/data/app/app1");
  status = 401;
  std::string why = checks[1].run();
  EXPECT_NE(why.find("401"), std::string::npos) << why;
  EXPECT_NE(why.find("wenet.apikey"), std::string::npos) << why;
  EXPECT_EQ(why.find("wk-secret-1"), std::string::npos) << why;
}

TEST(WenetDoctor, NothingWhenNotConfigured) {
  ferry::testing::TempDir dir;
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(500); });
  EXPECT_TRUE(doctor_checks(load(dir, ""), http).empty());
}

}  // namespace
}  // namespace ferry::wenet
