#include "ferry/cake/report_stream.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ferry/io/csv.h"

namespace ferry::cake {
namespace {

using nlohmann::json;

CellRules rules() {
  CellRules r;
  r.currencies = {{"1", "USD"}};
  return r;
}

json click(int64_t id, int64_t ms) {
  return json{{"click_id", id},
              {"click_date", "/Date(" + std::to_string(ms) + "-0800)/"},
              {"user_agent", "Agent, \"x\"\nline 2 — ü"},
              {"paid", {{"currency_id", 1}, {"amount", 0.25}}},
              {"duplicate", true},
              {"country", nullptr},
              {"extra", {{"ignored", json::array({1, 2, 3})}}}};
}

std::string body_of(const json& rows, const char* key = "clicks") {
  json d = {{"__type", "ClickReportResponse"},
            {"success", true},
            {"message", nullptr},
            {"row_count", rows.size()},
            {key, rows}};
  std::string text = json{{"d", d}, {"other", 1}}.dump();
  // ASP.NET escapes the slashes of its dates.
  size_t at = 0;
  while ((at = text.find("/Date(", at)) != std::string::npos) {
    text.replace(at, 1, "\\/");
    at = text.find(")/", at);
    text.replace(at, 2, ")\\/");
  }
  return text;
}

TEST(CakeReportStream, ConvertsRowsAfterWhatTheOutputHeld) {
  json rows =
      json::array({click(1, 1484092805123), click(2, 1484092806000), click(3, 1484092807000)});
  std::string out = "existing\r\n";
  auto r = convert_report(Report::kClicks, body_of(rows), rules(), out);
  ASSERT_TRUE(r.ok()) << r.failure->message;
  EXPECT_EQ(r.rows, 3);
  EXPECT_EQ(r.row_count, 3);
  auto parsed = io::parse_csv(out);
  ASSERT_EQ(parsed.size(), 4u);
  EXPECT_EQ(parsed[0], std::vector<std::string>{"existing"});
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(parsed[i], row_cells(Report::kClicks, rows[i - 1], rules())) << i;
    ASSERT_EQ(parsed[i].size(), 43u);
  }
  EXPECT_EQ(parsed[1][5], "11-01-2017T00:00:05.123000");
  EXPECT_EQ(parsed[1][21], "Agent, \"x\"\nline 2 — ü");
  EXPECT_EQ(parsed[1][38], "USD");
  EXPECT_EQ(parsed[1][40], "True");
}

TEST(CakeReportStream, Conversions) {
  json row = {{"event_conversion_id", 55},
              {"event_conversion_date", "/Date(1484092810123)/"},
              {"click_date", "/Date(1484092805123)/"}};
  std::string out;
  auto r = convert_report(Report::kConversions, body_of(json::array({row}), "event_conversions"),
                          rules(), out);
  ASSERT_TRUE(r.ok());
  auto parsed = io::parse_csv(out);
  ASSERT_EQ(parsed.size(), 1u);
  ASSERT_EQ(parsed[0].size(), 50u);
  EXPECT_EQ(parsed[0][0], "55");
  EXPECT_EQ(parsed[0][4], "0:00:05");
}

TEST(CakeReportStream, EmptyArrayIsZeroRows) {
  std::string out;
  auto r = convert_report(Report::kClicks, R"({"d":{"clicks":[]}})", rules(), out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.rows, 0);
  EXPECT_FALSE(r.row_count.has_value());
  EXPECT_EQ(out, "");
}

TEST(CakeReportStream, EveryTruncationIsATransientErrorAndLeavesNoTrace) {
  std::string body = body_of(json::array({click(1, 1484092805123), click(2, 1484092806000)}));
  for (size_t n = 0; n < body.size(); ++n) {
    std::string out = "keep";
    auto r = convert_report(Report::kClicks, body.substr(0, n), rules(), out);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_TRUE(r.failure->is_transient()) << n << ": " << r.failure->message;
    EXPECT_EQ(r.failure->message.rfind("cake: malformed Clicks response at byte ", 0), 0u)
        << r.failure->message;
    EXPECT_EQ(r.rows, 0);
    EXPECT_EQ(out, "keep");
  }
  std::string out;
  auto r = convert_report(Report::kClicks, body.substr(0, 100), rules(), out);
  EXPECT_EQ(r.failure->message,
            "cake: malformed Clicks response at byte 100: unexpected end of input; string is not "
            "closed");
}

TEST(CakeReportStream, NotJson) {
  std::string out;
  auto r =
      convert_report(Report::kClicks, "<html><body>502 Bad Gateway</body></html>", rules(), out);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.failure->is_transient());
  EXPECT_EQ(r.failure->message, "cake: malformed Clicks response at byte 0: expected a value");
  r = convert_report(Report::kClicks, R"({"d":{"clicks":[]}} trailing)", rules(), out);
  EXPECT_FALSE(r.ok());
}

TEST(CakeReportStream, WrongShapesArePermanent) {
  struct Case {
    const char* body;
    const char* message;
  } cases[] = {
      {R"([1])", "cake: malformed Clicks response at byte 0: expected a JSON object"},
      {R"({"x":1})", "cake: malformed Clicks response at byte 7: no \"d\" object"},
      {R"({"d":null})", "cake: malformed Clicks response at byte 5: \"d\" is not an object"},
      {R"({"d":{"row_count":0}})",
       "cake: malformed Clicks response at byte 21: no \"clicks\" array in \"d\""},
      {R"({"d":{"clicks":{}}})",
       "cake: malformed Clicks response at byte 15: \"clicks\" is not an array"},
      {R"({"d":{"clicks":[{"click_id":1},7]}})",
       "cake: malformed Clicks response at byte 31: row 1 is not an object"},
      {R"({"d":{"clicks":[{"click_id":1,"click_date":"yesterday"}]}})",
       "cake: malformed Clicks response at byte 43: row 0: click_date \"yesterday\" is not a "
       "/Date(ms)/ value"},
      {R"({"d":{"success":false,"message":"Invalid API Key","clicks":null}})",
       "cake: Clicks failed: Invalid API Key"},
  };
  for (const auto& c : cases) {
    std::string out;
    auto r = convert_report(Report::kClicks, c.body, rules(), out);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_FALSE(r.failure->is_transient()) << c.body;
    EXPECT_EQ(r.failure->message, c.message);
    EXPECT_EQ(out, "");
  }
}

TEST(CakeReportStream, ManyRowsKeepOrderAndCount) {
  json rows = json::array();
  for (int i = 0; i < 2000; ++i) rows.push_back(click(1000 + i, 1484092805123 + i * 1000));
  std::string out;
  auto r = convert_report(Report::kClicks, body_of(rows), rules(), out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.rows, 2000);
  auto parsed = io::parse_csv(out);
  ASSERT_EQ(parsed.size(), 2000u);
  for (size_t i = 0; i < parsed.size(); ++i) ASSERT_EQ(parsed[i][0], std::to_string(1000 + i));
}

}  // namespace
}  // namespace ferry::cake
