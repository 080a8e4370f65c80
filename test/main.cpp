// The one test binary: unit tests and end-to-end tests that run bin/ferry on loopback.
// Ends with a summary line `tests: N passed, N failed` after GoogleTest's own.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Library code logs through spdlog; keep the test output to failures unless asked.
  if (!std::getenv("FERRY_TEST_VERBOSE")) spdlog::set_level(spdlog::level::err);
  int rc = RUN_ALL_TESTS();
  const auto* unit = ::testing::UnitTest::GetInstance();
  std::printf("tests: %d passed, %d failed", unit->successful_test_count(),
              unit->failed_test_count());
  if (unit->skipped_test_count() > 0) std::printf(", %d skipped", unit->skipped_test_count());
  std::printf("\n");
  return rc;
}
