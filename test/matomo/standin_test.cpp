// The Matomo client and sender with the real libcurl client against the stand-in
// (test/standins/matomo_server.py).
#include <gtest/gtest.h>

#include <set>

#include "e2e/matomo_standin.h"
#include "ferry/matomo/client.h"
#include "ferry/matomo/sender.h"
#include "ferry/net/curl_http.h"
#include "ferry/net/pool.h"
#include "support/process.h"

namespace ferry::matomo {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::MatomoStandin;

class MatomoStandinIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    server_ = std::make_unique<MatomoStandin>(
        *dir_ / "matomo.log", std::vector<std::string>{"--site", "1=https://example.org", "--site",
                                                       "3=https://shop.example.com"});
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }
  void SetUp() override {
    ASSERT_TRUE(server_->ready()) << "the Matomo stand-in did not start; see "
                                  << (*dir_ / "matomo.log");
    server_->set_mode("reset");
    // A request a client gave up on (the slow mode) may still store its hits: wait for it.
    ASSERT_TRUE(
        testing::wait_until([] { return server_->stats().value("in_flight", -1) == 0; }, 30s));
    server_->clear_hits();
  }
  static ClientOptions options(std::string token = MatomoStandin::kToken) {
    ClientOptions o;
    o.url = server_->url();
    o.token_auth = std::move(token);
    o.connect_timeout = 5s;
    o.timeout = 20s;
    return o;
  }
  static std::multiset<std::string> as_set(const json& hits) {
    std::multiset<std::string> out;
    for (const auto& h : hits) out.insert(h.dump());
    return out;
  }

  static std::unique_ptr<testing::TempDir> dir_;
  static std::unique_ptr<MatomoStandin> server_;
  std::unique_ptr<net::HttpClient> http_ = net::make_curl_http_client();
};
std::unique_ptr<testing::TempDir> MatomoStandinIntegration::dir_;
std::unique_ptr<MatomoStandin> MatomoStandinIntegration::server_;

const std::vector<std::string_view> kHits = {
    R"({"rec":"1","apiv":"1","idsite":"1","url":"https://example.org/a","cip":"203.0.113.5","cdt":"2015-03-05 21:55:36","cvar":"{\"1\": [\"HTTP-code\", \"200\"]}"})",
    R"({"rec":"1","apiv":"1","idsite":"3","url":"https://shop.example.com/b","cip":"203.0.113.6"})",
    R"({"rec":"1","apiv":"1","idsite":"99","url":"https://nowhere.example/c"})"};

TEST_F(MatomoStandinIntegration, BulkRequestIsStoredAndAnswered) {
  Client client(*http_, options());
  auto r = client.send_bulk(kHits);
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(r->tracked, 2);
  EXPECT_EQ(r->invalid, 1);
  EXPECT_EQ(r->invalid_indices, std::vector<int64_t>{2});
  EXPECT_EQ(r->shortfall, 0);
  EXPECT_EQ(as_set(server_->hits()), (std::multiset<std::string>{json::parse(kHits[0]).dump(),
                                                                 json::parse(kHits[1]).dump()}));
  json reqs = server_->requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.back()["user_agent"], "Matomo/LogImport");
  EXPECT_EQ(reqs.back()["content_type"], "application/json");
  EXPECT_EQ(reqs.back()["path"], "/matomo.php?queuedtracking=0");
}

TEST_F(MatomoStandinIntegration, Error500IsTransientAndStoresNothing) {
  server_->set_mode("error500");
  Client client(*http_, options());
  auto r = client.send_bulk(kHits);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  EXPECT_NE(r.failure().message.find("HTTP 500"), std::string::npos) << r.failure().message;
  EXPECT_TRUE(server_->hits().empty());
}

TEST_F(MatomoStandinIntegration, AGifIsNotATrackingReply) {
  server_->set_mode("gif");
  Client client(*http_, options());
  auto r = client.send_bulk(kHits);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  EXPECT_NE(r.failure().message.find("not a Matomo tracking reply"), std::string::npos)
      << r.failure().message;
  EXPECT_NE(r.failure().message.find("image/gif"), std::string::npos) << r.failure().message;
}

