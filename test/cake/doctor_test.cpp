// CAKE's `ferry doctor` lines against a fake CAKE: nothing when unconfigured, the Currencies call
// with the configured timeouts, a refused key named, and the key never printed.
#include "ferry/cake/doctor.h"

#include <gtest/gtest.h>

#include "ferry/cake/settings.h"
#include "ferry/config/config.h"
#include "ferry/core/registry.h"
#include "ferry/net/fake_http.h"
#include "ferry/s3/store.h"
#include "support/process.h"

namespace ferry::cake {
namespace {

using net::FakeHttpClient;
using net::HttpRequest;

struct Fixture {
  ferry::testing::TempDir dir;
  config::ConfigSchema schema;
  config::Config config;
  Fixture(const std::string& toml) {
    core::declare_core_config(schema);
    s3::register_s3_config(schema);
    declare_cake_config(schema);
    ferry::testing::write_file(dir / "ferry.toml", toml);
    config::LoadOptions o;
    o.file = dir / "ferry.toml";
    config = config::load(schema, o);
  }
};

const char* kConfig =
    "[cake]\nadmin_url = \"https://cake.test/\"\napi_key = \"cake-key-123\"\n"
    "connect_timeout = \"3s\"\ntimeout = \"7s\"\n[s3.reports]\nbucket = \"b\"\n";

TEST(CakeDoctor, NoLinesWhenCakeIsNotConfigured) {
  Fixture f("");
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(500); });
  EXPECT_TRUE(doctor_checks(f.config, http).empty());
}

TEST(CakeDoctor, OneCurrenciesCallWithTheKeyAndTimeouts) {
  Fixture f(kConfig);
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(
        200,
        R"({"d": {"success": true, "currencies": [{"currency_id": 1, "currency_abbr": "USD"}]}})");
  });
  auto checks = doctor_checks(f.config, http);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "cake: free space in output folder " + f.dir / "exports/cake");
  EXPECT_TRUE(checks[0].warning_only);
  EXPECT_EQ(checks[1].name, "cake: API key accepted by https://cake.test");
  EXPECT_EQ(checks[1].run(), "");
  ASSERT_EQ(http.requests().size(), 1u);
  const auto& r = http.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://cake.test/api/1/get.asmx/Currencies");
  EXPECT_NE(r.body.data.find("cake-key-123"), std::string::npos);
  EXPECT_EQ(r.connect_timeout, std::chrono::seconds(3));
  EXPECT_EQ(r.timeout, std::chrono::seconds(7));
}

TEST(CakeDoctor, ARefusedKeySaysSoWithoutTheKey) {
  Fixture f(kConfig);
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(
        401, R"({"d": {"success": false, "message": "Invalid API Key: cake-key-123"}})");
  });
  std::string why = doctor_checks(f.config, http)[1].run();
  EXPECT_NE(why.find("HTTP 401"), std::string::npos) << why;
  EXPECT_NE(why.find("Invalid API Key"), std::string::npos) << why;
  EXPECT_EQ(why.find("cake-key-123"), std::string::npos) << why;
}

TEST(CakeDoctor, A200ThatSaysNoIsAFailure) {
  Fixture f(kConfig);
  FakeHttpClient http([](const HttpRequest&) {
    return FakeHttpClient::respond(200,
                                   R"({"d": {"success": false, "message": "Invalid API Key"}})");
  });
  std::string why = doctor_checks(f.config, http)[1].run();
  EXPECT_NE(why.find("Invalid API Key"), std::string::npos) << why;
}

}  // namespace
}  // namespace ferry::cake
