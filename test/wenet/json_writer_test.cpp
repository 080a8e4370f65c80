#include <sstream>

#include <gtest/gtest.h>

#include "ferry/wenet/reports.h"

namespace ferry::wenet {
namespace {

std::string dump_all(const std::vector<nlohmann::json>& items) {
  std::ostringstream out;
  JsonArrayWriter w(out);
  for (const auto& item : items) w.add(item);
  w.end();
  return out.str();
}

TEST(WenetJsonWriter, EmptyArrayIsBrackets) {
  EXPECT_EQ(dump_all({}), "[]");
}

TEST(WenetJsonWriter, NestedLayoutAsPythonIndent2) {
  auto item = nlohmann::json::parse(
      R"({"a": [], "b": {}, "c": [1, {"d": null}], "e": "x", "f": true, "g": -3})");
  // Typed from Python: json.dumps([item, 7], indent=2, ensure_ascii=False)
  EXPECT_EQ(dump_all({item, 7}),
            "[\n  {\n    \"a\": [],\n    \"b\": {},\n    \"c\": [\n      1,\n      {\n"
            "        \"d\": null\n      }\n    ],\n    \"e\": \"x\",\n    \"f\": true,\n"
            "    \"g\": -3\n  },\n  7\n]");
}

TEST(WenetJsonWriter, StringsEscapedAsPythonDoes) {
  nlohmann::json s =
      std::string("q\" b\\ n\n r\r t\t \b \f \x01 \x1f \x7f caf\xC3\xA9 \xF0\x9F\x91\x8D");
  EXPECT_EQ(dump_all({s}),
            "[\n  \"q\\\" b\\\\ n\\n r\\r t\\t \\b \\f \\u0001 \\u001f \x7f caf\xC3\xA9 "
            "\xF0\x9F\x91\x8D\"\n]");
}

TEST(WenetJsonWriter, FloatsAsPythonRepr) {
  // Each pair: the double, Python's repr() of it.
  const std::vector<std::pair<double, const char*>> cases = {
      {1.0, "1.0"},
      {0.1, "0.1"},
      {2.5, "2.5"},
      {100.0, "100.0"},
      {1e15, "1000000000000000.0"},
      {1234567890123456.0, "1234567890123456.0"},
      {1e16, "1e+16"},
      {123456789012345680.0, "1.2345678901234568e+17"},
      {0.0001, "0.0001"},
      {0.00012, "0.00012"},
      {1e-5, "1e-05"},
      {1e22, "1e+22"},
      {-0.0, "-0.0"},
      {-2.5, "-2.5"},
      {12345678.9, "12345678.9"},
      {3.141592653589793, "3.141592653589793"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {5e-324, "5e-324"},
  };
  for (const auto& [d, text] : cases) EXPECT_EQ(python_float(d), text) << text;
  EXPECT_EQ(dump_all({nlohmann::json::parse("[1e15, 2, 18446744073709551615]")}),
            "[\n  [\n    1000000000000000.0,\n    2,\n    18446744073709551615\n  ]\n]");
}

}  // namespace
}  // namespace ferry::wenet
