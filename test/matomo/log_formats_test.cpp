// W3C/IIS, S3, ELB and nginx JSON lines, and format detection.
#include "ferry/matomo/log_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "matomo/parse_support.h"

namespace ferry::matomo {
namespace {

using namespace parse_test;  // NOLINT: the parse helpers

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

TEST(MatomoLogFormatsTest, W3cFieldsAndASecondHeaderBlock) {
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

TEST(MatomoLogFormatsTest, W3cLineBeforeFieldsAndShortLinesAreInvalid) {
  LogParser parser(LogFormat::kW3cExtended);
  auto r = parse_all(
      parser, {"2015-03-05 21:55:36 1.2.3.4 GET / - 200 1",
               "#Fields: date time c-ip cs-uri-stem sc-status", "2015-03-05 21:55:36 1.2.3.4 /",
               "2015-03-05 21:55:36 1.2.3.4 nopath 200", "2015-02-30 21:55:36 1.2.3.4 / 200"});
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

TEST(MatomoLogFormatsTest, IisTimeTakenIsMilliseconds) {
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

TEST(MatomoLogFormatsTest, S3AccessLog) {
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

TEST(MatomoLogFormatsTest, ElbAndAlbLines) {
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
  expect_invalid(
      parse_one(
          LogFormat::kElb,
          R"(2015-03-05T21:55:36.945958Z my-lb 1.2.3.4:2817 10.0.0.1:80 0.001 0.001 0.001 - - 82 305 "- - - " "-" - -)"),
      reason::kNoMatch);
}

TEST(MatomoLogFormatsTest, NginxJsonFromTheProtocol) {
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

TEST(MatomoLogFormatsTest, NginxHexEscapesAndJsonErrors) {
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
  expect_invalid(
      parse_one(LogFormat::kNginxJson,
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

TEST(MatomoLogFormatsTest, AutoDetectionPicksTheFormatWithMostFields) {
  EXPECT_EQ(detect({kCommon}), LogFormat::kCommon);
  EXPECT_EQ(detect({kCombined}), LogFormat::kNcsaExtended);
  EXPECT_EQ(detect({"example.org " + kCommon}), LogFormat::kCommonVhost);
  EXPECT_EQ(detect({"example.org " + kCombined}), LogFormat::kCommonComplete);
  EXPECT_EQ(detect(kW3cFile), LogFormat::kW3cExtended);
  EXPECT_EQ(detect(kIisFile), LogFormat::kIis);
  EXPECT_EQ(
      detect(
          {R"(o www.example.com [05/Mar/2015:13:55:36 -0800] 1.2.3.4 - R1 REST.GET.OBJECT k "GET /k HTTP/1.1" 200 - 10 10 7 6 "-" "B")"}),
      LogFormat::kS3);
  EXPECT_EQ(
      detect(
          {R"(2015-03-05T21:55:36.9Z lb 1.2.3.4:1 10.0.0.1:80 0.1 0.2 0.3 200 200 0 57 "GET http://a.example:80/ HTTP/1.1" "B" - -)"}),
      LogFormat::kElb);
  EXPECT_EQ(
      detect(
          {R"({"ip":"1.2.3.4","path":"/","status":"200","referrer":"-","date":"2015-03-05T21:55:36+00:00"})"}),
      LogFormat::kNginxJson);
}

TEST(MatomoLogFormatsTest, AutoDetectionKeepsTryingAndThenKeepsTheFormat) {
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
