#include "ferry/base/scrub.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

// A key whose URL-encoded and JSON-escaped forms differ from the plain one.
const std::string kKey = "k/y+\"q\\7 z";

TEST(ScrubTest, MasksThePlainValueEverywhere) {
  Scrubber s({"hunter2"});
  EXPECT_EQ(s("login ferry:hunter2 failed; hunter2 again"),
            "login ferry:******** failed; ******** again");
  EXPECT_EQ(s("hunter2hunter2"), "****************");
  EXPECT_EQ(s("nothing here"), "nothing here");
  EXPECT_EQ(Scrubber({"***"})("x *** y"), "x ******** y");
}

TEST(ScrubTest, MasksUrlEncodedForms) {
  Scrubber s({kKey});
  EXPECT_EQ(s("GET /x?api_key=k%2Fy%2B%22q%5C7%20z&a=1"), "GET /x?api_key=********&a=1");
  EXPECT_EQ(s("form api_key=k%2fy%2b%22q%5c7+z&a=1"), "form api_key=********&a=1");
  // Python's quote() leaves `/` as it is.
  EXPECT_EQ(s("k/y%2B%22q%5C7%20z"), "********");
}

TEST(ScrubTest, MasksJsonEscapedForms) {
  Scrubber s({kKey});
  EXPECT_EQ(s(R"({"api_key":"k/y+\"q\\7 z"})"), R"({"api_key":"********"})");
  EXPECT_EQ(s(R"({"api_key":"k\/y+\"q\\7 z"})"), R"({"api_key":"********"})");
  EXPECT_EQ(s(R"({"api_key":"k\u002fy\u002B\u0022q\u005c7 z"})"), R"({"api_key":"********"})");
  // A JSON request quoted inside a JSON reply: escaped twice.
  EXPECT_EQ(s(R"({"m":"request was {\"api_key\":\"k/y+\\\"q\\\\7 z\"}"})"),
            R"({"m":"request was {\"api_key\":\"********\"}"})");
  EXPECT_EQ(Scrubber({"a\tb\nc"})("x a\\tb\\nc y"), "x ******** y");
}

TEST(ScrubTest, OverlappingSecretsBecomeOneMask) {
  Scrubber s({"abcdef", "defghi"});
  EXPECT_EQ(s("x abcdefghi y"), "x ******** y");
  EXPECT_EQ(s("abcdef defghi"), "******** ********");
  // One secret inside another: the longer one is masked whole.
  Scrubber nested({"secret", "secret-and-more"});
  EXPECT_EQ(nested("a secret-and-more b secret c"), "a ******** b ******** c");
  // Touching occurrences stay separate masks.
  EXPECT_EQ(s("abcdefdefghi"), "****************");
}

TEST(ScrubTest, SecretsShorterThanThreeAreNotMasked) {
  Scrubber s({"", "a", "ab"});
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s("a b ab abc"), "a b ab abc");
  EXPECT_EQ(Scrubber({"abc"})("a b ab abc"), "a b ab ********");
  EXPECT_EQ(Scrubber({"a b"})("x a+b a%20b y"), "x ******** ******** y");
}

TEST(ScrubTest, AddedSecretsAreMaskedToo) {
  Scrubber s;
  EXPECT_EQ(s("pw=hunter2"), "pw=hunter2");
  s.add({"hunter2", "hunter2"});
  EXPECT_EQ(s("pw=hunter2"), "pw=********");
}

TEST(ScrubTest, PartialMatchesStayAsTheyAre) {
  Scrubber s({kKey});
  EXPECT_EQ(s("k/y+\"q\\7"), "k/y+\"q\\7");
  EXPECT_EQ(s("%2"), "%2");
  EXPECT_EQ(s("\\"), "\\");
}

}  // namespace
}  // namespace ferry
