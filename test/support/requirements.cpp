#include "support/requirements.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include <unistd.h>

#include "support/process.h"

namespace ferry::testing {

bool in_ci() {
  const char* ci = std::getenv("CI");
  if (!ci || !*ci) return false;
  std::string v = ci;
  return v != "false" && v != "0";
}

std::string missing_python_modules(const std::vector<std::string>& modules) {
  static std::mutex mu;
  static std::map<std::string, bool> importable;
  std::lock_guard<std::mutex> lock(mu);
  std::string missing;
  for (const auto& m : modules) {
    auto it = importable.find(m);
    if (it == importable.end()) {
      bool ok = run_command({system_python(), "-c", "import " + m}).exit_code == 0;
      it = importable.emplace(m, ok).first;
    }
    if (!it->second) missing += (missing.empty() ? "" : ", ") + m;
  }
  if (missing.empty()) return "";
  return system_python() + " cannot import " + missing +
         " (run `make deps`: python3 and the python3-<module> Debian packages)";
}

std::string missing_program(const std::string& program, const std::string& package) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return "";
    start = end + 1;
  }
  return program + " not found on PATH (run `make deps`: Debian package " + package + ")";
}

bool refused_in_unit_run(const std::string& what) {
  if (!std::getenv("FERRY_UNIT_ONLY")) return false;
  ADD_FAILURE() << "FERRY_UNIT_ONLY: a unit test runs " << what
                << "; tests that start servers or bin/ferry belong in a suite named *E2E or "
                   "*Integration, which `make check` leaves out";
  return true;
}

}  // namespace ferry::testing
