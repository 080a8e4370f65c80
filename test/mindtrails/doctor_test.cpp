// MindTrails' `ferry doctor` lines against a fake server: one per server, login and table list.
#include "ferry/mindtrails/doctor.h"

#include <gtest/gtest.h>

#include "ferry/config/config.h"
#include "ferry/core/registry.h"
#include "ferry/mindtrails/settings.h"
#include "ferry/net/fake_http.h"
#include "ferry/s3/store.h"
#include "support/process.h"

namespace ferry::mindtrails {
namespace {

using net::FakeHttpClient;
using net::HttpRequest;

config::Config load(const ferry::testing::TempDir& dir, const std::string& toml) {
  config::ConfigSchema schema;
  core::declare_core_config(schema);
  s3::register_s3_config(schema);
  register_mindtrails_config(schema);
  ferry::testing::write_file(dir / "ferry.toml", toml);
  config::LoadOptions o;
  o.file = dir / "ferry.toml";
  return config::load(schema, o);
}

const char* kTwoServers =
    "[[mindtrails.server]]\nname = \"a\"\nurl = \"https://a.test/api\"\nusername = \"u\"\n"
    "password = \"pw-a-secret\"\ndata_dir = \"data/a\"\n"
    "[[mindtrails.server]]\nname = \"b\"\nurl = \"https://b.test/api\"\nusername = \"u\"\n"
    "password = \"pw-b-secret\"\ndata_dir = \"data/b\"\n";

TEST(MindTrailsDoctor, LoginAndTableListOfEachServer) {
  ferry::testing::TempDir dir;
  auto config = load(dir, kTwoServers);
  FakeHttpClient http([](const HttpRequest& r) {
    if (r.url.find("b.test") != std::string::npos)
      return FakeHttpClient::respond(401, "Unauthorized");
    return FakeHttpClient::respond(200, R"([{"name": "T", "deleteable": true, "size": 3}])");
  });
  auto checks = doctor_checks(config, http);
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0].name, "mindtrails.a: free space in data folder " + dir / "data/a");
  EXPECT_EQ(checks[1].name, "mindtrails.a: login and table list at https://a.test/api/export");
  EXPECT_EQ(checks[1].run(), "");
  std::string why = checks[3].run();
  EXPECT_NE(why.find("HTTP 401"), std::string::npos) << why;
  EXPECT_EQ(why.find("pw-b-secret"), std::string::npos) << why;
  ASSERT_EQ(http.requests().size(), 2u);
  EXPECT_EQ(http.requests()[0].method, "GET");
  EXPECT_EQ(http.requests()[0].url, "https://a.test/api/export");
}

TEST(MindTrailsDoctor, NothingWithoutServersOrWhenDisabled) {
  ferry::testing::TempDir dir;
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(500); });
  EXPECT_TRUE(doctor_checks(load(dir, ""), http).empty());
  EXPECT_TRUE(
      doctor_checks(load(dir, std::string("[mindtrails]\nenabled = false\n") + kTwoServers), http)
          .empty());
}

}  // namespace
}  // namespace ferry::mindtrails
