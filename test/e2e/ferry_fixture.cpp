#include "e2e/ferry_fixture.h"

#include "ferry/sql/statement.h"

#include <filesystem>
#include <set>
#include <stdexcept>

#include "support/postgres.h"

namespace ferry::testing {

FerryEnv::FerryEnv(const std::string& config_toml) {
  write_config(config_toml);
  base_env["FERRY_CONFIG"] = "";  // never inherit the developer's config
  base_env["FERRY_STATE_DIR"] = dir_ / "state";
  base_env["FERRY_LOG_DIR"] = dir_ / "logs";
  if (states_on_postgres()) {
    if (!shared_postgres().ready())
      throw std::runtime_error("FERRY_TEST_STATE=postgresql but no PostgreSQL: " +
                               shared_postgres().skip_reason() + shared_postgres().error());
    state_url_ = shared_postgres().new_database();
    base_env["FERRY_STATE_URL"] = state_url_;
  }
}

void FerryEnv::use_state_url(const std::string& url) {
  state_url_ = url;
  base_env["FERRY_STATE_URL"] = url;
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
      (state_url_.empty() ? !std::filesystem::exists(env["FERRY_STATE_DIR"] + "/ferry.db")
                          : !state_exists()))
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

namespace {

std::unique_ptr<sql::Connection> open_state(const std::string& dir, const std::string& url) {
  if (!url.empty()) return sql::open_postgres(url, "");
  auto db = sql::open_sqlite(dir + "/state/ferry.db", false, 5000);
  db->exec("PRAGMA foreign_keys=OFF");  // as sqlite3 opens it
  return db;
}

}  // namespace

void FerryEnv::exec(const std::string& script) const {
  open_state(dir_.path(), state_url_)->exec(script);
}

std::vector<std::string> FerryEnv::column(const std::string& query) const {
  std::vector<std::string> out;
  open_state(dir_.path(), state_url_)->query(query, {}, [&](const sql::Row& r) {
    out.push_back(sql::to_text(r.at(0)));
  });
  return out;
}

bool FerryEnv::state_exists() const {
  if (state_url_.empty()) return file_exists(dir_ / "state/ferry.db");
  return sql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'jobs'") == "1";
}

std::string FerryEnv::state_check() const {
  if (state_url_.empty()) return sql("PRAGMA integrity_check");
  auto db = sql::open_postgres(state_url_, "");
  std::vector<std::string> tables;
  db->query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", {},
            [&](const sql::Row& r) { tables.push_back(std::get<std::string>(r[0])); });
  for (const auto& t : tables) db->query("SELECT * FROM " + sql::quote_name(t), {}, [](auto&) {});
  return tables.empty() ? "no tables" : "ok";
}

std::vector<std::string> FerryEnv::state_files() const {
  if (state_url_.empty()) return {dir_ / "state/ferry.db", dir_ / "state/ferry.db-wal"};
  std::string out = dir_ / "state.sql";
  RunResult r = run_command({postgres_bindir() + "/pg_dump", "-f", out, state_url_});
  if (r.exit_code != 0) throw std::runtime_error("pg_dump: " + r.err);
  return {out};
}

std::string FerryEnv::sql(const std::string& query) const {
  auto db = state_url_.empty() ? sql::open_sqlite(dir_ / "state/ferry.db", false, 5000, true)
                               : sql::open_postgres(state_url_, "");
  return sql::Field(db->scalar(query)).text();
}

}  // namespace ferry::testing
