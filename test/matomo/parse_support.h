// Helpers of the Matomo log parser tests: a parsed line with its own copies of the text.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ferry/matomo/log_parser.h"

namespace ferry::matomo::parse_test {

constexpr int64_t k20150305_215536 = 1425592536;  // 2015-03-05 21:55:36 UTC

// A parsed line with its own copies of the text (the parser's views die with the next line).
struct Parsed {
  ParseResult result;
  std::string ip, host, path, query, userid, referrer, user_agent, method, extension;
  int status = 0;
  uint64_t length = 0;
  int64_t generation_ms = -1, time_utc = 0;
};

inline Parsed copy(const ParseResult& r, const LogLine& l) {
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
inline std::vector<Parsed> parse_all(LogParser& parser, const std::vector<std::string>& lines) {
  std::vector<Parsed> out;
  for (const auto& l : lines) {
    LogLine line;
    ParseResult r = parser.parse(l, line);
    out.push_back(copy(r, line));
  }
  return out;
}

inline Parsed parse_one(LogFormat f, const std::string& text) {
  LogParser parser(f);
  return parse_all(parser, {text}).front();
}

inline void expect_hit(const Parsed& p) {
  EXPECT_EQ(p.result.outcome, LineOutcome::kHit) << p.result.reason;
}
inline void expect_invalid(const Parsed& p, std::string_view why) {
  EXPECT_EQ(p.result.outcome, LineOutcome::kInvalid);
  EXPECT_EQ(p.result.reason, why);
}

inline const std::string kCommon =
    R"(203.0.113.5 - - [05/Mar/2015:13:55:36 -0800] "GET /a.html?x=1 HTTP/1.1" 200 2326)";
inline const std::string kCombined = kCommon + R"( "http://example.org/" "Browser/1.0")";

}  // namespace ferry::matomo::parse_test
