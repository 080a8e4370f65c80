// Runs the real bin/ferry in a private folder with its own config, for end-to-end tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/process.h"

namespace ferry::testing {

class FerryEnv {
 public:
  // `config_toml` is written to DIR/ferry.toml; state and logs live under DIR (set through
  // FERRY_STATE_DIR and FERRY_LOG_DIR in base_env, so the file's lines are the test's own).
  explicit FerryEnv(const std::string& config_toml = "");
  const std::string& dir() const { return dir_.path(); }
  std::string path(const std::string& name) const { return dir_ / name; }
  void write_config(const std::string& config_toml);
  // Runs `ferry --config DIR/ferry.toml ARGS...` in DIR with `env` added to env_.
  RunResult run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}) const;
  // The argv run() would use, for starting ferry as a Child.
  std::vector<std::string> argv(const std::vector<std::string>& args) const;
  std::map<std::string, std::string> environment(
      const std::map<std::string, std::string>& extra) const;
  // Every file under DIR/logs concatenated.
  std::string all_logs() const;
  // A single-value query on DIR/state/ferry.db.
  std::string sql(const std::string& query) const;

  std::map<std::string, std::string> base_env;
  std::map<std::string, std::string> env;  // added to every run, over base_env
  // Commands other than `run` and `init` refuse to start without a state. When true, run()
  // creates it first (`ferry init`) for such a command if FERRY_STATE_DIR has none yet.
  bool auto_init = true;

 private:
  TempDir dir_;
};

}  // namespace ferry::testing
