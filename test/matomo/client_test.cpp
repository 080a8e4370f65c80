#include "ferry/matomo/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "ferry/net/fake_http.h"

namespace ferry::matomo {
namespace {

using net::FakeHttpClient;
using net::HttpResponse;
using nlohmann::json;

constexpr const char* kToken = "tok\"en/with+odd&chars-1234";

ClientOptions options() {
  ClientOptions o;
  o.url = "https://matomo.example.org/stats";  // no trailing slash: one is added
  o.token_auth = kToken;
  o.connect_timeout = std::chrono::milliseconds(1234);
  o.timeout = std::chrono::milliseconds(5678);
  return o;
}

const std::vector<std::string_view> kHits = {R"({"idsite":"1","rec":"1"})",
                                             R"({"idsite":"1","rec":"1","uid":"u"})",
                                             R"({"idsite":"2","rec":"1"})"};

std::string header(const net::HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

Result<BulkReply> send_with(HttpResponse response, FakeHttpClient** out = nullptr) {
  static std::unique_ptr<FakeHttpClient> fake;
  fake = std::make_unique<FakeHttpClient>(std::deque<HttpResponse>{std::move(response)});
  if (out) *out = fake.get();
  Client client(*fake, options());
  return client.send_bulk(kHits);
}

TEST(MatomoClient, BulkRequestCarriesTheTokenInTheBodyOnly) {
  FakeHttpClient* fake = nullptr;
  auto r = send_with(
      FakeHttpClient::respond(200, R"({"status":"success","tracked":3,"invalid":0})"), &fake);
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(r->tracked, 3);
  EXPECT_EQ(r->invalid, 0);
  EXPECT_EQ(r->sent, 3);
  EXPECT_EQ(r->shortfall, 0);
  ASSERT_EQ(fake->requests().size(), 1u);
  const auto& req = fake->requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://matomo.example.org/stats/matomo.php?queuedtracking=0");
  EXPECT_EQ(header(req, "Content-Type"), "application/json");
  EXPECT_EQ(header(req, "User-Agent"), "Matomo/LogImport");
  EXPECT_EQ(req.max_attempts, 1);
  EXPECT_EQ(req.connect_timeout.count(), 1234);
  EXPECT_EQ(req.timeout.count(), 5678);
  json body = json::parse(req.body.data);
  EXPECT_EQ(body["token_auth"], kToken);
  ASSERT_EQ(body["requests"].size(), 3u);
  EXPECT_EQ(body["requests"][1]["uid"], "u");
  EXPECT_EQ(req.url.find("tok"), std::string::npos);
}

TEST(MatomoClient, InvalidIndicesAreRead) {
  auto r = send_with(FakeHttpClient::respond(
      200, R"({"status":"success","tracked":1,"invalid":2,"invalid_indices":[0,2]})"));
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(r->invalid, 2);
  EXPECT_EQ(r->invalid_indices, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(r->shortfall, 0);
}

TEST(MatomoClient, AShortfallIsOkAndCounted) {
  auto r =
      send_with(FakeHttpClient::respond(200, R"({"status":"success","tracked":1,"invalid":0})"));
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(r->sent, 3);
  EXPECT_EQ(r->shortfall, 2);
}

TEST(MatomoClient, AGifIsATransientFailure) {
  auto r = send_with(FakeHttpClient::respond(200, std::string("GIF89a\x01\x00\x01\x00", 10),
                                             {{"content-type", "image/gif"}}));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  EXPECT_NE(r.failure().message.find(
                "not a Matomo tracking reply (wrong URL or a queued-tracking plugin?)"),
            std::string::npos)
      << r.failure().message;
  EXPECT_NE(r.failure().message.find("image/gif"), std::string::npos);
}

TEST(MatomoClient, AnErrorStatusUnder200IsTransient) {
  auto r = send_with(FakeHttpClient::respond(200, R"({"status":"error","tracked":0})"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
}

TEST(MatomoClient, Http400IsPermanentAndNamesBulkTracking) {
  auto r = send_with(FakeHttpClient::respond(400, ""));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(r.failure().message.find("BulkTracking"), std::string::npos) << r.failure().message;
  EXPECT_EQ(r.failure().message.rfind("matomo: POST ", 0), 0u) << r.failure().message;
}

TEST(MatomoClient, Http500ErrorJsonIsTransient) {
  auto r = send_with(FakeHttpClient::respond(500, R"({"status":"error","tracked":2,"invalid":0})"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  EXPECT_NE(r.failure().message.find("HTTP 500"), std::string::npos);
}

TEST(MatomoClient, ARefusedTokenIsPermanentAndScrubbedWhenEchoed) {
  for (int status : {401, 403, 400}) {
    std::string echoed = json{{"status", "error"},
                              {"message", std::string("token_auth ") + kToken + " is not valid"}}
                             .dump();
    auto r = send_with(FakeHttpClient::respond(status, echoed));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().kind, FailureKind::kPermanent) << status;
    EXPECT_NE(r.failure().message.find("refused the token_auth"), std::string::npos)
        << r.failure().message;
    EXPECT_NE(r.failure().message.find("********"), std::string::npos) << r.failure().message;
    EXPECT_EQ(r.failure().message.find("1234"), std::string::npos) << r.failure().message;
  }
}

TEST(MatomoClient, A500NamingTheTokenStaysTransient) {
  // e.g. a lock wait timeout while Matomo updates the token's last use
  auto r = send_with(FakeHttpClient::respond(
      500,
      R"x({"status":"error","message":"Lock wait timeout exceeded (token_auth last_used)"})x"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  EXPECT_EQ(r.failure().message.find("refused"), std::string::npos) << r.failure().message;
}

TEST(MatomoClient, TimeoutsAndRefusedConnectionsAreTransient) {
  auto r = send_with(FakeHttpClient::fail(net::TransportError::kTimeout, "timed out"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  r = send_with(FakeHttpClient::fail(net::TransportError::kConnect, "refused"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  r = send_with(FakeHttpClient::fail(net::TransportError::kInterrupted, "stopped"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_interrupted());
}

TEST(MatomoClient, AnOperationErrorOfTheHttpStackBecomesItsFailure) {
  FakeHttpClient fake([](const net::HttpRequest&) -> HttpResponse {
    throw OperationError(FailureKind::kInterrupted, std::string("out of time ") + kToken);
  });
  Client client(fake, options());
  auto r = client.send_bulk(kHits);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_interrupted());
  EXPECT_EQ(r.failure().message.find("1234"), std::string::npos) << r.failure().message;
}

TEST(MatomoClient, SendBulkFromSeveralThreadsAtOnce) {
  FakeHttpClient fake([](const net::HttpRequest& r) {
    size_t hits = json::parse(r.body.data)["requests"].size();
    return FakeHttpClient::respond(
        200, json{{"status", "success"}, {"tracked", hits}, {"invalid", 0}}.dump());
  });
  Client client(fake, options());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        if (auto r = client.send_bulk(kHits); r && r->tracked == 3) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(fake.requests().size(), 200u);
}

TEST(MatomoClient, BulkBodyIsExactlyTheHitsInOrder) {
  EXPECT_EQ(bulk_body("t", {"{\"a\":1}", "{\"b\":2}"}),
            R"({"token_auth":"t","requests":[{"a":1},{"b":2}]})");
  EXPECT_EQ(bulk_body("t", {}), R"({"token_auth":"t","requests":[]})");
}

Result<std::string> main_url_with(HttpResponse response, FakeHttpClient** out = nullptr) {
  static std::unique_ptr<FakeHttpClient> fake;
  fake = std::make_unique<FakeHttpClient>(std::deque<HttpResponse>{std::move(response)});
  if (out) *out = fake.get();
  Client client(*fake, options());
  return client.main_url(7);
}

TEST(MatomoClient, MainUrlAsksTheReportingApi) {
  FakeHttpClient* fake = nullptr;
  auto r = main_url_with(
      FakeHttpClient::respond(200, R"({"idsite":"7","name":"x","main_url":"https://example.org"})"),
      &fake);
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(*r, "https://example.org");
  const auto& req = fake->requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://matomo.example.org/stats/index.php");
  EXPECT_EQ(header(req, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_NE(req.body.data.find("method=SitesManager.getSiteFromId&idSite=7&format=json"),
            std::string::npos);
  EXPECT_NE(req.body.data.find("token_auth=" + net::url_encode(kToken)), std::string::npos);
}

TEST(MatomoClient, MainUrlTakesTheOldArrayForm) {
  auto r =
      main_url_with(FakeHttpClient::respond(200, R"([{"idsite":"7","main_url":"http://a.b"}])"));
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(*r, "http://a.b");
}

TEST(MatomoClient, MainUrlNamesARefusedTokenOrAnUnknownSite) {
  std::string no_access = json{
      {"result", "error"},
      {"message", std::string("You can't access this resource as it "
                              "requires 'view' access (token ") +
                      kToken +
                      ")"}}.dump();
  auto r = main_url_with(FakeHttpClient::respond(200, no_access));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(r.failure().message.find("refused the token_auth for site 7"), std::string::npos)
      << r.failure().message;
  EXPECT_NE(r.failure().message.find("********"), std::string::npos) << r.failure().message;
  EXPECT_EQ(r.failure().message.find("1234"), std::string::npos);

  r = main_url_with(FakeHttpClient::respond(
      200,
      R"({"result":"error","message":"An unexpected website was found in the request: website id was set to '7' ."})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(r.failure().message.find("Matomo does not know site 7"), std::string::npos)
      << r.failure().message;

  r = main_url_with(FakeHttpClient::respond(401, "no"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(r.failure().message.find("refused the token_auth"), std::string::npos);
}

TEST(MatomoClient, MainUrlServerTroubleIsTransientAndOddRepliesAreNamed) {
  auto r = main_url_with(FakeHttpClient::respond(503, "busy"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  r = main_url_with(FakeHttpClient::respond(200, "<html>login</html>"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  EXPECT_NE(r.failure().message.find("not a Matomo API reply"), std::string::npos);
  r = main_url_with(FakeHttpClient::respond(200, R"({"idsite":"7"})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(r.failure().message.find("no main_url"), std::string::npos);
}

}  // namespace
}  // namespace ferry::matomo
