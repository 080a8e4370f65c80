#include "ferry/matomo/log_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferry::matomo {
namespace {

constexpr int64_t k20150305_215536 = 1425592536;  // 2015-03-05 21:55:36 UTC

// A parsed line with its own copies of the text (the parser's views die with the next line).
struct Parsed {
  ParseResult result;
  std::string ip, host, path, query, userid, referrer, user_agent, method, extension;
  int status = 0;
  uint64_t length = 0;
  int64_t generation_ms = -1, time_utc = 0;
};

Parsed copy(const ParseResult& r, const LogLine& l) {
  Parsed p;
  p.result = r;
  if (r.outcome != LineOutcome::kHit) return p;
  p.ip = std::string(l.ip), p.host = std::string(l.host), p.path = std::string(l.path);
  p.query = std::string(l.query), p.userid = std::string(l.userid);
  p.referrer = std::string(l.referrer), p.user_agent = std::string(l.user_agent);
  p.method = std::string(l.method), p.extension = std::string(l.extension);
  p.status = l.status, p.length = l.length, p.generation_ms = l.generation_ms;
  p.time_utc = l.time_utc;
  return p;
}

// Parses `lines` with one parser; the result of each.
std::vector<Parsed> parse_all(LogParser& parser, const std::vector<std::string>& lines) {
  std::vector<Parsed> out;
  for (const auto& l : lines) {
    LogLine line;
    ParseResult r = parser.parse(l, line);
    out.push_back(copy(r, line));
  }
  return out;
}

Parsed parse_one(LogFormat f, const std::string& text) {
  LogParser parser(f);
  return parse_all(parser, {text}).front();
}

void expect_hit(const Parsed& p) {
  EXPECT_EQ(p.result.outcome, LineOutcome::kHit) << p.result.reason;
}
void expect_invalid(const Parsed& p, std::string_view why) {
  EXPECT_EQ(p.result.outcome, LineOutcome::kInvalid);
  EXPECT_EQ(p.result.reason, why);
}

const std::string kCommon =
    R"(203.0.113.5 - - [05/Mar/2015:13:55:36 -0800] "GET /a.html?x=1 HTTP/1.1" 200 2326)";
const std::string kCombined = kCommon + R"( "http://example.org/" "Browser/1.0")";

TEST(MatomoLogParserTest, FormatNamesRoundTrip) {
  EXPECT_EQ(log_format_names().size(), 10u);
  for (auto name : log_format_names()) {
    auto f = parse_log_format(name);
    ASSERT_TRUE(f) << name;
    EXPECT_EQ(log_format_name(*f), name);
  }
  EXPECT_EQ(parse_log_format("combined"), std::nullopt);
  EXPECT_EQ(parse_log_format("NCSA_EXTENDED"), std::nullopt);
}

TEST(MatomoLogParserTest, CommonLineFromTheProtocol) {
  Parsed p = parse_one(LogFormat::kCommon, kCommon);
  expect_hit(p);
  EXPECT_EQ(p.ip, "203.0.113.5");
  EXPECT_EQ(p.host, "");
  EXPECT_EQ(p.method, "GET");
  EXPECT_EQ(p.path, "/a.html");
  EXPECT_EQ(p.query, "x=1");
  EXPECT_EQ(p.extension, "html");
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.length, 2326u);
  EXPECT_EQ(p.userid, "");
  EXPECT_EQ(p.referrer, "");
  EXPECT_EQ(p.user_agent, "");
  EXPECT_EQ(p.generation_ms, -1);
  EXPECT_EQ(p.time_utc, k20150305_215536);  // -0800 subtracted
}

TEST(MatomoLogParserTest, OffsetsAreSubtractedInBothForms) {
  struct Case {
    const char* offset;
    int64_t utc;
  } cases[] = {{"+0000", 1425563736},          {"-0800", k20150305_215536},
               {"-08:00", k20150305_215536},   {"+0530", 1425563736 - 19800},
               {"+05:30", 1425563736 - 19800}, {"-0030", 1425563736 + 1800}};
  for (const auto& c : cases) {
    std::string line = "1.2.3.4 - - [05/Mar/2015:13:55:36 " + std::string(c.offset) +
                       R"(] "GET / HTTP/1.1" 200 1)";
    Parsed p = parse_one(LogFormat::kCommon, line);
    expect_hit(p);
    EXPECT_EQ(p.time_utc, c.utc) << c.offset;
  }
}

