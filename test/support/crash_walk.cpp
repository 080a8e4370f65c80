#include "support/crash_walk.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include "ferry/sql/statement.h"

#include "ferry/state/store.h"
#include "support/process.h"

namespace ferry::testing {

int crash_walk(const std::string& name, io::UnsyncedNames names,
               const std::function<void(io::FaultInjectingEnv& env)>& attempt, int limit) {
  int crashed = 0;
  for (int point = 1; point <= limit; ++point) {
    io::FaultInjectingEnv env(io::Env::posix(), names);
    env.arm((point + 1) / 2, point % 2 ? io::CrashTiming::kBefore : io::CrashTiming::kAfter);
    attempt(env);
    if (::testing::Test::HasFatalFailure()) return crashed;
    if (!env.crashed()) {
      std::cout << "crash walk " << name << " (unsynced names "
                << (names == io::UnsyncedNames::kUndone ? "undone" : "kept") << "): " << crashed
                << " crash points\n";
      return crashed;
    }
    ++crashed;
  }
  ADD_FAILURE() << "crash walk " << name << ": still crashing after " << limit << " crash points";
  return crashed;
}

std::map<std::string, std::string> read_tree(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      out[fs::relative(e.path(), dir).string()] = read_file(e.path().string());
  return out;
}

std::string dump_query(state::Store& store, const std::string& sql) {
  sql::Statement q(store.db(), sql);
  std::string out;
  while (q.step()) {
    for (int i = 0; i < q.column_count(); ++i) out += (i ? "|" : "") + q.column(i).text();
    out += "\n";
  }
  return out;
}

}  // namespace ferry::testing