TEST_F(MatomoStandinIntegration, AShortfallIsReported) {
  server_->set_mode("shortfall", 1);  // every known-site hit skipped silently
  Client client(*http_, options());
  auto r = client.send_bulk(kHits);
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(r->tracked, 0);
  EXPECT_EQ(r->invalid, 1);
  EXPECT_EQ(r->shortfall, 2);
  EXPECT_TRUE(server_->hits().empty());
}

TEST_F(MatomoStandinIntegration, ASlowServerTimesOut) {
  server_->set_mode("slow", 1500);
  ClientOptions o = options();
  o.timeout = 300ms;
  Client client(*http_, o);
  auto r = client.send_bulk(kHits);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_transient());
  EXPECT_NE(r.failure().message.find("timeout"), std::string::npos) << r.failure().message;
}

TEST_F(MatomoStandinIntegration, ARefusedTokenIsPermanentAndNeverShown) {
  std::string token = "wrong-token-5f1e2d3c";
  Client client(*http_, options(token));
  auto r = client.send_bulk(kHits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(r.failure().message.find("refused the token_auth"), std::string::npos)
      << r.failure().message;
  auto site = client.main_url(1);
  ASSERT_FALSE(site);
  EXPECT_EQ(site.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(site.failure().message.find("refused the token_auth for site 1"), std::string::npos)
      << site.failure().message;
  EXPECT_EQ(r.failure().message.find(token), std::string::npos);
  EXPECT_EQ(site.failure().message.find(token), std::string::npos);
}

TEST_F(MatomoStandinIntegration, GetSiteFromId) {
  Client client(*http_, options());
  auto r = client.main_url(3);
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(*r, "https://shop.example.com");
  auto unknown = client.main_url(99);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(unknown.failure().message.find("Matomo does not know site 99"), std::string::npos)
      << unknown.failure().message;
}

TEST_F(MatomoStandinIntegration, FastModeCountsWithoutStoring) {
  server_->set_mode("fast");
  Client client(*http_, options());
  auto r = client.send_bulk(kHits);
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ(r->tracked, 3);
  EXPECT_EQ(r->shortfall, 0);
  EXPECT_TRUE(server_->hits().empty());
}

// The sender with 4 recorders over one pool of libcurl clients: every hit stored once, even
// when a request fails and is sent again.
TEST_F(MatomoStandinIntegration, SenderDeliversEveryHitOnceThroughRetries) {
  server_->set_mode("fail_next", 2);
  net::HttpClientPool pool([] { return net::make_curl_http_client(); });
  Client client(pool, options());
  std::multiset<std::string> expected;
  int64_t confirmed = 0, in_flight = 0;
  uint64_t confirmed_line = 0;
  SenderOptions so;
  so.recorders = 4;
  so.batch_size = 25;
  so.retry_delay = 10ms;
  {
    Sender sender([&](const std::vector<std::string_view>& h) { return client.send_bulk(h); }, so,
                  [&](const WaveCommit& c) {
                    confirmed += c.hits_confirmed;
                    in_flight = c.in_flight_hits;
                    confirmed_line = c.confirmed_line;
                  });
    for (uint64_t line = 1; line <= 1000; ++line) {
      std::string ip = "192.0.2." + std::to_string(line % 50);
      json h = {{"rec", "1"},
                {"idsite", line % 2 ? "1" : "3"},
                {"cip", ip},
                {"url", "https://example.org/p" + std::to_string(line)}};
      expected.insert(h.dump());
      ASSERT_TRUE(sender.add(ip, h.dump(), line));
    }
    ASSERT_TRUE(sender.flush());
  }
  EXPECT_EQ(confirmed, 1000);
  EXPECT_EQ(in_flight, 0);
  EXPECT_EQ(confirmed_line, 1000u);
  EXPECT_EQ(as_set(server_->hits()), expected);
  EXPECT_GE(pool.size(), 1u);
  EXPECT_LE(pool.size(), 4u);
}

}  // namespace
}  // namespace ferry::matomo
