// The real Context: config, clocks, HTTP, state, logs and pipelines for one invocation.
#pragma once

#include <memory>
#include <optional>
#include <ostream>

#include "ferry/base/clock.h"
#include "ferry/config/config.h"
#include "ferry/core/context.h"
#include "ferry/core/pipeline.h"
#include "ferry/core/registry.h"
#include "ferry/log/alerts.h"
#include "ferry/net/http.h"
#include "ferry/net/mailer.h"
#include "ferry/state/store.h"

namespace ferry::cli {

struct GlobalOptions {
  std::string config_path = "config/ferry.toml";
  bool config_given = false;  // --config or FERRY_CONFIG: then the file must exist
  std::string state_dir;      // --state
  int verbosity = 0;          // -1 quiet, 0 normal, 1 verbose
};

class AppContext : public core::Context {
 public:
  explicit AppContext(GlobalOptions& options);
  ~AppContext() override;

  // Loads the config and runs every check (core and pipelines): a value a run would reject is
  // a UsageError naming where it was set.
  const config::Config& config() override;
  TimePoint now() override;
  TimePoint wall_now() override;
  // Every call's timeouts and back-off are capped by the time left in the budget of the run in
  // progress (start_budget); without one, by nothing.
  net::HttpClient& http() override;
  state::Store& store() override;
  const std::map<std::string, std::string>& environment() override { return env_; }
  bool interactive() const override;
  std::unique_ptr<net::ObjectStore> object_store(const std::string& target) override;
  void start_file_logging() override;
  int run_task_now(const std::string& task, const core::TaskArgs& args) override;

  const core::Registry& registry() const { return registry_; }
  const core::PipelineList& pipelines() const { return pipelines_; }
  const config::ConfigSchema& schema() const { return schema_; }
  GlobalOptions& options() { return options_; }
  const Clock& wall_clock() const { return wall_clock_; }
  std::string console_level() const;
  // The lock file path under the state dir.
  std::string lock_path();
  // Lets store() create a new state where none is (`ferry run`, `ferry init`); every other
  // command gets an OperationError from store() and lock_path() when there is no state.
  void allow_new_state() { may_create_state_ = true; }
  // `e` as a failure of the state file (locked by another program, broken), if it is one.
  std::optional<state::StateError> state_error(const std::exception& e) const;
  // Starts the run's time budget of `limit` (replacing an earlier one) and returns it; from now
  // on http() is bounded by it. Lives as long as this context.
  const Budget& start_budget(std::chrono::milliseconds limit);
  // When `e` says the open state's disk is full, the error that names the file and says so.
  std::optional<state::StateFullError> state_disk_full(const std::exception& e) {
    return store_ ? store_->disk_full_error(e) : std::nullopt;
  }

 private:
  GlobalOptions& options_;
  std::map<std::string, std::string> env_;
  core::PipelineList pipelines_;
  config::ConfigSchema schema_;
  core::Registry registry_;
  SystemClock wall_clock_;
  std::optional<config::Config> config_;
  std::optional<TimePoint> now_;
  RealTimer timer_;
  std::optional<Budget> budget_;  // the run's, once run_tick started it
  std::unique_ptr<net::HttpClient> curl_;
  std::unique_ptr<net::HttpClient> deadline_;  // curl_ capped by budget_
  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<state::Store> store_;
  bool file_logging_ = false;
  bool may_create_state_ = false;
  bool state_checked_ = false;
  void require_state();
  // With FERRY_TEST_SQL_TRACE=FILE: appends every statement the store runs to FILE.
  void trace_statements();
};

// Takes the run lock and runs: every due task and the queued jobs (only_task "" and jobs true,
// the cron tick), or one task now whether due or not, with `args` (`ferry export NAME`).
// Returns the exit code; 0 without doing anything when another run holds the lock.
int run_tick(AppContext& ctx, const std::string& only_task, const core::TaskArgs& args, bool jobs);

// After a run: the status page (`status.html_path`) and the metrics file
// (`metrics.textfile_path`), each written atomically when set. A failure is logged, never thrown.
void write_views_after_run(AppContext& ctx);
// `ferry status --html FILE`: the status page written atomically to FILE. Throws
// OperationError when it cannot be written.
int write_status_html(AppContext& ctx, const std::string& file);
// Each pipeline's status sections that have rows, as text tables (`ferry status`).
void print_pipeline_sections(AppContext& ctx, std::ostream& out);

// The [alerts] section as mailer and dispatcher settings.
net::SmtpSettings smtp_settings(const config::Config& config);
log::AlertSettings alert_settings(const config::Config& config);

// Adders for the command groups (one file each).
void add_run_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_job_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_config_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_link_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_s3_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_state_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_doctor_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_worker_commands(CLI::App& app, AppContext& ctx, int& exit_code);
// This host's name for the runs it records: run.host, else the hostname ("" if unknown).
std::string host_name(const config::Config& config);
// `ferry state migrate` under the `state` group (state_migrate.cpp).
void add_state_migrate(CLI::App& state, AppContext& ctx, int& exit_code);

// The pipelines of this build, one line each (src/cli/pipelines.cpp).
core::PipelineList make_pipelines(const std::map<std::string, std::string>& env);

// The schema of every key: the core's, the S3 targets', and each pipeline's.
config::ConfigSchema make_schema(const core::PipelineList& pipelines);

}  // namespace ferry::cli
