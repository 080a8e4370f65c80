#include "ferry/base/text.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(TextTest, ParseInt64AcceptsWholeDecimalNumbers) {
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("123"), 123);
  EXPECT_EQ(parse_int64("-42"), -42);
  EXPECT_EQ(parse_int64("9223372036854775807"), INT64_MAX);
}

TEST(TextTest, ParseInt64RejectsAnythingElse) {
  for (const char* bad :
       {"", "-", "+1", " 1", "1 ", "1.0", "1e3", "12a", "0x10", "9223372036854775808"})
    EXPECT_FALSE(parse_int64(bad).has_value()) << bad;
}

TEST(TextTest, MaskUrlPasswordHidesOnlyThePassword) {
  EXPECT_EQ(mask_url_password("smtp://ops:pw@127.0.0.1:25"), "smtp://ops:********@127.0.0.1:25");
  EXPECT_EQ(mask_url_password("https://u:p@h/x?y=a@b"), "https://u:********@h/x?y=a@b");
  EXPECT_EQ(mask_url_password("https://h/path@x"), "https://h/path@x");
  EXPECT_EQ(mask_url_password("smtp://ops@host"), "smtp://ops@host");
  EXPECT_EQ(mask_url_password("not a url"), "not a url");
}

TEST(TextTest, StartsWith) {
  EXPECT_TRUE(starts_with("sqlite:/x", "sqlite:"));
  EXPECT_TRUE(starts_with("abc", ""));
  EXPECT_FALSE(starts_with("sql", "sqlite:"));
  EXPECT_FALSE(starts_with("xsqlite:", "sqlite:"));
}

}  // namespace
}  // namespace ferry
