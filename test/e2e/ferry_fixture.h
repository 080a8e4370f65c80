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
  // A single-value query on the state (DIR/state/ferry.db, or its PostgreSQL database).
  std::string sql(const std::string& query) const;

  std::map<std::string, std::string> base_env;
  std::map<std::string, std::string> env;  // added to every run, over base_env
  // Commands other than `run` and `init` refuse to start without a state. When true, run()
  // creates it first (`ferry init`) for such a command if FERRY_STATE_DIR has none yet.
  bool auto_init = true;
  // Runs `script` (statements without parameters) on the state, as an operator's sqlite3 or
  // psql would. Throws sql::Error.
  void exec(const std::string& script) const;
  // The first column of every row of `query` on the state, as text.
  std::vector<std::string> column(const std::string& query) const;
  // Whether the state exists yet: its file, or (PostgreSQL) its core tables.
  bool state_exists() const;
  // "ok" when the state reads whole: SQLite's integrity_check; on PostgreSQL every row of every
  // table is read. Else what went wrong.
  std::string state_check() const;
  // Where the state's bytes are, for a search of what it must not hold: the SQLite file and its
  // WAL, or a pg_dump of the database written to DIR/state.sql.
  std::vector<std::string> state_files() const;
  // The state's PostgreSQL database (FERRY_STATE_URL) when states_on_postgres(), else "".
  const std::string& state_url() const { return state_url_; }
  // Keeps the state in the PostgreSQL database `url` from now on (two "hosts" on one state).
  void use_state_url(const std::string& url);

 private:
  std::string state_url_;
  TempDir dir_;
};

}  // namespace ferry::testing
