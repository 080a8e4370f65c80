// Reply parsing and cell formatting: numbers as JSON wrote them, booleans, nulls, nested values
// as compact JSON, ids, sorted headers, and bad replies as errors (never exceptions).
#include "ferry/mindtrails/rows.h"

#include <gtest/gtest.h>

#include "ferry/io/csv.h"

namespace ferry::mindtrails {
namespace {

std::vector<std::string> fields_of(const std::string& body, const std::vector<std::string>& hdr) {
  auto p = parse_rows(body);
  EXPECT_TRUE(p.ok()) << p.error;
  if (p.rows.empty()) return {};
  return csv_fields(p.rows.front(), hdr);
}

TEST(MindTrailsRows, CellsKeepTheirJsonText) {
  std::string body =
      R"([{"id":7,"f":2.3333333333333335,"g":1.0,"h":1e5,"big":12345678901234567890,)"
      R"("t":true,"n":null,"s":"Café \"x\", y","nest":{"a":[1, 2.50, null, "q\"r"],"b":{}},)"
      R"("e":[]}])";
  auto v = fields_of(body, {"id", "f", "g", "h", "big", "t", "n", "s", "nest", "e", "missing"});
  EXPECT_EQ(v, (std::vector<std::string>{"7", "2.3333333333333335", "1.0", "1e5",
                                         "12345678901234567890", "true", "", "Café \"x\", y",
                                         R"({"a":[1,2.50,null,"q\"r"],"b":{}})", "[]", ""}));
}

TEST(MindTrailsRows, CsvLineOfAFormattedRow) {
  auto p = parse_rows(R"([{"id":1,"b":false,"n":null,"s":"a,b","o":{"k":"v"}}])");
  ASSERT_TRUE(p.ok());
  std::string line;
  auto hdr = p.rows[0].sorted_keys();
  io::append_csv_row(line, csv_fields(p.rows[0], hdr));
  EXPECT_EQ(line, "false,1,,\"{\"\"k\"\":\"\"v\"\"}\",\"a,b\"\r\n");
}

TEST(MindTrailsRows, Ids) {
  auto p = parse_rows(R"([{"id":42},{"id":"43"},{"id":4.5},{"x":1},{"id":null},{"id":-3}])");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p.rows.size(), 6u);
  EXPECT_EQ(p.rows[0].id, 42);
  EXPECT_EQ(p.rows[1].id, 43);
  EXPECT_FALSE(p.rows[2].id);
  EXPECT_FALSE(p.rows[3].id);
  EXPECT_FALSE(p.rows[4].id);
  EXPECT_EQ(p.rows[5].id, -3);
}

TEST(MindTrailsRows, HeaderIsSortedByCodePoint) {
  auto p = parse_rows(R"([{"id":1,"a":1,"Zipcode":"2","_x":0,"B":3,"é":1}])");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.rows[0].sorted_keys(),
            (std::vector<std::string>{"B", "Zipcode", "_x", "a", "id", "é"}));
}

TEST(MindTrailsRows, RepeatedKeyKeepsTheLast) {
  auto p = parse_rows(R"([{"id":1,"a":1,"a":2}])");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p.rows[0].fields.size(), 2u);
  EXPECT_EQ(p.rows[0].find("a")->text, "2");
}

TEST(MindTrailsRows, BadRepliesAreErrors) {
  EXPECT_TRUE(parse_rows("[]").ok());
  for (const char* bad : {"", "[{\"id\":1},{\"id\":2", "{\"id\":1}", "42", "[1,2]", "[[1]]",
                          "<html>502</html>", "[{\"id\":1}] trailing"}) {
    auto p = parse_rows(bad);
    EXPECT_FALSE(p.ok()) << bad;
    EXPECT_FALSE(p.error.empty()) << bad;
  }
  EXPECT_NE(parse_rows("[{\"id\":1},{\"id\":2").error.find("byte"), std::string::npos);
  EXPECT_NE(parse_rows("[1]").error.find("row 1"), std::string::npos);
}

TEST(MindTrailsRows, EncryptedFieldNames) {
  EXPECT_TRUE(is_encrypted_field("participantRSA"));
  EXPECT_TRUE(is_encrypted_field("RSA"));
  EXPECT_FALSE(is_encrypted_field("participantRsa"));
  EXPECT_FALSE(is_encrypted_field("RSAkey"));
}

TEST(MindTrailsRows, HeaderJsonRoundTrip) {
  std::vector<std::string> h = {"a", "b\"c", "é"};
  EXPECT_EQ(parse_header_json(header_json(h)), h);
  EXPECT_FALSE(parse_header_json("not json"));
  EXPECT_FALSE(parse_header_json("[1]"));
}

}  // namespace
}  // namespace ferry::mindtrails
