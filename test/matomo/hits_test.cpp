#include "ferry/matomo/hits.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ferry::matomo {
namespace {

using nlohmann::json;

constexpr int64_t k20150305_215536 = 1425592536;  // 2015-03-05 21:55:36 UTC
const char* kBrowser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0";
const char* kGooglebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

LogLine line_for(std::string_view path, int status, std::string_view ua = kBrowser) {
  LogLine l;
  l.ip = "203.0.113.5";
  l.path = path;
  size_t dot = path.rfind('.');
  l.extension = dot == std::string_view::npos ? path : path.substr(dot + 1);
  l.status = status;
  l.user_agent = ua;
  l.length = 2326;
  l.time_utc = k20150305_215536;
  return l;
}

HitOptions site() {
  HitOptions o;
  o.idsite = 3;
  o.main_url = "https://example.org";
  return o;
}

// The parameters every hit has, for a line of line_for() with its url and status.
json base(const std::string& url, int status, bool bot = false, const char* ua = kBrowser) {
  std::string code = std::to_string(status);
  json j = {
      {"rec", "1"},
      {"apiv", "1"},
      {"idsite", "3"},
      {"url", url},
      {"urlref", ""},
      {"cip", "203.0.113.5"},
      {"cdt", "2015-03-05 21:55:36"},
      {"ua", ua},
      {"dp", "1"},
      {"queuedtracking", "0"},
      {"bots", "1"},
      {"bw_bytes", 2326},
      {"cvar", "{\"1\": [\"HTTP-code\", \"" + code + "\"]}"},
      {"_cvar", std::string("{\"1\": [\"") + (bot ? "Bot" : "Not-Bot") + "\", \"" + ua + "\"]}"}};
  return j;
}

struct Built {
  BuiltHit hit;
  std::string text;
};

Built build(const LogLine& l, const HitOptions& o = site()) {
  Built b;
  b.text = "prefix";
  b.hit = build_hit(l, o, b.text);
  EXPECT_EQ(b.text.substr(0, 6), "prefix");
  b.text.erase(0, 6);
  return b;
}

struct Case {
  const char* name;
  LogLine line;
  HitClass cls;
  bool bot;
  json expected;
};

std::vector<Case> cases() {
  std::vector<Case> c;
  c.push_back({"page", line_for("/a.html", 200), HitClass::kPage, false,
               base("https://example.org/a.html", 200)});

  LogLine with_ref = line_for("/a.html", 200);
  with_ref.query = "x=1&y=%C3%A9";
  with_ref.referrer = "https://search.example/?q=a b";
  with_ref.userid = "alice";
  with_ref.host = "www.example.org";
  with_ref.generation_ms = 12;
  json page_ref = base("https://www.example.org/a.html?x=1&y=%C3%A9", 200);
  page_ref["urlref"] = "https://search.example/?q=a b";
  page_ref["uid"] = "alice";
  page_ref["pf_srv"] = 12;
  c.push_back({"page with referrer, user and host", with_ref, HitClass::kPage, false, page_ref});

  json dl = base("https://example.org/files/report.pdf", 200);
  dl["download"] = "https://example.org/files/report.pdf";
  c.push_back({"download", line_for("/files/report.pdf", 200), HitClass::kDownload, false, dl});

  json st = base("https://example.org/css/site.css", 200);
  st["download"] = "https://example.org/css/site.css";
  c.push_back({"static", line_for("/css/site.css", 200), HitClass::kStatic, false, st});

  json robots = base("https://example.org/robots.txt", 200);
  robots["download"] = "https://example.org/robots.txt";
  c.push_back({"robots.txt", line_for("/robots.txt", 200), HitClass::kStatic, false, robots});

  LogLine redirect = line_for("/old", 301);
  redirect.referrer = "https://example.org/";
  json rd = base("https://example.org/old", 301);
  rd["urlref"] = "https://example.org/";
  rd["action_name"] =
      "301/URL = https%3A%2F%2Fexample.org%2Fold/From = https%3A%2F%2Fexample.org%2F";
  c.push_back({"redirect with referrer", redirect, HitClass::kRedirect, false, rd});

  c.push_back({"304 is a page", line_for("/a", 304), HitClass::kPage, false,
               base("https://example.org/a", 304)});

  json err = base("https://example.org/x?a=%2F", 404);
  err["action_name"] = "404/URL = https%3A%2F%2Fexample.org%2Fx%3Fa%3D%252F";
  LogLine error = line_for("/x", 404);
  error.query = "a=%2F";
  c.push_back({"error without referrer", error, HitClass::kError, false, err});

  json bot = base("https://example.org/", 200, true, kGooglebot);
  c.push_back({"bot", line_for("/", 200, kGooglebot), HitClass::kPage, true, bot});

  LogLine uid_bot = line_for("/", 500, "curl/8.4.0");
  uid_bot.userid = "svc";
  uid_bot.referrer = "http://r.example/";
  json ub = base("https://example.org/", 500, true, "curl/8.4.0");
  ub["uid"] = "svc";
  ub["urlref"] = "http://r.example/";
  ub["action_name"] = "500/URL = https%3A%2F%2Fexample.org%2F/From = http%3A%2F%2Fr.example%2F";
  c.push_back({"bot error with user and referrer", uid_bot, HitClass::kError, true, ub});
  return c;
}

TEST(MatomoHitsTest, ParametersOfEachClass) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    Built b = build(c.line);
    EXPECT_TRUE(b.hit.kept);
    EXPECT_EQ(b.hit.cls, c.cls);
    EXPECT_EQ(b.hit.bot, c.bot);
    EXPECT_EQ(classify(c.line), c.cls);
    json got = json::parse(b.text);
    EXPECT_EQ(got, c.expected) << got.dump();
  }
}

