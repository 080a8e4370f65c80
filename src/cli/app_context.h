// The real Context: config, clock, HTTP, state, logs and pipelines for one invocation.
#pragma once

#include <memory>
#include <optional>

#include "ferry/base/clock.h"
#include "ferry/cli/context.h"
#include "ferry/config/config.h"
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

class AppContext : public Context {
 public:
  explicit AppContext(GlobalOptions& options);
  ~AppContext() override;

  const config::Config& config() override;
  TimePoint now() override;
  net::HttpClient& http() override;
  state::Store& store() override;
  const std::map<std::string, std::string>& environment() override { return env_; }
  bool interactive() const override;

  // Starts the log files in log.dir (console only until then). Throws UsageError.
  void start_file_logging();
  const core::Registry& registry() const { return registry_; }
  const config::ConfigSchema& schema() const { return schema_; }
  GlobalOptions& options() { return options_; }
  std::string console_level() const;
  // The lock file path under the state dir.
  std::string lock_path();
  // Opens `[s3.NAME]` (for Services::object_store).
  std::unique_ptr<net::ObjectStore> object_store(const std::string& target);

 private:
  GlobalOptions& options_;
  std::map<std::string, std::string> env_;
  config::ConfigSchema schema_;
  core::Registry registry_;
  std::optional<config::Config> config_;
  std::optional<TimePoint> now_;
  RealTimer timer_;
  std::unique_ptr<net::HttpClient> curl_;
  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<state::Store> store_;
  bool file_logging_ = false;
};

// Takes the run lock and runs: every due task and the queued jobs (only_task "" and jobs true,
// the cron tick), or one task now whether due or not (`ferry export NAME`). Returns the exit
// code; 0 without doing anything when another run holds the lock.
int run_tick(AppContext& ctx, const std::string& only_task, bool jobs);

// The [alerts] section as mailer and dispatcher settings.
net::SmtpSettings smtp_settings(const config::Config& config);
log::AlertSettings alert_settings(const config::Config& config);

// Adders for the command groups (one file each).
void add_run_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_job_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_config_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_mindtrails_commands(CLI::App& app, AppContext& ctx, int& exit_code);
void add_cake_commands(CLI::App& app, AppContext& ctx, int& exit_code);

// Registers every pipeline's job kinds, tasks and config keys (src/cli/pipelines.cpp).
void register_pipelines(core::Registry& registry, config::ConfigSchema& schema,
                        const std::map<std::string, std::string>& env);

}  // namespace ferry::cli
