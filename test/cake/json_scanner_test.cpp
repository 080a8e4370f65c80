#include "cake/json_scanner.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace ferry::cake::detail {
namespace {

using Events = std::vector<std::string>;

std::string number_event(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "N:%.17g", v + 0.0);  // -0 and 0 alike
  return buf;
}

// nlohmann's SAX events, written the way scanner_events() writes the scanner's.
struct Oracle : nlohmann::json_sax<nlohmann::json> {
  Events events;
  bool null() override { return add("Z"); }
  bool boolean(bool v) override { return add(v ? "T" : "F"); }
  bool number_integer(number_integer_t v) override {
    return add(number_event(static_cast<double>(v)));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return add(number_event(static_cast<double>(v)));
  }
  bool number_float(number_float_t, const string_t& s) override {
    return add(number_event(std::strtod(s.c_str(), nullptr)));
  }
  bool string(string_t& s) override { return add("S:" + s); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return add("{"); }
  bool key(string_t& s) override { return add("K:" + s); }
  bool end_object() override { return add("}"); }
  bool start_array(std::size_t) override { return add("["); }
  bool end_array() override { return add("]"); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    overflow = e.id == 406;  // a number too large for a double: the scanner keeps its text
    return false;
  }
  bool overflow = false;
  bool add(std::string e) {
    events.push_back(std::move(e));
    return true;
  }
};

// The scanner's events; nullopt-like empty optional via `ok`.
Events scanner_events(std::string_view text, bool& ok, std::string* error = nullptr,
                      size_t* offset = nullptr) {
  JsonScanner s(text);
  Events events;
  for (;;) {
    JsonToken t = s.next();
    switch (t) {
      case JsonToken::kBeginObject:
        events.push_back("{");
        break;
      case JsonToken::kEndObject:
        events.push_back("}");
        break;
      case JsonToken::kBeginArray:
        events.push_back("[");
        break;
      case JsonToken::kEndArray:
        events.push_back("]");
        break;
      case JsonToken::kKey:
        events.push_back("K:" + std::string(s.text()));
        break;
      case JsonToken::kString:
        events.push_back("S:" + std::string(s.text()));
        break;
      case JsonToken::kNumber:
        events.push_back(number_event(std::strtod(std::string(s.text()).c_str(), nullptr)));
        break;
      case JsonToken::kTrue:
        events.push_back("T");
        break;
      case JsonToken::kFalse:
        events.push_back("F");
        break;
      case JsonToken::kNull:
        events.push_back("Z");
        break;
      case JsonToken::kEnd:
        ok = true;
        return events;
      case JsonToken::kError:
        ok = false;
        if (error) *error = s.error();
        if (offset) *offset = s.offset();
        return events;
    }
  }
}

void expect_same_as_nlohmann(const std::string& text) {
  Oracle oracle;
  bool oracle_ok = nlohmann::json::sax_parse(text, &oracle);
  if (oracle.overflow) return;
  bool ok = false;
  std::string error;
  Events events = scanner_events(text, ok, &error);
  ASSERT_EQ(ok, oracle_ok) << "input: " << text << "\nscanner error: " << error;
  if (ok) {
    ASSERT_EQ(events, oracle.events) << text;
  }
}

const char* kSample = R"({"d":{"__type":"x","row_count":3,"clicks":[{"click_id":12,"a":-0.5e-3,
"b":1E+2,"c":0,"u":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t","raw":"naïve 日本 😀",
"n":null,"t":true,"f":false,"arr":[[],{},[1,[2,{"x":[]}]]],"big":123456789012345678901234}]}})";

TEST(CakeJsonScanner, AgreesWithNlohmannOnValidDocuments) {
  for (const char* doc : {kSample, "0", "-1", "\"x\"", "[]", "{}", " [ 1 , 2 ] ", "\xEF\xBB\xBF[1]",
                          "[1.5,2e3,-0,0.0e-0]", "{\"\":\"\"}", "[\"\\u0000\"]"}) {
    expect_same_as_nlohmann(doc);
  }
}