TEST(MatomoHitsTest, CvarSpacingIsPythons) {
  Built b = build(line_for("/a", 200, "B"));
  EXPECT_NE(b.text.find(R"("cvar":"{\"1\": [\"HTTP-code\", \"200\"]}")"), std::string::npos)
      << b.text;
  EXPECT_NE(b.text.find(R"("_cvar":"{\"1\": [\"Not-Bot\", \"B\"]}")"), std::string::npos);
  EXPECT_EQ(b.text.find('\n'), std::string::npos);
}

TEST(MatomoHitsTest, EachClassSwitchedOffIsSkippedWithItsReason) {
  struct Off {
    LogLine line;
    void (*off)(HitOptions&);
    const char* reason;
  } cases[] = {
      {line_for("/x", 404), [](HitOptions& o) { o.enable_http_errors = false; }, "http error"},
      {line_for("/x", 503), [](HitOptions& o) { o.enable_http_errors = false; }, "http error"},
      {line_for("/x", 302), [](HitOptions& o) { o.enable_http_redirects = false; }, "redirect"},
      {line_for("/a.PNG", 200), [](HitOptions& o) { o.enable_static = false; }, "static"},
      {line_for("/robots.txt", 200), [](HitOptions& o) { o.enable_static = false; }, "static"},
      {line_for("/", 200, kGooglebot), [](HitOptions& o) { o.enable_bots = false; }, "bot"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.reason);
    if (c.line.extension == "PNG") c.line.extension = "png";
    HitOptions o = site();
    c.off(o);
    Built b = build(c.line, o);
    EXPECT_FALSE(b.hit.kept);
    EXPECT_EQ(b.hit.skip_reason, c.reason);
    EXPECT_EQ(b.text, "");
    Built on = build(c.line);  // the same line is tracked with every class on
    EXPECT_TRUE(on.hit.kept);
    EXPECT_EQ(on.hit.skip_reason, "");
  }
  // Switching off another class does not skip a line.
  HitOptions o = site();
  o.enable_static = false;
  o.enable_http_errors = false;
  o.enable_http_redirects = false;
  EXPECT_TRUE(build(line_for("/files/a.pdf", 200), o).hit.kept);
  EXPECT_TRUE(build(line_for("/a", 304), o).hit.kept);
}

TEST(MatomoHitsTest, BotsOffSendsNoBotParameters) {
  HitOptions o = site();
  o.enable_bots = false;
  json got = json::parse(build(line_for("/a", 200), o).text);
  EXPECT_FALSE(got.contains("bots"));
  EXPECT_FALSE(got.contains("_cvar"));
  EXPECT_EQ(got["cvar"], "{\"1\": [\"HTTP-code\", \"200\"]}");
}

TEST(MatomoHitsTest, UrlFromHostOrMainUrl) {
  HitOptions o = site();
  o.main_url = "http://example.org/blog/";
  LogLine l = line_for("/a", 200);
  EXPECT_EQ(json::parse(build(l, o).text)["url"], "http://example.org/blog/a");
  l.host = "cdn.example.org";
  EXPECT_EQ(json::parse(build(l, o).text)["url"], "http://cdn.example.org/a");
  o.main_url = "https://example.org";
  EXPECT_EQ(json::parse(build(l, o).text)["url"], "https://cdn.example.org/a");
  l.path = "*";  // not a path: no scheme or host is put in front
  l.extension = "*";
  EXPECT_EQ(json::parse(build(l, o).text)["url"], "*");
}

TEST(MatomoHitsTest, PathAndReferrerAreCutAt1024Bytes) {
  std::string path = "/" + std::string(1100, 'p');
  std::string ref = "http://r/" + std::string(1100, 'r');
  LogLine l = line_for(path, 200);
  l.extension = path;
  l.query = "q=1";
  l.referrer = ref;
  json got = json::parse(build(l).text);
  EXPECT_EQ(got["url"], "https://example.org" + path.substr(0, 1024));
  EXPECT_EQ(got["urlref"], ref.substr(0, 1024));
  std::string short_path = "/" + std::string(1019, 'p');
  l.path = short_path;
  EXPECT_EQ(json::parse(build(l).text)["url"], "https://example.org" + short_path + "?q=1");
  std::string across = "/" + std::string(1022, 'p') + "\xC3\xA9";  // 1025 bytes
  l.path = across;
  l.query = "";
  EXPECT_EQ(json::parse(build(l).text)["url"], "https://example.org/" + std::string(1022, 'p'));
}

TEST(MatomoHitsTest, TextIsEscapedAndAlwaysValidJson) {
  LogLine l = line_for("/caf\xC3\xA9", 200, "A \"q\" \\ \t\x01 \xC3\xA9 \xFF\xC3");
  l.userid = "u\"1";
  json got = json::parse(build(l).text);
  EXPECT_EQ(got["url"], "https://example.org/caf\xC3\xA9");
  EXPECT_EQ(got["ua"],
            "A \"q\" \\ \t\x01 \xC3\xA9 \xC3\xBF\xC3\x83");  // bad bytes as U+00FF, U+00C3
  EXPECT_EQ(got["uid"], "u\"1");
  json cvar = json::parse(got["_cvar"].get<std::string>());
  EXPECT_EQ(cvar["1"][1], "A \"q\" \\ \t\x01 \xC3\xA9 \xC3\xBF\xC3\x83");
}

TEST(MatomoHitsTest, CdtIsUtcAndSmallNumbersAreLeftOut) {
  LogLine l = line_for("/a", 200);
  l.time_utc = 951782399;  // 2000-02-28 23:59:59
  l.length = 0;
  l.generation_ms = 0;
  json got = json::parse(build(l).text);
  EXPECT_EQ(got["cdt"], "2000-02-28 23:59:59");
  EXPECT_FALSE(got.contains("bw_bytes"));
  EXPECT_FALSE(got.contains("pf_srv"));
  l.time_utc = 951782400 + 86400;
  EXPECT_EQ(json::parse(build(l).text)["cdt"], "2000-03-01 00:00:00");
}

TEST(MatomoHitsTest, BotMarkers) {
  for (const char* ua : {"Googlebot/2.1", "Mozilla/5.0 (compatible; YandexBot/3.0)", "curl/7.1",
                         "Java/1.8", "Some FeedFetcher", "Zabbix", "x ROBOT x", "AdsBot-Google",
                         "Pingdom.com_bot_version_1.4", "ia_archiver"}) {
    EXPECT_TRUE(is_bot(ua)) << ua;
    EXPECT_TRUE(is_bot(ua)) << ua << " (cached)";
  }
  for (const char* ua :
       {"", "b", kBrowser, "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0", "bot", "Bot 1.0"}) {
    EXPECT_FALSE(is_bot(ua)) << ua;
  }
  std::string long_ua(300, 'x');
  EXPECT_FALSE(is_bot(long_ua));
  EXPECT_TRUE(is_bot(long_ua + "spider"));
  EXPECT_EQ(hit_class_name(HitClass::kDownload), "download");
}

}  // namespace
}  // namespace ferry::matomo
