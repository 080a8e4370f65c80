#include "ferry/net/heartbeat.h"

#include <gtest/gtest.h>

#include "ferry/net/fake_http.h"

namespace ferry::net {
namespace {

using std::chrono::milliseconds;

HeartbeatOptions options(std::string url) {
  HeartbeatOptions o;
  o.url = std::move(url);
  o.timeout = milliseconds(2000);
  o.pause = milliseconds(1);
  return o;
}

TEST(Heartbeat, StartSuccessAndFailFollowTheProtocolWithOneRunId) {
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(200, "OK"); });
  Heartbeat hb(http, options("https://hc.example.org/ping/abc/"), "rid-1");
  EXPECT_EQ(hb.start(), "");
  EXPECT_EQ(hb.success("run 1 ok\n"), "");
  EXPECT_EQ(hb.fail("run 1 failed\n"), "");
  const auto& r = http.requests();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].method, "GET");
  EXPECT_EQ(r[0].url, "https://hc.example.org/ping/abc/start?rid=rid-1");
  EXPECT_EQ(r[1].method, "POST");
  EXPECT_EQ(r[1].url, "https://hc.example.org/ping/abc?rid=rid-1");
  EXPECT_EQ(r[1].body.data, "run 1 ok\n");
  EXPECT_EQ(r[2].url, "https://hc.example.org/ping/abc/fail?rid=rid-1");
  EXPECT_EQ(r[2].body.data, "run 1 failed\n");
  // The end ping must go out during a stop (it says how the run ended).
  EXPECT_FALSE(r[2].interruptible);
}

TEST(Heartbeat, NoUrlSendsNothing) {
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(200); });
  Heartbeat hb(http, options(""), "rid");
  EXPECT_FALSE(hb.enabled());
  EXPECT_EQ(hb.start(), "");
  EXPECT_EQ(hb.success("x"), "");
  EXPECT_TRUE(http.requests().empty());
}

TEST(Heartbeat, TransientFailuresAreTriedAgainThenReportedWithoutTheSecretPath) {
  std::deque<HttpResponse> script{FakeHttpClient::respond(503),
                                  FakeHttpClient::fail(TransportError::kConnect, "refused"),
                                  FakeHttpClient::respond(200)};
  FakeHttpClient http(script);
  Heartbeat hb(http, options("https://hc.example.org/secret-uuid"), "r");
  EXPECT_EQ(hb.start(), "");
  EXPECT_EQ(http.requests().size(), 3u);

  FakeHttpClient down([](const HttpRequest&) { return FakeHttpClient::respond(503); });
  Heartbeat hb2(down, options("https://hc.example.org/secret-uuid"), "r");
  std::string why = hb2.success("s");
  EXPECT_NE(why.find("https://hc.example.org"), std::string::npos) << why;
  EXPECT_NE(why.find("503"), std::string::npos) << why;
  EXPECT_EQ(why.find("secret-uuid"), std::string::npos) << why;
  EXPECT_EQ(down.requests().size(), 3u);  // max_tries
}

TEST(Heartbeat, APermanentRefusalIsNotRetried) {
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(404); });
  Heartbeat hb(http, options("https://hc.example.org/x"), "r");
  EXPECT_NE(hb.start(), "");
  EXPECT_EQ(http.requests().size(), 1u);
}

// Every try gets only what is left of the one timeout.
TEST(Heartbeat, TriesShareOneTimeout) {
  FakeHttpClient http([](const HttpRequest& r) {
    EXPECT_LE(r.timeout, milliseconds(2000));
    EXPECT_LE(r.connect_timeout, milliseconds(2000));
    return FakeHttpClient::fail(TransportError::kTimeout, "timed out");
  });
  Heartbeat hb(http, options("https://hc.example.org/x"), "r");
  EXPECT_NE(hb.start().find("timeout"), std::string::npos);
}

TEST(Heartbeat, BodiesAreCutToTenKilobytes) {
  FakeHttpClient http([](const HttpRequest&) { return FakeHttpClient::respond(200); });
  Heartbeat hb(http, options("https://hc.example.org/x"), "r");
  hb.fail(std::string(50000, 'x'));
  EXPECT_EQ(http.requests().at(0).body.data.size(), 10u * 1024);
}

TEST(Heartbeat, RandomUuidIsVersion4) {
  std::string a = random_uuid(), b = random_uuid();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u) << a;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23)
      EXPECT_EQ(a[i], '-') << a;
    else
      EXPECT_NE(std::string("0123456789abcdef").find(a[i]), std::string::npos) << a;
  }
  EXPECT_EQ(a[14], '4') << a;                                          // version 4
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos) << a;  // RFC 4122 variant
}

}  // namespace
}  // namespace ferry::net
