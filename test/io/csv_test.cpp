#include "ferry/io/csv.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace ferry::io {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string field(std::string_view f) {
  std::string out;
  append_csv_field(out, f);
  return out;
}

std::string row(const std::vector<std::string>& fields) {
  std::string out;
  append_csv_row(out, fields);
  return out;
}

TEST(CsvTest, PlainFieldsAreNotQuoted) {
  EXPECT_EQ(field("abc"), "abc");
  EXPECT_EQ(field(""), "");
  EXPECT_EQ(field("2016-01-10T00:05:00Z"), "2016-01-10T00:05:00Z");
  EXPECT_EQ(field(" padded "), " padded ");
  EXPECT_EQ(field("tab\there"), "tab\there");
  EXPECT_EQ(field("semi;colon"), "semi;colon");
}

TEST(CsvTest, FieldsWithSpecialCharactersAreQuoted) {
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field("\""), "\"\"\"\"");
  EXPECT_EQ(field("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(field("line1\r\nline2"), "\"line1\r\nline2\"");
  EXPECT_EQ(field("cr\r"), "\"cr\r\"");
}

TEST(CsvTest, Utf8PassesThroughUnquoted) {
  EXPECT_EQ(field("café naïve ☃ 日本語"), "café naïve ☃ 日本語");
  EXPECT_EQ(field("Zoë, \"Bo\""), "\"Zoë, \"\"Bo\"\"\"");
}

TEST(CsvTest, AppendFieldAppends) {
  std::string out = "x,";
  append_csv_field(out, "a,b");
  EXPECT_EQ(out, "x,\"a,b\"");
}

TEST(CsvTest, RowsEndWithCrlf) {
  EXPECT_EQ(row({"id", "name", "note"}), "id,name,note\r\n");
  EXPECT_EQ(row({"1", "Smith, J.", "said \"ok\"\nthen left", ""}),
            "1,\"Smith, J.\",\"said \"\"ok\"\"\nthen left\",\r\n");
  EXPECT_EQ(row({"", ""}), ",\r\n");
  std::string out;
  append_csv_row(out, {"a"});
  append_csv_row(out, {"b"});
  EXPECT_EQ(out, "a\r\nb\r\n");
}

TEST(CsvTest, ParsesSimpleRecords) {
  EXPECT_EQ(parse_csv("a,b,c\r\n1,2,3\r\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(parse_csv("a,b\n1,2\n"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse_csv("a,b\r\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse_csv("a,,c\r\n,,\r\n"), (Rows{{"a", "", "c"}, {"", "", ""}}));
  EXPECT_EQ(parse_csv(""), Rows{});
}

TEST(CsvTest, ParsesQuotedFields) {
  EXPECT_EQ(parse_csv("\"a,b\",\"say \"\"hi\"\"\"\r\n"), (Rows{{"a,b", "say \"hi\""}}));
  EXPECT_EQ(parse_csv("1,\"two\nlines\",3\r\n4,5,6\r\n"),
            (Rows{{"1", "two\nlines", "3"}, {"4", "5", "6"}}));
  EXPECT_EQ(parse_csv("\"\",x\r\n"), (Rows{{"", "x"}}));
  EXPECT_EQ(parse_csv("\"crlf\r\ninside\"\r\n"), (Rows{{"crlf\r\ninside"}}));
}

TEST(CsvTest, UnterminatedQuoteNamesItsLine) {
  try {
    parse_csv("id,note\r\n1,ok\r\n2,\"never closed\r\n3,x\r\n");
    FAIL() << "parsed an unterminated quote";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "csv: quote opened on line 3 is never closed");
  }
  try {
    parse_csv("\"a\nb\",\"c\nd\nunfinished");
    FAIL() << "parsed an unterminated quote";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "csv: quote opened on line 2 is never closed");
  }
}

TEST(CsvTest, RoundTripsTrickyRows) {
  Rows rows = {
      {"id", "name", "comment", "empty"}, {"1", "Zoë", "line1\nline2", ""},
      {"2", "O\"Brien", "a,b,c", ""},     {"3", "\"quoted\"", "cr\r\nlf", " "},
      {"4", "日本語", ",", "\""},
  };
  std::string text;
  for (const auto& r : rows) append_csv_row(text, r);
  EXPECT_EQ(parse_csv(text), rows);
}

TEST(CsvTest, RoundTripsRandomRows) {
  std::mt19937 rng(42);
  const std::string alphabet[] = {"a", "Z", "0", ",", "\"", "\n", "\r", "\r\n", " ", "é", "☃"};
  Rows rows;
  for (int r = 0; r < 200; ++r) {
    std::vector<std::string> fields(1 + rng() % 6);
    for (auto& f : fields) {
      int len = static_cast<int>(rng() % 8);
      for (int i = 0; i < len; ++i) f += alphabet[rng() % std::size(alphabet)];
    }
    rows.push_back(fields);
  }
  std::string text;
  for (const auto& r : rows) append_csv_row(text, r);
  EXPECT_EQ(parse_csv(text), rows);
}

}  // namespace
}  // namespace ferry::io