TEST(MatomoLogParserTest, BadDatesAndOffsetsAreInvalidWithTheirReason) {
  auto with = [](const std::string& date) {
    return parse_one(LogFormat::kCommon, "1.2.3.4 - - [" + date + R"(] "GET / HTTP/1.1" 200 1)");
  };
  for (const char* bad : {"31/Feb/2015:10:00:00 +0000", "29/Feb/2015:10:00:00 +0000",
                          "05/Foo/2015:10:00:00 +0000", "05/Mar/2015:24:00:00 +0000",
                          "05/Mar/2015:10:60:00 +0000", "05/Mar/15:10:00:00 +0000",
                          "05/Mar/2015 10:00:00 +0000", "05/Mar/2015:10:00:00x +0000"}) {
    expect_invalid(with(bad), reason::kBadDate);
  }
  for (const char* bad : {"05/Mar/2015:10:00:00 +2500", "05/Mar/2015:10:00:00 +05:3",
                          "05/Mar/2015:10:00:00 0800", "05/Mar/2015:10:00:00 abc",
                          "05/Mar/2015:10:00:00 +0860", "05/Mar/2015:10:00:00 +08000"}) {
    expect_invalid(with(bad), reason::kBadOffset);
  }
  Parsed leap = with("29/feb/2016:00:00:00 +0000");  // month names in any case
  expect_hit(leap);
  EXPECT_EQ(leap.time_utc, 1456704000);
  expect_invalid(with("01/Jan/0001:00:00:00 +0100"), reason::kBadDate);  // before year 1 in UTC
}

TEST(MatomoLogParserTest, DashValuesAndQuerySplit) {
  Parsed p = parse_one(LogFormat::kNcsaExtended,
                       R"(1.2.3.4 - - [05/Mar/2015:13:55:36 +0000] "GET /a?- HTTP/1.1" 304 - "-" "-")");
  expect_hit(p);
  EXPECT_EQ(p.path, "/a");
  EXPECT_EQ(p.query, "");
  EXPECT_EQ(p.length, 0u);
  EXPECT_EQ(p.referrer, "");
  EXPECT_EQ(p.user_agent, "-");
  EXPECT_EQ(p.userid, "");
  p = parse_one(LogFormat::kCommon,
                R"(1.2.3.4 - bob [05/Mar/2015:13:55:36 +0000] "GET /x?a=1?b=2 HTTP/1.1" 200 12)");
  EXPECT_EQ(p.userid, "bob");
  EXPECT_EQ(p.path, "/x");
  EXPECT_EQ(p.query, "a=1?b=2");
}

TEST(MatomoLogParserTest, ExtensionIsAfterTheLastDotLowerCased) {
  struct Case {
    const char* path;
    const char* extension;
  } cases[] = {{"/img/Logo.PNG", "png"},   {"/a/b.tar.GZ?x=y.pdf", "gz"},
               {"/About", "/about"},       {"/dir.v2/file", "v2/file"},
               {"/robots.txt", "txt"},     {"/", "/"}};
  for (const auto& c : cases) {
    std::string line = "1.2.3.4 - - [05/Mar/2015:13:55:36 +0000] \"GET " + std::string(c.path) +
                       " HTTP/1.1\" 200 1";
    Parsed p = parse_one(LogFormat::kCommon, line);
    expect_hit(p);
    EXPECT_EQ(p.extension, c.extension) << c.path;
  }
}

