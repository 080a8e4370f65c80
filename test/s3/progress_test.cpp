#include "ferry/s3/progress.h"

#include <gtest/gtest.h>

namespace ferry::s3 {
namespace {

TEST(S3Progress, FormatsBytes) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(12 * 1024 * 1024), "12.0 MiB");
  EXPECT_EQ(format_bytes(1024ull * 1024 * 1024), "1.00 GiB");
}

TEST(S3Progress, FormatsRateAndEta) {
  EXPECT_EQ(format_progress(10 * 1024 * 1024, 40 * 1024 * 1024, 2.0),
            "10.0 MiB / 40.0 MiB  25%  5.0 MiB/s  ETA 0:06");
  EXPECT_EQ(format_progress(0, 100, 0.0), "0 B / 100 B  0%");
  EXPECT_EQ(format_progress(2048, 0, 1.0), "2.0 KiB  2.0 KiB/s");
  EXPECT_EQ(format_progress(1, 1ull << 40, 1.0).rfind("1 B / 1.00 TiB  0%  1 B/s  ETA ", 0), 0u);
  EXPECT_EQ(format_progress(100, 100, 1.0), "100 B / 100 B  100%  100 B/s");
}

}  // namespace
}  // namespace ferry::s3
