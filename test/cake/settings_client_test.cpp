// The pieces around the handlers: [cake] settings checks, reply classification and messages,
// the currency cache (state) and its daily refresh.
#include <gtest/gtest.h>

#include <thread>

#include "cake/pipeline_fixture.h"
#include "ferry/cake/client.h"
#include "ferry/cake/currencies.h"
#include "ferry/cake/settings.h"
#include "ferry/cake/store.h"
#include "ferry/io/csv.h"
#include "ferry/net/retry.h"

namespace ferry::cake::testing {
namespace {

TEST(CakeSettings, AdminUrlIsHttpsUnlessItSaysHttp) {
  EXPECT_EQ(normalize_admin_url("admin.example.com"), "https://admin.example.com");
  EXPECT_EQ(normalize_admin_url("admin.example.com/"), "https://admin.example.com");
  EXPECT_EQ(normalize_admin_url("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
  EXPECT_EQ(normalize_admin_url(" https://a.b/c/ "), "https://a.b/c");
  EXPECT_FALSE(normalize_admin_url("ftp://a.b"));
  EXPECT_FALSE(normalize_admin_url("https://"));
  EXPECT_FALSE(normalize_admin_url(""));
}

TEST(CakeSettings, TimeOfDay) {
  EXPECT_EQ(parse_time_of_day("01:30"), 90);
  EXPECT_EQ(parse_time_of_day("23:59"), 23 * 60 + 59);
  EXPECT_FALSE(parse_time_of_day("24:00"));
  EXPECT_FALSE(parse_time_of_day("1:30"));
  EXPECT_FALSE(parse_time_of_day("01:60"));
}

TEST(CakeSettings, ChecksNameTheKey) {
  CakeSettings s;
  EXPECT_EQ(check_settings(s).failure().message, "cake: [cake] admin_url is not set");
  s.admin_url = "cake.example.com";
  EXPECT_EQ(check_settings(s).failure().message,
            "cake: [cake] api_key is not set (or set FERRY_CAKE_API_KEY)");
  s.api_key = "k";
  s.min_window = std::chrono::minutes(20);
  EXPECT_EQ(check_settings(s).failure().message,
            "cake: [cake] click_window is shorter than min_window");
  s.min_window = std::chrono::minutes(1);
  s.daily_at = "1:30am";
  EXPECT_EQ(check_settings(s).failure().message,
            "cake: [cake] daily_at '1:30am' is not a time of day HH:MM (00:00 to 23:59)");
  s.daily_at = "01:30";
  s.timezone = "Mars/Olympus_Mons";
  EXPECT_EQ(check_settings(s).failure().message,
            "cake: [cake] timezone 'Mars/Olympus_Mons' is not in the time zone database");
  s.timezone = "America/New_York";
  EXPECT_TRUE(check_settings(s).is_ok());
  EXPECT_EQ(s.admin_url, "https://cake.example.com");
}

TEST(CakeClient, RepliesAreClassified) {
  auto r401 =
      net::FakeHttpClient::respond(401, R"({"d":{"success":false,"message":"Invalid API Key"}})");
  auto st = classify_reply("POST https://c/api/11/reports.asmx/Clicks", r401);
  ASSERT_FALSE(st);
  EXPECT_FALSE(st.failure().is_transient());
  EXPECT_EQ(st.failure().message,
            "cake: POST https://c/api/11/reports.asmx/Clicks: HTTP 401 Invalid API Key");
  EXPECT_FALSE(
      classify_reply("x", net::FakeHttpClient::respond(403, "<html/>")).failure().is_transient());
  EXPECT_FALSE(classify_reply("x", net::FakeHttpClient::respond(404, "")).failure().is_transient());
  auto asp = net::FakeHttpClient::respond(
      500, R"({"Message":"Invalid web service call, missing value for parameter: 'x'."})");
  EXPECT_FALSE(classify_reply("x", asp).failure().is_transient());
  auto busy = net::FakeHttpClient::respond(429, "slow down");
  busy.attempts = 3;
  EXPECT_EQ(classify_reply("x", busy).failure().message, "cake: x: HTTP 429 after 3 tries");
  EXPECT_TRUE(classify_reply("x", busy).failure().is_transient());
  auto down = net::FakeHttpClient::fail(net::TransportError::kConnect, "Connection refused");
  down.attempts = 2;
  EXPECT_EQ(classify_reply("x", down).failure().message,
            "cake: x: cannot connect: Connection refused after 2 tries");
  EXPECT_TRUE(classify_reply("x", down).failure().is_transient());
  EXPECT_TRUE(classify_reply("x", net::FakeHttpClient::respond(200, "{}")).is_ok());
}

// CAKE repeats the request in some error texts: the key must not reach the message.
TEST(CakeClient, EchoedKeyIsScrubbed) {
  auto echo = net::FakeHttpClient::respond(
      400, R"({"d":{"message":"Invalid API Key: request was {\"api_key\":\"k-123456\"}"}})");
  auto st = classify_reply("x", echo, "k-123456");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.failure().message.find("k-123456"), std::string::npos) << st.failure().message;
}

TEST(CakeClient, RequestsCarryTimeoutsJsonAndTheKeyOnlyInTheBody) {
  CakeSettings s;
  s.admin_url = "cake.example.com";
  s.api_key = "the-key";
  s.timeout = std::chrono::seconds(42);
  net::FakeHttpClient http([](const net::HttpRequest&) {
    return net::FakeHttpClient::fail(net::TransportError::kTimeout, "timed out");
  });
  FakeTimer timer;
  CakeClient client(http, s, timer);
  std::string csv;
  StringOutput out(csv);
  const CellRules rules;
  ReportConverter converter(Report::kConversions, rules, out);
  auto reply = client.report(Report::kConversions,
                             ReportSlice{at("2016-01-10T00:00:00Z"), at("2016-01-10T00:30:00Z")},
                             true, converter);
  EXPECT_TRUE(reply.timed_out);
  ASSERT_TRUE(reply.failure);
  EXPECT_TRUE(reply.failure->is_transient());
  const auto& req = http.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://cake.example.com/api/17/reports.asmx/EventConversions");
  EXPECT_EQ(req.timeout, std::chrono::seconds(42));
  EXPECT_EQ(req.connect_timeout, std::chrono::seconds(10));
  EXPECT_NE(req.body.data.find("\"api_key\":\"the-key\""), std::string::npos);
  EXPECT_EQ(reply.failure->message.find("the-key"), std::string::npos);
  bool json = false;
  for (const auto& [k, v] : req.headers)
    json |= k == "Content-Type" && v.find("json") != std::string::npos;
  EXPECT_TRUE(json);
}

// Half a reply, then the connection breaks; the next try answers it whole, in 5-byte pieces.
class BreaksOnce : public net::HttpClient {
 public:
  explicit BreaksOnce(std::string body) : body_(std::move(body)) {}
  net::HttpResponse send(const net::HttpRequest& r) override {
    if (++calls == 1) {
      r.on_body_start();
      EXPECT_TRUE(r.on_body(std::string_view(body_).substr(0, body_.size() / 2)));
      return net::FakeHttpClient::fail(net::TransportError::kSendRecv, "reset by peer");
    }
    return net::deliver_body(r, net::FakeHttpClient::respond(200, body_), 5);
  }
  int calls = 0;