TEST(MatomoLogParserTest, VhostHostIsCleanedUp) {
  Parsed p = parse_one(
      LogFormat::kCommonVhost,
      R"(.WWW.Example.ORG.:8080 1.2.3.4 - bob [05/Mar/2015:13:55:36 +0000] "GET / HTTP/1.0" 301 368)");
  expect_hit(p);
  EXPECT_EQ(p.host, "www.example.org");
  EXPECT_EQ(p.ip, "1.2.3.4");
  EXPECT_EQ(p.userid, "bob");
  EXPECT_EQ(p.status, 301);
}

TEST(MatomoLogParserTest, CombinedWithEscapedQuotesAndSpacesInThePath) {
  Parsed p = parse_one(
      LogFormat::kNcsaExtended,
      R"(1.2.3.4 - - [05/Mar/2015:13:55:36 +0000] "GET /a b.html HTTP/1.1" 200 5 "http://r.example/?q=\"x\"" "Agent \"quoted\" 1.0" "extra")");
  expect_hit(p);
  EXPECT_EQ(p.path, "/a b.html");
  EXPECT_EQ(p.referrer, R"(http://r.example/?q=\"x\")");
  EXPECT_EQ(p.user_agent, R"(Agent \"quoted\" 1.0)");
  expect_invalid(parse_one(LogFormat::kNcsaExtended, kCommon), reason::kNoMatch);
  expect_invalid(parse_one(LogFormat::kCommon, R"(1.2.3.4 - - [05/Mar/2015:13:55:36 +0000] "-" 408 0)"),
                 reason::kNoMatch);
}

TEST(MatomoLogParserTest, CommonCompleteHasHostAndAgent) {
  Parsed p = parse_one(LogFormat::kCommonComplete, "Example.com " + kCombined);
  expect_hit(p);
  EXPECT_EQ(p.host, "example.com");
  EXPECT_EQ(p.referrer, "http://example.org/");
  EXPECT_EQ(p.user_agent, "Browser/1.0");
  EXPECT_EQ(p.time_utc, k20150305_215536);
}

TEST(MatomoLogParserTest, IpV6Clients) {
  Parsed p = parse_one(LogFormat::kNcsaExtended,
                       R"(2001:db8::ff00:42:8329 - - [05/Mar/2015:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "B")");
  expect_hit(p);
  EXPECT_EQ(p.ip, "2001:db8::ff00:42:8329");
  p = parse_one(LogFormat::kCommon,
                R"(::ffff:203.0.113.5 - - [05/Mar/2015:13:55:36 +0000] "GET / HTTP/1.1" 200 1)");
  EXPECT_EQ(p.ip, "::ffff:203.0.113.5");
}

TEST(MatomoLogParserTest, EmptyLinesAreSkippedAndCarriageReturnsDropped) {
  LogParser parser(LogFormat::kCommon);
  auto r = parse_all(parser, {"", "  \t", kCommon + "\r"});
  EXPECT_EQ(r[0].result.outcome, LineOutcome::kSkip);
  EXPECT_EQ(r[1].result.outcome, LineOutcome::kSkip);
  expect_hit(r[2]);
  EXPECT_EQ(r[2].length, 2326u);
  expect_invalid(parse_one(LogFormat::kCommon, "#Fields: date time"), reason::kNoMatch);
}

const std::vector<std::string> kW3cFile = {
    "#Software: Example Server 1.0",
    "#Version: 1.0",
    "#Date: 2015-03-05 00:00:00",
    "#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status sc-bytes "
    "cs(User-Agent) cs(Referer) cs-host time-taken",
    "2015-03-05 21:55:36.250 203.0.113.5 GET /a.html x=1 200 2326 Browser/1.0 "
    "http://example.org/ Example.ORG:8080 0.5",
    "2015-03-05 21:55:37 203.0.113.6 GET /b - 404 - \"Quoted Agent\" - - 2",
    "#Software: Example Server 1.0",
    "#Fields: time date cs-uri-stem c-ip sc-status cs-username",
    "21:55:38 2015-03-05 /c.PDF 203.0.113.7 206 carol",
};

TEST(MatomoLogParserTest, W3cFieldsAndASecondHeaderBlock) {
  LogParser parser(LogFormat::kW3cExtended);
  auto r = parse_all(parser, kW3cFile);
  for (int i : {0, 1, 2, 3, 6, 7}) EXPECT_EQ(r[i].result.outcome, LineOutcome::kHeader) << i;
  expect_hit(r[4]);
  EXPECT_EQ(r[4].time_utc, k20150305_215536);
  EXPECT_EQ(r[4].ip, "203.0.113.5");
  EXPECT_EQ(r[4].method, "GET");
  EXPECT_EQ(r[4].path, "/a.html");
  EXPECT_EQ(r[4].query, "x=1");
  EXPECT_EQ(r[4].status, 200);
  EXPECT_EQ(r[4].length, 2326u);
  EXPECT_EQ(r[4].user_agent, "Browser/1.0");
  EXPECT_EQ(r[4].referrer, "http://example.org/");
  EXPECT_EQ(r[4].host, "example.org");
  EXPECT_EQ(r[4].generation_ms, 500);  // seconds in W3C
  expect_hit(r[5]);
  EXPECT_EQ(r[5].query, "");
  EXPECT_EQ(r[5].length, 0u);
  EXPECT_EQ(r[5].user_agent, "Quoted Agent");
  EXPECT_EQ(r[5].referrer, "");
  EXPECT_EQ(r[5].host, "");
  EXPECT_EQ(r[5].generation_ms, 2000);
  expect_hit(r[8]);  // laid out by the second #Fields line
  EXPECT_EQ(r[8].time_utc, k20150305_215536 + 2);
  EXPECT_EQ(r[8].path, "/c.PDF");
  EXPECT_EQ(r[8].extension, "pdf");
  EXPECT_EQ(r[8].ip, "203.0.113.7");
  EXPECT_EQ(r[8].status, 206);
  EXPECT_EQ(r[8].userid, "carol");
  EXPECT_EQ(r[8].generation_ms, -1);
}

TEST(MatomoLogParserTest, W3cLineBeforeFieldsAndShortLinesAreInvalid) {
  LogParser parser(LogFormat::kW3cExtended);
  auto r = parse_all(parser, {"2015-03-05 21:55:36 1.2.3.4 GET / - 200 1",
                              "#Fields: date time c-ip cs-uri-stem sc-status",
                              "2015-03-05 21:55:36 1.2.3.4 /",
                              "2015-03-05 21:55:36 1.2.3.4 nopath 200",
                              "2015-02-30 21:55:36 1.2.3.4 / 200"});
  expect_invalid(r[0], reason::kNoFields);
  expect_invalid(r[2], reason::kNoMatch);
  expect_invalid(r[3], reason::kNoMatch);
  expect_invalid(r[4], reason::kBadDate);
}

const std::vector<std::string> kIisFile = {
    "#Software: Microsoft Internet Information Services 8.5",
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
    "2015-03-05 21:55:36 10.0.0.1 GET /Default.aspx id=7 443 - 2001:db8::5 "
    "Mozilla/5.0+(Windows+NT+10.0) https://example.org/ 200 0 0 1687",
};

TEST(MatomoLogParserTest, IisTimeTakenIsMilliseconds) {
  LogParser parser(LogFormat::kIis);
  auto r = parse_all(parser, kIisFile);
  expect_hit(r[2]);
  EXPECT_EQ(r[2].generation_ms, 1687);
  EXPECT_EQ(r[2].ip, "2001:db8::5");
  EXPECT_EQ(r[2].user_agent, "Mozilla/5.0+(Windows+NT+10.0)");
  EXPECT_EQ(r[2].extension, "aspx");
  EXPECT_EQ(r[2].userid, "");
  LogParser w3c(LogFormat::kW3cExtended);
  EXPECT_EQ(parse_all(w3c, kIisFile)[2].generation_ms, 1687000);  // seconds when read as W3C
}

TEST(MatomoLogParserTest, S3AccessLog) {
  Parsed p = parse_one(
      LogFormat::kS3,
      R"(79a5 Www.Example.com [05/Mar/2015:13:55:36 -0800] 203.0.113.5 arn:aws:iam::123:user/ann 3E57427F3EXAMPLE REST.GET.OBJECT a.html "GET /a.html?x=1 HTTP/1.1" 200 - 2326 4000 70 10 "http://example.org/" "Browser/1.0" - Ht1 SigV4)");
  expect_hit(p);
  EXPECT_EQ(p.host, "www.example.com");
  EXPECT_EQ(p.ip, "203.0.113.5");
  EXPECT_EQ(p.userid, "arn:aws:iam::123:user/ann");
  EXPECT_EQ(p.path, "/a.html");
  EXPECT_EQ(p.query, "x=1");
  EXPECT_EQ(p.length, 2326u);
  EXPECT_EQ(p.referrer, "http://example.org/");
  EXPECT_EQ(p.user_agent, "Browser/1.0");
  EXPECT_EQ(p.time_utc, k20150305_215536);
  EXPECT_EQ(p.generation_ms, -1);
}

TEST(MatomoLogParserTest, ElbAndAlbLines) {
  Parsed p = parse_one(
      LogFormat::kElb,
      R"(2015-03-05T21:55:36.945958Z my-lb 203.0.113.5:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 "GET https://WWW.Example.com:443/p/index.html?x=1 HTTP/1.1" "Browser/1.0" DHE-RSA-AES128-SHA TLSv1.2)");
  expect_hit(p);
  EXPECT_EQ(p.time_utc, k20150305_215536);
  EXPECT_EQ(p.ip, "203.0.113.5");
  EXPECT_EQ(p.host, "www.example.com");
  EXPECT_EQ(p.path, "/p/index.html");
  EXPECT_EQ(p.query, "x=1");
  EXPECT_EQ(p.length, 57u);
  EXPECT_EQ(p.generation_ms, 1);
  EXPECT_EQ(p.user_agent, "Browser/1.0");
  EXPECT_EQ(p.referrer, "");
  p = parse_one(
      LogFormat::kElb,
      R"(https 2015-03-05T21:55:36.127531Z app/my-alb/abc 2001:db8::7:51234 - -1 -1 -1 503 - 225 0 "GET https://example.com:443/ HTTP/1.1" "Browser/1.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:x "Root=1")");
  expect_hit(p);
  EXPECT_EQ(p.ip, "2001:db8::7");
  EXPECT_EQ(p.status, 503);
  EXPECT_EQ(p.generation_ms, -1);
  expect_invalid(parse_one(LogFormat::kElb,
                           R"(2015-03-05T21:55:36.945958Z my-lb 1.2.3.4:2817 10.0.0.1:80 0.001 0.001 0.001 - - 82 305 "- - - " "-" - -)"),
                 reason::kNoMatch);
}

TEST(MatomoLogParserTest, NginxJsonFromTheProtocol) {
  Parsed p = parse_one(
      LogFormat::kNginxJson,
      R"({"ip":"203.0.113.5","host":"Example.org","path":"/a?x=1","status":"200","referrer":"-","user_agent":"Browser/1.0","length":512,"generation_time_milli":0.012,"date":"2015-03-05T13:55:36-08:00"})");
  expect_hit(p);
  EXPECT_EQ(p.ip, "203.0.113.5");
  EXPECT_EQ(p.host, "example.org");
  EXPECT_EQ(p.path, "/a");
  EXPECT_EQ(p.query, "x=1");
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.referrer, "");
  EXPECT_EQ(p.length, 512u);
  EXPECT_EQ(p.generation_ms, 12);
  EXPECT_EQ(p.time_utc, k20150305_215536);
}

TEST(MatomoLogParserTest, NginxHexEscapesAndJsonErrors) {
  Parsed p = parse_one(
      LogFormat::kNginxJson,
      R"({ "ip" : "1.2.3.4", "path": "/caf\xC3\xA9", "status": 404, "user_agent": "A \x22q\x22 \u00e9\ud83d\ude00 \xff", "idsite": 1, "x": {"a": ["\"", 1]}, "date": "2015-03-05T21:55:36+00:00", "referrer": null })");
  expect_hit(p);
  EXPECT_EQ(p.path, "/caf\xC3\xA9");
  EXPECT_EQ(p.status, 404);
  EXPECT_EQ(p.user_agent, "A \"q\" \xC3\xA9\xF0\x9F\x98\x80 \xFF");
  EXPECT_EQ(p.time_utc, k20150305_215536);
  EXPECT_EQ(p.length, 0u);
  EXPECT_EQ(p.generation_ms, -1);
  expect_invalid(parse_one(LogFormat::kNginxJson, R"({"ip":"1.2.3.4","path":"/")"),
                 reason::kBadJson);
  expect_invalid(parse_one(LogFormat::kNginxJson, R"({"ip":"1.2.3.4","path":"/\q"})"),
                 reason::kBadJson);
  expect_invalid(parse_one(LogFormat::kNginxJson,
                           R"({"path":"/","status":"200","date":"2015-03-05T21:55:36+00:00"})"),
                 reason::kMissingField);
  expect_invalid(parse_one(LogFormat::kNginxJson,
                           R"({"ip":"1","path":"/","status":"OK","date":"2015-03-05T21:55:36"})"),
                 reason::kBadStatus);
  expect_invalid(parse_one(LogFormat::kNginxJson,
                           R"({"ip":"1","path":"/","status":"200","date":"2015-03-05T21:55:36+0x:00"})"),
                 reason::kBadOffset);
}

