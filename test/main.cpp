// The one test binary: unit tests and end-to-end tests that run bin/ferry on loopback.
// Ends with a summary line `tests: N passed, N failed` after GoogleTest's own.
#include <gtest/gtest.h>

#include <cstdio>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int rc = RUN_ALL_TESTS();
  const auto* unit = ::testing::UnitTest::GetInstance();
  std::printf("tests: %d passed, %d failed", unit->successful_test_count(),
              unit->failed_test_count());
  if (unit->skipped_test_count() > 0) std::printf(", %d skipped", unit->skipped_test_count());
  std::printf("\n");
  return rc;
}
