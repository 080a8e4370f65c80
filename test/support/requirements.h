// What a test needs from the machine, and what a missing piece means. Under CI (CI set and not
// "false" or "0") a missing server or tool fails the test, naming it, so a CI run never passes
// with parts left out; elsewhere the test is skipped and the summary line counts the skips.
//
// `make check` sets FERRY_UNIT_ONLY: there a test that starts a background process (a server)
// or runs bin/ferry fails, because it belongs in a suite named *E2E or *Integration.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferry::testing {

bool in_ci();

// "" when the Debian python3 imports every module, else which are missing and how to get them.
std::string missing_python_modules(const std::vector<std::string>& modules);

// "" when `program` is found on PATH, else that it is missing and which Debian package has it.
std::string missing_program(const std::string& program, const std::string& package);

// True (after recording a test failure naming `what`) when FERRY_UNIT_ONLY is set.
bool refused_in_unit_run(const std::string& what);

}  // namespace ferry::testing

// Use in a test body or SetUp(): `missing` is "" when the test can run, else why it cannot.
#define FERRY_REQUIRE(missing)                                                        \
  do {                                                                                \
    const std::string ferry_missing_ = (missing);                                     \
    if (!ferry_missing_.empty()) {                                                    \
      if (::ferry::testing::in_ci()) FAIL() << ferry_missing_ << " (required in CI)"; \
      GTEST_SKIP() << ferry_missing_;                                                 \
    }                                                                                 \
  } while (0)
