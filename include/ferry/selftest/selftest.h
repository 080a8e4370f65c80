// Test-only pipelines, registered only when the environment has FERRY_SELFTEST=1. They let
// the end-to-end tests drive the core (lock, budget, crash recovery, alerts) through the real
// binary without any external system. Behaviour comes from the environment:
//   FERRY_SELFTEST_UNITS=N       units per `selftest` job (default 3)
//   FERRY_SELFTEST_SLEEP_MS=N    each unit takes this long (default 0)
//   FERRY_SELFTEST_FAIL=transient|permanent   the job's first unit fails so
//   FERRY_SELFTEST_CRITICAL=1    the `selftest-alarm` task raises a critical alert every run
//   FERRY_SELFTEST_OUTPUTS=1     each unit records an output as if uploaded: `selftest-<job>-<n>.csv`,
//                                10·n rows, a made-up https link valid 24 h (nothing is written)
#pragma once

#include <map>
#include <memory>
#include <string>

#include "ferry/core/pipeline.h"

namespace ferry::selftest {

// The test-only pipeline when `env` has FERRY_SELFTEST=1; null otherwise.
std::unique_ptr<core::Pipeline> make_pipeline(const std::map<std::string, std::string>& env);

}  // namespace ferry::selftest