LogFormat detect(const std::vector<std::string>& lines) {
  LogParser parser(LogFormat::kAuto);
  EXPECT_EQ(parser.format(), LogFormat::kAuto);
  auto r = parse_all(parser, lines);
  EXPECT_EQ(r.back().result.outcome, LineOutcome::kHit) << r.back().result.reason;
  return parser.format();
}

TEST(MatomoLogParserTest, AutoDetectionPicksTheFormatWithMostFields) {
  EXPECT_EQ(detect({kCommon}), LogFormat::kCommon);
  EXPECT_EQ(detect({kCombined}), LogFormat::kNcsaExtended);
  EXPECT_EQ(detect({"example.org " + kCommon}), LogFormat::kCommonVhost);
  EXPECT_EQ(detect({"example.org " + kCombined}), LogFormat::kCommonComplete);
  EXPECT_EQ(detect(kW3cFile), LogFormat::kW3cExtended);
  EXPECT_EQ(detect(kIisFile), LogFormat::kIis);
  EXPECT_EQ(detect({R"(o www.example.com [05/Mar/2015:13:55:36 -0800] 1.2.3.4 - R1 REST.GET.OBJECT k "GET /k HTTP/1.1" 200 - 10 10 7 6 "-" "B")"}),
            LogFormat::kS3);
  EXPECT_EQ(detect({R"(2015-03-05T21:55:36.9Z lb 1.2.3.4:1 10.0.0.1:80 0.1 0.2 0.3 200 200 0 57 "GET http://a.example:80/ HTTP/1.1" "B" - -)"}),
            LogFormat::kElb);
  EXPECT_EQ(detect({R"({"ip":"1.2.3.4","path":"/","status":"200","referrer":"-","date":"2015-03-05T21:55:36+00:00"})"}),
            LogFormat::kNginxJson);
}

TEST(MatomoLogParserTest, AutoDetectionKeepsTryingAndThenKeepsTheFormat) {
  LogParser parser(LogFormat::kAuto);
  auto r = parse_all(parser, {"garbage", "", kCombined, kCommon, kCombined});
  expect_invalid(r[0], reason::kNoMatch);
  EXPECT_EQ(r[1].result.outcome, LineOutcome::kSkip);
  expect_hit(r[2]);
  EXPECT_EQ(r[2].user_agent, "Browser/1.0");
  expect_invalid(r[3], reason::kNoMatch);  // the file is ncsa_extended now
  expect_hit(r[4]);
  EXPECT_EQ(parser.format(), LogFormat::kNcsaExtended);
}

}  // namespace
}  // namespace ferry::matomo
