#include "cli/app_context.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "ferry/base/error.h"
#include "ferry/io/files.h"
#include "ferry/log/logging.h"
#include "ferry/net/curl_http.h"
#include "ferry/net/deadline.h"
#include "ferry/net/object_store.h"
#include "ferry/net/pool.h"
#include "ferry/net/redact.h"
#include "ferry/net/retry.h"
#include "ferry/s3/store.h"

namespace ferry::cli {

AppContext::AppContext(GlobalOptions& options)
    : options_(options),
      env_(config::process_environment()),
      pipelines_(make_pipelines(env_)),
      schema_(make_schema(pipelines_)),
      registry_(core::make_registry(pipelines_)) {
  net::add_secret_names(schema_.secret_key_names());
}

AppContext::~AppContext() = default;

std::string AppContext::console_level() const {
  if (options_.verbosity > 0) return "debug";
  if (options_.verbosity < 0) return "warning";
  if (config_) return config_->table("log").str("level");
  return "info";
}

const config::Config& AppContext::config() {
  if (config_) return *config_;
  config::LoadOptions lo;
  lo.file = options_.config_path;
  lo.file_required = options_.config_given;
  lo.environment = env_;
  // Read outside the config: the file to load, the pinned clock; and, for tests only, the
  // selftest pipeline and the test harness's own variables, which its children inherit.
  lo.other_variables = {"FERRY_CONFIG", "FERRY_NOW",  "FERRY_SELFTEST*", "FERRY_TEST_*",
                        "FERRY_BIN",    "FERRY_ROOT", "FERRY_UNIT_ONLY", "FERRY_KEEP_TMP"};
  if (!options_.state_dir.empty()) lo.flags.push_back({"state.dir", options_.state_dir, "--state"});
  config::Config loaded = config::load(schema_, lo);
  log::add_secrets(loaded.secret_values());
  auto problems = core::check_config(loaded, pipelines_);
  for (auto& p : s3::check_s3_config(loaded)) problems.push_back({p.where, p.message});
  if (!problems.empty()) throw UsageError(core::describe(problems));
  config_ = std::move(loaded);
  log::init_console(console_level());
  return *config_;
}

TimePoint AppContext::now() {
  if (now_) return *now_;
  auto it = env_.find("FERRY_NOW");
  if (it != env_.end() && !it->second.empty()) {
    auto t = parse_iso8601(it->second);
    if (!t)
      throw UsageError("FERRY_NOW='" + it->second +
                       "' is not an ISO-8601 time (e.g. 2016-01-11T00:05:00Z)");
    now_ = *t;
  } else {
    now_ = SystemClock().now();
  }
  return *now_;
}

TimePoint AppContext::wall_now() {
  return wall_clock_.now();
}

net::HttpClient& AppContext::http() {
  if (http_) return *http_;
  const auto& h = config().table("http");
  net::RetryPolicy policy;
  policy.max_attempts = static_cast<int>(h.integer("max_attempts"));
  policy.max_delay = h.duration("max_backoff");
  policy.retry_after_cap = h.duration("retry_after_cap");
  net::TimeLeft time_left = [this]() -> std::optional<std::chrono::milliseconds> {
    if (!budget_) return std::nullopt;
    return budget_->remaining();
  };
  // One libcurl handle per concurrent call: the Matomo sender calls from several threads.
  curl_ = std::make_unique<net::HttpClientPool>([] { return net::make_curl_http_client(); });
  deadline_ = std::make_unique<net::DeadlineHttpClient>(*curl_, time_left);
  http_ = std::make_unique<net::RetryingHttpClient>(*deadline_, policy, timer_, default_random(),
                                                    wall_clock_, time_left);
  return *http_;
}

// No state at the configured place: other commands refuse rather than start an empty state
// somewhere the runs never look; a run refuses when the config's folder moved the state away
// from where an earlier layout (paths relative to the current directory) had it.
void AppContext::require_state() {
  if (state_checked_) return;
  state_checked_ = true;
  if (!config().table("state").str("url").empty()) return;  // PostgreSQL: a database, no file
  const auto& dir = config().table("state").setting("dir");
  const std::string& path = std::get<std::string>(dir.value);
  std::error_code ec;
  // A -wal without its database is the Store's to refuse, loudly (it never starts afresh).
  if (std::filesystem::exists(path + "/ferry.db", ec) ||
      std::filesystem::exists(path + "/ferry.db-wal", ec))
    return;
  if (!may_create_state_)
    throw OperationError(FailureKind::kPermanent,
                         "no state at " + path + "/ferry.db (state.dir, " + dir.origin +
                             "); check --config and state.dir, or create it with `ferry init`");
  if (!dir.unresolved.empty() && std::filesystem::exists(dir.unresolved + "/ferry.db", ec) &&
      std::filesystem::absolute(dir.unresolved, ec).lexically_normal() !=
          std::filesystem::path(path))
    throw OperationError(
        FailureKind::kPermanent,
        "no state at " + path + "/ferry.db, but there is one at " +
            std::filesystem::absolute(dir.unresolved, ec).lexically_normal().string() +
            "/ferry.db: relative paths in " + config().file() +
            " are resolved against its folder; set state.dir to that folder (" + dir.origin + ")");
  spdlog::warn("creating a new state at {}/ferry.db", path);
}

const Budget& AppContext::start_budget(std::chrono::milliseconds limit) {
  budget_.emplace(timer_, limit);
  return *budget_;
}

state::Store& AppContext::store() {
  if (store_) return *store_;
  const auto& state = config().table("state");
  auto busy = std::chrono::duration_cast<std::chrono::milliseconds>(state.duration("busy_timeout"));
  const std::string& url = state.str("url");
  if (url.empty()) {
    require_state();
    store_ = std::make_unique<state::Store>(state.str("dir"), core::state_components(pipelines_),
                                            Scrubber(config().secret_values()), busy);
  } else {
    // A password in the URL would be printed wherever the URL is (config show, logs).
    if (sql::mask_url(url) != url)
      throw UsageError("state.url (" + state.setting("url").origin +
                       ") holds a password: give it as state.password (FERRY_STATE_PASSWORD) "
                       "or in ~/.pgpass, and leave it out of the URL");
    io::make_dirs(state.str("dir"));  // for ferry.lock, which keeps two runs of one host apart
    store_ = std::make_unique<state::Store>(
        state::Store::Location{state.str("dir"), url, state.str("password")},
        core::state_components(pipelines_), Scrubber(config().secret_values()), busy);
  }
  trace_statements();
  return *store_;
}

void AppContext::trace_statements() {
  auto it = env_.find("FERRY_TEST_SQL_TRACE");
  if (it == env_.end() || it->second.empty()) return;
  // Tests only: every statement's text, one per line, appended to the named file.
  auto out = std::make_shared<std::ofstream>(it->second, std::ios::app);
  store_->trace([out](const std::string& sql) {
    std::string line = sql;
    for (char& c : line)
      if (c == '\n' || c == '\r') c = ' ';
    *out << line << '\n' << std::flush;
  });
}

std::optional<state::StateError> AppContext::state_error(const std::exception& e) const {
  if (store_) return store_->error_of(e);
  if (auto* se = dynamic_cast<const state::StateError*>(&e)) return *se;
  return std::nullopt;
}

int AppContext::run_task_now(const std::string& task, const core::TaskArgs& args) {
  return run_tick(*this, task, args, false);
}

bool AppContext::interactive() const {
  return ::isatty(2) == 1;
}

std::string AppContext::lock_path() {
  const std::string& dir = config().table("state").str("dir");
  if (!store_) require_state();
  io::make_dirs(dir);
  return dir + "/ferry.lock";
}

void AppContext::start_file_logging() {
  if (file_logging_) return;
  const auto& l = config().table("log");
  log::LogOptions lo;
  lo.dir = l.str("dir");
  lo.keep_days = static_cast<int>(l.integer("keep_days"));
  lo.console_level = console_level();
  lo.format = l.str("format");
  lo.secrets = config().secret_values();
  log::init_files(lo);
  file_logging_ = true;
}

}  // namespace ferry::cli
