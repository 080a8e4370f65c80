#include "ferry/wenet/table.h"

#include <sstream>

#include <gtest/gtest.h>

namespace ferry::wenet {
namespace {

TEST(WenetTable, PlainCellsJoinedAndEndedWithCrLf) {
  EXPECT_EQ(table_row(TableFormat::kCsv, {"a", "b c", "d"}), "a,b c,d\r\n");
  EXPECT_EQ(table_row(TableFormat::kTsv, {"a", "b c", "d"}), "a\tb c\td\r\n");
}

TEST(WenetTable, QuotesOnlyWhatPythonQuotes) {
  EXPECT_EQ(table_row(TableFormat::kCsv, {"x,y", "say \"hi\"", "l1\nl2", "cr\r", "t\tab"}),
            "\"x,y\",\"say \"\"hi\"\"\",\"l1\nl2\",\"cr\r\",t\tab\r\n");
  // In tsv the tab is the delimiter and the comma is plain.
  EXPECT_EQ(table_row(TableFormat::kTsv, {"x,y", "t\tab", "q\""}), "x,y\t\"t\tab\"\t\"q\"\"\"\r\n");
  // Leading/trailing blanks, quotes' neighbours and UTF-8 are not reasons to quote.
  EXPECT_EQ(table_row(TableFormat::kCsv, {" a ", "caf\xC3\xA9 \xF0\x9F\x91\x8D", "it's"}),
            " a ,caf\xC3\xA9 \xF0\x9F\x91\x8D,it's\r\n");
}

TEST(WenetTable, EmptyRowsAndEmptyCells) {
  EXPECT_EQ(table_row(TableFormat::kCsv, {}), "\r\n");
  EXPECT_EQ(table_row(TableFormat::kCsv, {""}), "\"\"\r\n");
  EXPECT_EQ(table_row(TableFormat::kCsv, {"", ""}), ",\r\n");
  EXPECT_EQ(table_row(TableFormat::kTsv, {"a", ""}), "a\t\r\n");
  std::ostringstream out;
  TableWriter t(out, TableFormat::kCsv);
  t.row({"a"});
  t.empty_row();
  t.row({"b", "c"});
  EXPECT_EQ(out.str(), "a\r\n\r\nb,c\r\n");
}

TEST(WenetTable, FormatFromExtension) {
  EXPECT_EQ(table_format_for("out/users.csv"), TableFormat::kCsv);
  EXPECT_EQ(table_format_for("dump.tsv"), TableFormat::kTsv);
  EXPECT_EQ(table_format_for("dump.txt"), std::nullopt);
  EXPECT_EQ(table_format_for("dump.CSV"), std::nullopt);
  EXPECT_EQ(table_format_for(".csv"), std::nullopt);
  EXPECT_EQ(table_format_for("csv"), std::nullopt);
  EXPECT_STREQ(table_format_name(TableFormat::kTsv), "tsv");
  EXPECT_EQ(table_format_named("csv"), TableFormat::kCsv);
  EXPECT_EQ(table_format_named("tsv"), TableFormat::kTsv);
  EXPECT_EQ(table_format_named("CSV"), std::nullopt);
  EXPECT_EQ(table_format_named("xlsx"), std::nullopt);
}

TEST(WenetTable, ParseReadsWhatTheWriterWrites) {
  std::vector<std::vector<std::string>> rows = {
      {"wenet_id", "last_update"}, {"a,b", "q\"q"}, {"multi\r\nline", ""}, {""}};
  for (auto f : {TableFormat::kCsv, TableFormat::kTsv}) {
    std::string text;
    for (const auto& r : rows) text += table_row(f, r);
    EXPECT_EQ(parse_table(text, f), rows) << table_format_name(f);
  }
}

TEST(WenetTable, ParseSkipsBomAndBlankLinesAndAcceptsLfEndings) {
  auto rows = parse_table("\xEF\xBB\xBFid\tdate\n\nu1\t2021-07-24\nu2\t", TableFormat::kTsv);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "date"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"u2", ""}));
  EXPECT_THROW(parse_table("a,\"b\n", TableFormat::kCsv), std::runtime_error);
}

}  // namespace
}  // namespace ferry::wenet
