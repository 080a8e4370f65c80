#include "e2e/ferry_fixture.h"

#include "ferry/sql/statement.h"

#include <filesystem>
#include <set>

namespace ferry::testing {

FerryEnv::FerryEnv(const std::string& config_toml) {
  write_config(config_toml);
  base_env["FERRY_CONFIG"] = "";  // never inherit the developer's config
  base_env["FERRY_STATE_DIR"] = dir_ / "state";
  base_env["FERRY_LOG_DIR"] = dir_ / "logs";
}

void FerryEnv::write_config(const std::string& config_toml) {
  write_file(dir_ / "ferry.toml", config_toml);
}

std::vector<std::string> FerryEnv::argv(const std::vector<std::string>& args) const {
  std::vector<std::string> v = {ferry_bin(), "--config", dir_ / "ferry.toml"};
  v.insert(v.end(), args.begin(), args.end());
  return v;
}

std::map<std::string, std::string> FerryEnv::environment(
    const std::map<std::string, std::string>& extra) const {
  auto e = base_env;
  for (const auto& [k, v] : env) e[k] = v;
  for (const auto& [k, v] : extra) e[k] = v;
  return e;
}

RunResult FerryEnv::run(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& extra) const {
  auto env = environment(extra);
  static const std::set<std::string> creating = {"run", "init", "config", "--version", "--help"};
  if (auto_init && !args.empty() && !creating.count(args[0]) &&
      !std::filesystem::exists(env["FERRY_STATE_DIR"] + "/ferry.db"))
    run_command(argv({"init"}), env, dir_.path());  // on failure, the command itself says why
  return run_command(argv(args), env, dir_.path());
}

std::string FerryEnv::all_logs() const {
  std::string out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "logs", ec))
    if (e.is_regular_file()) out += read_file(e.path().string());
  return out;
}

std::string FerryEnv::sql(const std::string& query) const {
  auto db_owner = sql::open_sqlite(dir_ / "state/ferry.db", false, 5000, true);
  sql::Connection& db = *db_owner;
  return sql::Field(db.scalar(query)).text();
}

}  // namespace ferry::testing
