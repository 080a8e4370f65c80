#include "ferry/base/bytes.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(ByteSize, ParsesNumbersWithDecimalAndBinaryUnits) {
  EXPECT_EQ(parse_byte_size("4096"), 4096u);
  EXPECT_EQ(parse_byte_size("12B"), 12u);
  EXPECT_EQ(parse_byte_size("1GiB"), 1ULL << 30);
  EXPECT_EQ(parse_byte_size(" 500 MiB "), 500ULL << 20);
  EXPECT_EQ(parse_byte_size("2gb"), 2000000000u);
  EXPECT_EQ(parse_byte_size("3KB"), 3000u);
  EXPECT_EQ(parse_byte_size("1TiB"), 1ULL << 40);
  EXPECT_EQ(parse_byte_size("0"), 0u);
}

TEST(ByteSize, RefusesWhatIsNotASize) {
  for (const char* bad : {"", "GiB", "1.5GiB", "-1", "1 GiBs", "1PB", "ten", "1 2",
                          "99999999999999999999", "20000000TiB"})
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
}

TEST(ByteSize, FormatsWithBinaryUnits) {
  EXPECT_EQ(format_byte_size(0), "0 B");
  EXPECT_EQ(format_byte_size(1023), "1023 B");
  EXPECT_EQ(format_byte_size(1536), "1.50 KiB");
  EXPECT_EQ(format_byte_size(12ULL << 20), "12.0 MiB");
  EXPECT_EQ(format_byte_size(1ULL << 30), "1.00 GiB");
  EXPECT_EQ(format_byte_size(300ULL << 30), "300 GiB");
}

}  // namespace
}  // namespace ferry
