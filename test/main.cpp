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
  int failed = unit->failed_test_count(), skipped = unit->skipped_test_count();
  // A suite whose SetUpTestSuite failed (a server that did not start) has its tests skipped:
  // count them as failed, and say how many suites failed outside their tests.
  int broken = unit->ad_hoc_test_result().Failed() ? 1 : 0;
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const auto* suite = unit->GetTestSuite(i);
    if (!suite->ad_hoc_test_result().Failed()) continue;
    ++broken;
    failed += suite->skipped_test_count();
    skipped -= suite->skipped_test_count();
  }
  std::printf("tests: %d passed, %d failed", unit->successful_test_count(), failed);
  if (skipped > 0) std::printf(", %d skipped", skipped);
  if (broken > 0) std::printf(", %d set-up or tear-down failures", broken);
  std::printf("\n");
  return rc;
}
