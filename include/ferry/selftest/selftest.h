// Test-only pipelines, registered only when the environment has FERRY_SELFTEST=1. They let
// the end-to-end tests drive the core (lock, budget, crash recovery, alerts) through the real
// binary without any external system. Behaviour comes from the environment:
//   FERRY_SELFTEST_UNITS=N       units per `selftest` job (default 3)
//   FERRY_SELFTEST_SLEEP_MS=N    each unit takes this long (default 0)
//   FERRY_SELFTEST_FAIL=transient|permanent   the job's first unit fails so
//   FERRY_SELFTEST_CRITICAL=1    the `selftest-alarm` task raises a critical alert every run
#pragma once

#include <map>
#include <string>

namespace ferry {
namespace config {
class ConfigSchema;
}
namespace core {
class Registry;
}

namespace selftest {

void register_selftest(core::Registry& registry, const std::map<std::string, std::string>& env);

}  // namespace selftest
}  // namespace ferry
