#include "ferry/matomo/log_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "matomo/parse_support.h"

namespace ferry::matomo {
namespace {

using namespace parse_test;  // NOLINT: the parse helpers

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
  for (const char* bad :
       {"31/Feb/2015:10:00:00 +0000", "29/Feb/2015:10:00:00 +0000", "05/Foo/2015:10:00:00 +0000",
        "05/Mar/2015:24:00:00 +0000", "05/Mar/2015:10:60:00 +0000", "05/Mar/15:10:00:00 +0000",
        "05/Mar/2015 10:00:00 +0000", "05/Mar/2015:10:00:00x +0000"}) {
    expect_invalid(with(bad), reason::kBadDate);
  }
  for (const char* bad :
       {"05/Mar/2015:10:00:00 +2500", "05/Mar/2015:10:00:00 +05:3", "05/Mar/2015:10:00:00 0800",
        "05/Mar/2015:10:00:00 abc", "05/Mar/2015:10:00:00 +0860", "05/Mar/2015:10:00:00 +08000"}) {
    expect_invalid(with(bad), reason::kBadOffset);
  }
  Parsed leap = with("29/feb/2016:00:00:00 +0000");  // month names in any case
  expect_hit(leap);
  EXPECT_EQ(leap.time_utc, 1456704000);
  expect_invalid(with("01/Jan/0001:00:00:00 +0100"), reason::kBadDate);  // before year 1 in UTC
}

TEST(MatomoLogParserTest, DashValuesAndQuerySplit) {
  Parsed p =
      parse_one(LogFormat::kNcsaExtended,
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
  } cases[] = {{"/img/Logo.PNG", "png"},    {"/a/b.tar.GZ?x=y.pdf", "gz"}, {"/About", "/about"},
               {"/dir.v2/file", "v2/file"}, {"/robots.txt", "txt"},        {"/", "/"}};
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
  expect_invalid(
      parse_one(LogFormat::kCommon, R"(1.2.3.4 - - [05/Mar/2015:13:55:36 +0000] "-" 408 0)"),
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
  Parsed p = parse_one(
      LogFormat::kNcsaExtended,
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

}  // namespace
}  // namespace ferry::matomo
