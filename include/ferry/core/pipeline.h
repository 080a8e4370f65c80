// A pipeline is a module: one folder that gives the core, through this one interface, its
// config keys, the checks of their values, its state tables, its job kinds and scheduled tasks,
// and its commands. The composition root (src/cli/pipelines.cpp) lists the pipelines one line
// each; nothing else outside a pipeline's folder names it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/core/ops.h"
#include "ferry/core/registry.h"
#include "ferry/state/store.h"

namespace CLI {
class App;
}

namespace ferry {
namespace config {
class Config;
class ConfigSchema;
}  // namespace config

namespace core {

class Context;

// A configured value a run would reject: where it was set (`config/ferry.toml:12`,
// `env FERRY_CAKE_TIMEZONE`, `default`) and what is wrong with it, naming the key.
struct ConfigProblem {
  std::string where;
  std::string message;  // `[cake] daily_at '25:00' is not HH:MM`
};

class Pipeline {
 public:
  virtual ~Pipeline() = default;

  // The short name: `cake`. Names its state component and its alert and log prefixes.
  virtual std::string name() const = 0;

  // Declares every key of the pipeline's sections, each marked secret or not.
  virtual void declare_config(config::ConfigSchema& schema) const = 0;

  // Every value a run would reject, found without any network or state access. Empty when
  // the config is fine (or the pipeline is not configured at all).
  virtual std::vector<ConfigProblem> check(const config::Config& config) const = 0;

  // Values a run accepts but that do not suit how the state is kept (`ferry config check`
  // prints them as warnings; nothing refuses them): e.g. a local folder that later runs append
  // to, when several hosts share a PostgreSQL state (`state.url`). Empty by default.
  virtual std::vector<ConfigProblem> warnings(const config::Config& config) const {
    (void)config;
    return {};
  }

  // The pipeline's own tables, as forward migrations numbered 1, 2, … for its component
  // (`name()`), independent of every other component's numbers.
  virtual std::vector<state::Migration> migrations() const { return {}; }

  // Queued date-range work and work that is due by time.
  virtual std::vector<JobKind> job_kinds() const { return {}; }
  virtual std::vector<TaskKind> tasks() const { return {}; }

  // Adds the pipeline's subcommands (`ferry export NAME`, `ferry recover NAME`, …) to `app`.
  // Callbacks store their exit code in `exit_code` and may throw UsageError (exit 2) or
  // OperationError (exit 1). `ctx` outlives the callbacks.
  virtual void add_commands(CLI::App& app, Context& ctx, int& exit_code) const;

  // The operator's view (ferry status, the status page, the metrics file, ferry doctor): what
  // the shared tables (runs, jobs, job_outputs, marks, alerts) do not already say. Sections and
  // metrics read `store` only (never the network); `now` is the run's now. Doctor checks may
  // use the network through `ctx` and are given only when the pipeline is configured.
  virtual std::vector<StatusSection> status_sections(state::Store& store, TimePoint now) const {
    (void)store;
    (void)now;
    return {};
  }
  virtual std::vector<MetricFamily> metrics(state::Store& store, TimePoint now) const {
    (void)store;
    (void)now;
    return {};
  }
  virtual std::vector<DoctorCheck> doctor_checks(Context& ctx) const {
    (void)ctx;
    return {};
  }
};

using PipelineList = std::vector<std::unique_ptr<Pipeline>>;

// The registry of every job kind and task the pipelines give. Throws std::logic_error for a
// name given twice.
Registry make_registry(const PipelineList& pipelines);

// The schema components the state file holds for `pipelines`, in list order.
std::vector<state::Component> state_components(const PipelineList& pipelines);

// The core's own checks ([state], [log], [alerts], [run]) and then every pipeline's, in order.
std::vector<ConfigProblem> check_config(const config::Config& config,
                                        const PipelineList& pipelines);

// Every pipeline's warnings (Pipeline::warnings), in order.
std::vector<ConfigProblem> config_warnings(const config::Config& config,
                                           const PipelineList& pipelines);

// `where: message` lines, one per problem.
std::string describe(const std::vector<ConfigProblem>& problems);

}  // namespace core
}  // namespace ferry
