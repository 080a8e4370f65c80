// The test support's own guard: a child stopped by a sanitizer (exit code 86, set by the
// Makefile for `make test SANITIZE=1`) fails the test even when it expected a failing exit.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/process.h"

namespace ferry::testing {
namespace {

const std::vector<std::string> kReport = {
    "sh", "-c", "echo '==1==ERROR: AddressSanitizer: heap-use-after-free' >&2; exit 86"};

// True once `pid` has exited and waits to be reaped (a zombie).
bool ended(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

TEST(SanitizerExit, RunCommandFailsTheTestAndShowsTheReport) {
  EXPECT_NONFATAL_FAILURE(run_command(kReport), "AddressSanitizer: heap-use-after-free");
  RunResult ordinary;
  EXPECT_NO_FATAL_FAILURE(ordinary = run_command({"sh", "-c", "exit 1"}));
  EXPECT_EQ(ordinary.exit_code, 1);
}

TEST(SanitizerExit, MakefileStopsReportsWithThatExitCode) {
  std::string makefile = read_file(repo_root() + "/Makefile");
  for (const char* var : {"ASAN_OPTIONS", "UBSAN_OPTIONS"}) {
    // The variable's value: from `VAR=` to the next blank.
    auto at = makefile.find(std::string(var) + "=");
    ASSERT_NE(at, std::string::npos) << var;
    std::string value = makefile.substr(at, makefile.find_first_of(" \n", at) - at);
    EXPECT_NE(value.find("exitcode=86"), std::string::npos) << var << " must set exitcode=86";
  }
}

TEST(SanitizerExitIntegration, BackgroundChildFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(
      {
        Child child(kReport);
        child.wait(std::chrono::seconds(30));
      },
      "sanitizer report exit code");
  // Seen by running().
  EXPECT_NONFATAL_FAILURE(
      {
        Child child({"sh", "-c", "exit 86"});
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (child.running() && std::chrono::steady_clock::now() < deadline)
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
      },
      "sanitizer report exit code");
  // Reaped by the destructor only, after it ended on its own.
  EXPECT_NONFATAL_FAILURE(
      {
        Child child({"sh", "-c", "exit 86"});
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!ended(child.pid()) && std::chrono::steady_clock::now() < deadline)
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
      },
      "sanitizer report exit code");
}

}  // namespace
}  // namespace ferry::testing