 private:
  std::string body_;
};

TEST(CakeClient, ReportsAreConvertedAsTheyArriveAndATryAgainStartsOver) {
  CakeSettings s;
  s.admin_url = "cake.example.com";
  s.api_key = "the-key";
  std::string body = R"({"d":{"success":true,"row_count":2,"clicks":[)"
                     R"({"click_id":11,"click_date":"\/Date(1452384000000)\/"},)"
                     R"({"click_id":12,"click_date":"\/Date(1452384001000)\/"}]}})";
  BreaksOnce inner(body);
  FakeTimer timer;
  FixedClock wall(at("2016-01-12T00:00:00Z"));
  net::RetryingHttpClient http(
      inner, net::RetryPolicy{}, timer, [] { return 0.5; }, wall);
  CakeClient client(http, s, timer);
  std::string csv = "header\r\n";
  StringOutput out(csv);
  const CellRules rules;
  ReportConverter converter(Report::kClicks, rules, out);
  auto reply = client.report(Report::kClicks,
                             ReportSlice{at("2016-01-10T00:00:00Z"), at("2016-01-10T01:00:00Z")},
                             true, converter);
  ASSERT_TRUE(reply.ok()) << reply.failure->message;
  EXPECT_EQ(inner.calls, 2);
  EXPECT_TRUE(reply.body.empty());
  auto r = converter.finish();
  ASSERT_TRUE(r.ok()) << r.failure->message;
  EXPECT_EQ(r.rows, 2);
  auto rows = io::parse_csv(csv);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "11");
  EXPECT_EQ(rows[2][0], "12");
}

TEST(CakeClient, AReplyTheConverterRefusesStopsTheTransferWithItsFailure) {
  CakeSettings s;
  s.admin_url = "cake.example.com";
  s.api_key = "the-key";
  net::FakeHttpClient http(
      [](const net::HttpRequest&) { return net::FakeHttpClient::respond(200, "[1, 2, 3]"); });
  http.set_body_piece(1);
  FakeTimer timer;
  CakeClient client(http, s, timer);
  std::string csv;
  StringOutput out(csv);
  const CellRules rules;
  ReportConverter converter(Report::kClicks, rules, out);
  auto reply = client.report(Report::kClicks,
                             ReportSlice{at("2016-01-10T00:00:00Z"), at("2016-01-10T01:00:00Z")},
                             true, converter);
  ASSERT_TRUE(reply.failure);
  EXPECT_FALSE(reply.failure->is_transient());
  EXPECT_EQ(reply.failure->message,
            "cake: malformed Clicks response at byte 0: expected a JSON object");
}

class CakeCurrencies : public PipelineTest {
 protected:
  CakeClient client() { return CakeClient(cake_.http(), settings_, timer_); }
};

TEST_F(CakeCurrencies, CachedInStateAndRefreshedAfterADay) {
  auto c = client();
  auto first = load_currencies(store_, c, "https://cake.test", at("2016-01-12T03:00:00Z"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.currencies.at("2"), "EUR");
  EXPECT_EQ(cake_.count("Currencies"), 1);
  auto cached = cake::CakeStore(store_).currencies("https://cake.test");
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->abbr_by_id.size(), 2u);
  EXPECT_EQ(format_iso8601(cached->fetched_at), "2016-01-12T03:00:00Z");
  EXPECT_FALSE(cake::CakeStore(store_).currencies("https://other.test"));

  // Later the same day: from the cache, no call.
  ASSERT_TRUE(load_currencies(store_, c, "https://cake.test", at("2016-01-12T20:00:00Z")).ok());
  EXPECT_EQ(cake_.count("Currencies"), 1);
  // A day later: fetched again.
  ASSERT_TRUE(load_currencies(store_, c, "https://cake.test", at("2016-01-13T03:00:00Z")).ok());
  EXPECT_EQ(cake_.count("Currencies"), 2);
  EXPECT_EQ(format_iso8601(cake::CakeStore(store_).currencies("https://cake.test")->fetched_at),
            "2016-01-13T03:00:00Z");
}

TEST_F(CakeCurrencies, AFailedCallIsATransientJobFailureAndKeepsTheCache) {
  cake_.fault = [](const FakeCall&) -> std::optional<net::HttpResponse> {
    return net::FakeHttpClient::respond(502, "<html/>");
  };
  auto c = client();
  auto r = load_currencies(store_, c, "https://cake.test", at("2016-01-12T03:00:00Z"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.failure->is_transient());
  EXPECT_EQ(r.failure->message, "cake: POST https://cake.test/api/1/get.asmx/Currencies: HTTP 502");

  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  auto step = run(*handler(kClicksKind), id);
  ASSERT_EQ(step.status, core::StepStatus::kFailed);
  EXPECT_TRUE(step.failure.is_transient());
  EXPECT_EQ(cake_.count("Clicks"), 0);
  EXPECT_FALSE(cake::CakeStore(store_).currencies("https://cake.test"));
}

TEST_F(CakeCurrencies, TwoHostsRefreshingTheCacheAtOnceBothSucceed) {
  // Another host's refresh, not committed yet, on a connection of its own.
  auto other = store_.connect_again();
  other->exec(
      "BEGIN; DELETE FROM cake_currencies WHERE admin_url = 'https://cake.test'; "
      "INSERT INTO cake_currencies VALUES ('https://cake.test', '2', 'EUR', "
      "'2016-01-12T03:00:00Z')");
  std::string error;
  std::thread ours([&] {
    try {
      cake::CakeStore(store_).replace_currencies("https://cake.test", {{"1", "USD"}, {"2", "EUR"}},
                                                 at("2016-01-12T03:00:01Z"));
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // ours waits for the other
  other->exec("COMMIT");
  ours.join();
  EXPECT_EQ(error, "");
  auto cached = cake::CakeStore(store_).currencies("https://cake.test");
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->abbr_by_id.size(), 2u);
}

}  // namespace
}  // namespace ferry::cake::testing
