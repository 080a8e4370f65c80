// A reply converted as it arrives, in pieces of any size: the same records as the whole reply
// whatever the split points, nothing left in the output of a reply cut short, a bound on one
// row, and a fresh start when the reply is sent again.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ferry/cake/report_stream.h"
#include "ferry/io/csv.h"

namespace ferry::cake {
namespace {

using nlohmann::json;

const CellRules& rules() {
  static const CellRules r = [] {
    CellRules c;
    c.currencies = {{"1", "USD"}, {"2", "EUR"}};
    return c;
  }();
  return r;
}

// Rows with what a split can fall inside of: escapes (\/, \", \n, \u surrogate pairs),
// multi-byte UTF-8, numbers, literals, nulls and ignored nested values.
json rows(int n) {
  json all = json::array();
  for (int i = 0; i < n; ++i) {
    all.push_back({{"click_id", 7000 + i},
                   {"click_date", "/Date(" + std::to_string(1484092805123 + i * 1000) + "-0800)/"},
                   {"user_agent", "Agent, \"x\"\nline 2 — ü 😀"},
                   {"paid", {{"currency_id", 1 + i % 2}, {"amount", 0.25 + i}}},
                   {"duplicate", i % 2 == 0},
                   {"total_clicks", 12345678},
                   {"country", nullptr},
                   {"extra", {{"ignored", json::array({1, -2.5e3, true, nullptr, "s"})}}}});
  }
  return all;
}

// A reply as CAKE writes it: a byte order mark, ASP.NET's escaped slashes, whitespace.
std::string reply(const json& rows) {
  json d = {{"__type", "ClickReportResponse"},
            {"success", true},
            {"message", nullptr},
            {"row_count", rows.size()},
            {"clicks", rows}};
  std::string text = json{{"d", d}, {"other", {{"x", 1}}}}.dump(1);
  size_t at = 0;
  while ((at = text.find("/Date(", at)) != std::string::npos) {
    text.replace(at, 1, "\\/");
    at = text.find(")/", at);
    text.replace(at, 2, ")\\/");
  }
  return "\xEF\xBB\xBF" + text + "\n";
}

struct Converted {
  ConvertResult result;
  std::string out;
};

// Feeds `body` cut at `cuts` (increasing offsets), after "keep" in the output.
Converted feed_cut(const std::string& body, const std::vector<size_t>& cuts,
                   size_t limit = ReportConverter::kMaxUnitBytes) {
  Converted c;
  c.out = "keep";
  StringOutput out(c.out);
  ReportConverter converter(Report::kClicks, rules(), out, limit);
  size_t from = 0;
  for (size_t cut : cuts) {
    converter.feed(std::string_view(body).substr(from, cut - from));
    from = cut;
  }
  converter.feed(std::string_view(body).substr(from));
  c.result = converter.finish();
  return c;
}

// Feeds `body` in pieces of `piece` bytes.
Converted feed_pieces(const std::string& body, size_t piece,
                      size_t limit = ReportConverter::kMaxUnitBytes) {
  std::vector<size_t> cuts;
  for (size_t at = piece; at < body.size(); at += piece) cuts.push_back(at);
  return feed_cut(body, cuts, limit);
}

TEST(CakeReportChunks, EverySplitPointGivesTheRecordsOfTheWholeReply) {
  const std::string body = reply(rows(3));
  std::string want;
  auto whole = convert_report(Report::kClicks, body, rules(), want);
  ASSERT_TRUE(whole.ok()) << whole.failure->message;
  ASSERT_EQ(whole.rows, 3);
  ASSERT_EQ(io::parse_csv(want).size(), 3u);
  for (size_t k = 0; k <= body.size(); ++k) {
    Converted c = feed_cut(body, {k});
    ASSERT_TRUE(c.result.ok()) << k << ": " << c.result.failure->message;
    ASSERT_EQ(c.out, "keep" + want) << "split at " << k;
    ASSERT_EQ(c.result.rows, 3) << k;
    ASSERT_EQ(c.result.row_count, 3) << k;
  }
  // Two splits around every byte: a one-byte piece anywhere.
  for (size_t k = 0; k < body.size(); ++k) {
    Converted c = feed_cut(body, {k, k + 1});
    ASSERT_EQ(c.out, "keep" + want) << "one-byte piece at " << k;
  }
  for (size_t piece = 1; piece <= 64; ++piece) {
    Converted c = feed_pieces(body, piece);
    ASSERT_TRUE(c.result.ok()) << piece;
    ASSERT_EQ(c.out, "keep" + want) << "pieces of " << piece;
  }
}

// A row longer than the first bytes of a piece taken to finish it (4 KiB, then doubling).
TEST(CakeReportChunks, ALongRowAcrossLargePiecesGivesTheSameRecords) {
  json all = rows(5);
  std::string agent;
  for (int i = 0; i < 7000; ++i) agent += i % 2 ? "é" : "\"";
  all[2]["user_agent"] = agent;
  const std::string body = reply(all);
  std::string want;
  ASSERT_TRUE(convert_report(Report::kClicks, body, rules(), want).ok());
  for (size_t piece : {size_t{4095}, size_t{4096}, size_t{4097}, size_t{8191}, size_t{12000},
                       size_t{20000}, size_t{50000}}) {
    Converted c = feed_pieces(body, piece);
    ASSERT_TRUE(c.result.ok()) << piece << ": " << c.result.failure->message;
    EXPECT_EQ(c.out, "keep" + want) << "pieces of " << piece;
  }
  const size_t row = body.find("7002");
  for (size_t k = row - 3000; k < row + 3000; k += 97) {
    Converted c = feed_cut(body, {k, k + 9000});
    EXPECT_EQ(c.out, "keep" + want) << "cut at " << k;
  }
}

TEST(CakeReportChunks, AReplyCutAnywhereIsTransientAndLeavesTheOutputAsItWas) {
  const std::string body = reply(rows(2));
  const size_t end = body.rfind('}') + 1;  // whitespace after the value may be missing
  // From 3 on: a cut byte order mark is no JSON at all ("expected a value" at byte 0).
  for (size_t n = 3; n < end; ++n) {
    const std::string want = "cake: malformed Clicks response at byte " + std::to_string(n) +
                             ": unexpected end of input";
    for (size_t piece : {n % 16 == 0 ? size_t{1} : size_t{2}, size_t{7}, size_t{4096}}) {
      Converted c = feed_pieces(body.substr(0, n), piece);
      ASSERT_FALSE(c.result.ok()) << n;
      EXPECT_TRUE(c.result.failure->is_transient()) << n << ": " << c.result.failure->message;
      EXPECT_EQ(c.result.failure->message.rfind(want, 0), 0u) << c.result.failure->message;
      EXPECT_EQ(c.result.rows, 0);
      ASSERT_EQ(c.out, "keep") << n;
    }
  }
}

TEST(CakeReportChunks, RecordsReachTheOutputBeforeTheEndAndAreCutOffWhenTheReplyFails) {
  const std::string body = reply(rows(3000));
  std::string csv = "keep";
  StringOutput out(csv);
  ReportConverter converter(Report::kClicks, rules(), out);
  const size_t cut = body.size() * 9 / 10;
  for (size_t at = 0; at < cut; at += 4096)
    ASSERT_TRUE(
        converter.feed(std::string_view(body).substr(at, std::min<size_t>(4096, cut - at))));
  EXPECT_GT(converter.rows(), 2000);
  // Records are written in batches as they are converted, not held until the end.
  EXPECT_GT(csv.size(), ReportConverter::kFlushBytes);
  auto r = converter.finish();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.failure->is_transient());
  EXPECT_EQ(csv, "keep");
}

TEST(CakeReportChunks, ARowOverTheLimitIsPermanentNamingWhereItStartsWhateverThePieces) {
  json all = rows(3);
  all[1]["user_agent"] = std::string(2000, 'a');
  const std::string body = reply(all);
  const size_t second = body.rfind('{', body.find("7001"));  // keys are sorted: no '{' between
  const std::string want = "cake: malformed Clicks response at byte " + std::to_string(second) +
                           ": row 1 is longer than 1500 bytes, the limit for one row or value";
  for (size_t piece : {size_t{1}, size_t{100}, size_t{1499}, body.size()}) {
    Converted c = feed_pieces(body, piece, 1500);
    ASSERT_FALSE(c.result.ok()) << piece;
    EXPECT_FALSE(c.result.failure->is_transient());
    EXPECT_EQ(c.result.failure->message, want) << piece;
    EXPECT_EQ(c.out, "keep");
  }
  Converted fits = feed_pieces(body, 100, 4000);
  EXPECT_TRUE(fits.result.ok());
  EXPECT_EQ(fits.result.rows, 3);
}

TEST(CakeReportChunks, AValueOutsideTheRowsOverTheLimitIsPermanentToo) {
  const std::string body = R"({"d":{"__type":")" + std::string(600, 'T') + R"(","clicks":[]}})";
  for (size_t piece : {size_t{1}, size_t{64}, body.size()}) {
    Converted c = feed_pieces(body, piece, 500);
    ASSERT_FALSE(c.result.ok());
    EXPECT_EQ(c.result.failure->message,
              "cake: malformed Clicks response at byte 6: a value is longer than 500 bytes, the "
              "limit for one row or value");
  }
}

TEST(CakeReportChunks, RestartForgetsAnEarlierTry) {
  const std::string body = reply(rows(40));
  std::string want;
  ASSERT_TRUE(convert_report(Report::kClicks, body, rules(), want).ok());
  std::string csv = "keep";
  StringOutput out(csv);
  ReportConverter converter(Report::kClicks, rules(), out);
  for (size_t at = 0; at < body.size() / 2; at += 333)
    converter.feed(std::string_view(body).substr(at, 333));
  converter.restart();
  EXPECT_EQ(csv, "keep");
  EXPECT_EQ(converter.rows(), 0);
  for (size_t at = 0; at < body.size(); at += 333)
    ASSERT_TRUE(converter.feed(std::string_view(body).substr(at, 333)));
  auto r = converter.finish();
  ASSERT_TRUE(r.ok()) << r.failure->message;
  EXPECT_EQ(r.rows, 40);
  EXPECT_EQ(csv, "keep" + want);
}

TEST(CakeReportChunks, AFailureStopsFeeding) {
  std::string csv;
  StringOutput out(csv);
  ReportConverter converter(Report::kClicks, rules(), out);
  EXPECT_TRUE(converter.feed(R"({"d":{"clicks":[{"click_id":1},)"));
  EXPECT_FALSE(converter.feed("7,"));
  ASSERT_TRUE(converter.failure());
  EXPECT_EQ(converter.failure()->message,
            "cake: malformed Clicks response at byte 31: row 1 is not an object");
  EXPECT_FALSE(converter.feed("{}]}}"));
  EXPECT_EQ(converter.finish().failure->message, converter.failure()->message);
  EXPECT_EQ(csv, "");
}

}  // namespace
}  // namespace ferry::cake
