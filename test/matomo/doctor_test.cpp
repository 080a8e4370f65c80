// Matomo's `ferry doctor` lines against a fake Matomo: the token checked per site, nothing sent
// to the tracking endpoint.
#include "ferry/matomo/doctor.h"

#include <gtest/gtest.h>

#include "ferry/config/config.h"
#include "ferry/core/registry.h"
#include "ferry/matomo/settings.h"
#include "ferry/net/fake_http.h"
#include "ferry/s3/store.h"
#include "support/process.h"

namespace ferry::matomo {
namespace {

using net::FakeHttpClient;
using net::HttpRequest;

config::Config load(const ferry::testing::TempDir& dir, const std::string& toml) {
  config::ConfigSchema schema;
  core::declare_core_config(schema);
  s3::register_s3_config(schema);
  declare_matomo_config(schema);
  ferry::testing::write_file(dir / "ferry.toml", toml);
  config::LoadOptions o;
  o.file = dir / "ferry.toml";
  return config::load(schema, o);
}

TEST(MatomoDoctor, TheTokenCheckedForEachSite) {
  ferry::testing::TempDir dir;
  auto config = load(dir,
                     "[matomo]\nenabled = true\nurl = \"https://stats.test\"\n"
                     "token_auth = \"tok-0123456789\"\n[[matomo.site]]\nname = \"a\"\nidsite = 1\n"
                     "[[matomo.site]]\nname = \"b\"\nidsite = 2\n[s3.logs]\nbucket = \"l\"\n");
  FakeHttpClient http([](const HttpRequest& r) {
    if (r.body.data.find("idSite=2") != std::string::npos)
      return FakeHttpClient::respond(
          200, R"({"result": "error", "message": "You can't access this resource"})");
    return FakeHttpClient::respond(200, R"({"idsite": "1", "main_url": "https://a.test"})");
  });
  auto checks = doctor_checks(config, http);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].name, "matomo: free space in work folder " + dir / "work/matomo");
  EXPECT_EQ(checks[1].name, "matomo: token accepted by https://stats.test/ for site a (idsite 1)");
  EXPECT_EQ(checks[1].run(), "");
  std::string why = checks[2].run();
  EXPECT_NE(why.find("access"), std::string::npos) << why;
  EXPECT_EQ(why.find("tok-0123456789"), std::string::npos) << why;
  for (const auto& r : http.requests()) EXPECT_EQ(r.url.find("matomo.php"), std::string::npos);
}

TEST(MatomoDoctor, NothingWhenDisabled) {
  ferry::testing::TempDir dir;
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(500); });
  EXPECT_TRUE(doctor_checks(load(dir, ""), http).empty());
}

}  // namespace
}  // namespace ferry::matomo