TEST(CakeJsonScanner, RejectsWhatNlohmannRejects) {
  for (const char* doc : {"",
                          " ",
                          "[",
                          "]",
                          "{",
                          "{\"a\"}",
                          "{\"a\":}",
                          "{\"a\":1,}",
                          "[1,]",
                          "[1 2]",
                          "01",
                          "1.",
                          ".5",
                          "1e",
                          "+1",
                          "-",
                          "tru",
                          "nul",
                          "[true false]",
                          "\"abc",
                          "\"\\x\"",
                          "\"\\u12\"",
                          "\"\\ud800\"",
                          "\"\\udc00\"",
                          "\"\\ud800\\u0041\"",
                          "\"a\x01\"",
                          "\"\xC0\x80\"",
                          "\"\xED\xA0\x80\"",
                          "\"\xF5\x80\x80\x80\"",
                          "\"\xE2\x82\"",
                          "[1] x",
                          "{1:2}",
                          "{\"a\" 1}",
                          "[\"a\"\n"}) {
    expect_same_as_nlohmann(doc);
  }
}

TEST(CakeJsonScanner, EveryTruncationIsAnErrorAtTheEnd) {
  std::string doc = kSample;
  for (size_t n = 0; n < doc.size(); ++n) {
    bool ok = true;
    std::string error;
    size_t offset = 0;
    scanner_events(doc.substr(0, n), ok, &error, &offset);
    if (n == 0 || doc.substr(0, n).find_first_not_of(" \n") == std::string::npos) {
      EXPECT_FALSE(ok);
      continue;
    }
    ASSERT_FALSE(ok) << n;
    EXPECT_NE(error.find("unexpected end of input"), std::string::npos) << n << ": " << error;
    EXPECT_LE(offset, n);
  }
}

TEST(CakeJsonScanner, AgreesWithNlohmannOnMutatedDocuments) {
  std::mt19937 rng(7);
  const std::string base = kSample;
  const std::string alphabet = "{}[]\":,\\/ue0123456789.-+Etfnl \n\x01\x7f\xC3\xA9\xED\xF0\x80";
  for (int round = 0; round < 20000; ++round) {
    std::string doc = base;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !doc.empty(); ++k) {
      size_t at = rng() % doc.size();
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          doc[at] = c;
          break;
        case 1:
          doc.erase(at, 1);
          break;
        default:
          doc.insert(doc.begin() + static_cast<long>(at), c);
          break;
      }
    }
    expect_same_as_nlohmann(doc);
    if (HasFatalFailure()) return;
  }
}

// Found by fuzzing: nlohmann stops at a NUL byte and accepts `null` followed by NUL and
// anything; JSON allows no NUL outside strings (nor raw inside), so the scanner refuses it.
TEST(CakeJsonScanner, RejectsANulByteAfterAValue) {
  for (std::string doc : {std::string("null\0", 5), std::string("{\"a\":1}\0junk", 12),
                          std::string("[1,\0]", 5), std::string("\"a\0b\"", 5)}) {
    bool ok = true;
    scanner_events(doc, ok);
    EXPECT_FALSE(ok) << "NUL at " << doc.find('\0');
  }
}

TEST(CakeJsonScanner, SkipValueAndDepthLimit) {
  JsonScanner s(R"({"skip":{"a":[1,{"b":2}]},"keep":3})");
  ASSERT_EQ(s.next(), JsonToken::kBeginObject);
  ASSERT_EQ(s.next(), JsonToken::kKey);
  ASSERT_TRUE(s.skip_value(s.next()));
  ASSERT_EQ(s.next(), JsonToken::kKey);
  EXPECT_EQ(s.text(), "keep");
  ASSERT_EQ(s.next(), JsonToken::kNumber);
  EXPECT_TRUE(s.integer());
  EXPECT_EQ(s.text(), "3");
  EXPECT_EQ(s.next(), JsonToken::kEndObject);
  EXPECT_EQ(s.next(), JsonToken::kEnd);

  std::string deep(100000, '[');
  JsonScanner d(deep);
  JsonToken t;
  while ((t = d.next()) == JsonToken::kBeginArray) {
  }
  EXPECT_EQ(t, JsonToken::kError);
  EXPECT_NE(d.error().find("nested too deeply"), std::string::npos);
  EXPECT_EQ(d.next(), JsonToken::kError);  // sticky
}

}  // namespace
}  // namespace ferry::cake::detail
